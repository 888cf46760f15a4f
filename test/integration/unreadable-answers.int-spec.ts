import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { eventually } from '../support/wait';
import type { WorldCompany } from '../support/sandbox-world';
import {
  calls,
  enqueue,
  finished,
  paidCalls,
  people,
  personInput,
  sandboxCredits,
  sandboxPatch,
  setUp,
  tearDown,
  worldCompanies,
} from '../support/pipeline';

const SEARCH = 'POST /search';

/**
 * Serper answers 2xx, charges, and its answer is not what its API documents: the sandbox's
 * `answer_fault` spoils it after the work is done, as proxies and providers do in production.
 */
describe('a provider that answers 2xx with a body that is not its documented answer', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };
  let companies: WorldCompany[];

  beforeAll(async () => {
    ctx = await setUp({});
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Unreadable Answers Co');
    // Companies whose domain Serper finds: its answer is then the one the job keeps.
    companies = (await worldCompanies(ctx.stack.sandboxUrl, 100)).filter((company) =>
      company.domain_known_by.includes('serper'),
    );
  });
  afterAll(async () => {
    await tearDown(ctx);
  });
  afterEach(async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'serper', { answer_fault: null });
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { answer_fault: null });
  });

  /** A `company.domain` job for the next of `companies`, with what Serper charged and was asked meanwhile. */
  async function domainJob(answerFault: Record<string, unknown>) {
    const company = companies.shift()!;
    await sandboxPatch(ctx.stack.sandboxUrl, 'serper', { answer_fault: answerFault });
    const creditsBefore = await sandboxCredits(ctx.stack.sandboxUrl, 'serper');
    const searchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'serper'), SEARCH);
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'company.domain',
      input: { company_name: company.company_name },
    });
    const view = await finished(ctx.stack, workspace.apiKey, id);
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    return {
      company,
      view,
      step: view.steps.find((step) => step.provider === 'serper'),
      ledger: ledger.map((row) => [row.provider, Number(row.credits)]),
      charged: creditsBefore - (await sandboxCredits(ctx.stack.sandboxUrl, 'serper')),
      searches: paidCalls(await calls(ctx.stack.sandboxUrl, 'serper'), SEARCH) - searchesBefore,
    };
  }

  it.each([
    ['a maintenance page in HTML', { kind: 'html' }],
    ['an empty body', { kind: 'empty' }],
    ['a body cut off halfway', { kind: 'truncated' }],
    ['a body over the size limit', { kind: 'oversized', bytes: 9 * 1024 * 1024 }],
  ])('counts a paid call answered with %s as charged, and does not ask again', async (_, answerFault) => {
    const run = await domainJob(answerFault);
    expect(run.charged).toBe(1);
    expect(run.searches).toBe(1);
    expect(run.step).toMatchObject({ state: 'failed', reason: 'invalid_response', credits: 1 });
    expect(run.step?.error).toContain('may have charged for the call');
    expect(run.ledger).toEqual([['serper', 1]]);
  });

  it('counts a paid call answered with JSON null as charged, whose cost its answer cannot tell', async () => {
    // Someone Orion Connect (asked first) cannot find and Astra Dialer can: Astra charges the
    // lookup that finds a number, and the answer that would have said so arrives as `null`.
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => !p.phones['orion-connect'] && p.phones['astra-dialer'],
    )!;
    await sandboxPatch(ctx.stack.sandboxUrl, 'astra-dialer', { answer_fault: { kind: 'json_null' } });
    const before = await sandboxCredits(ctx.stack.sandboxUrl, 'astra-dialer');
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'person.phone',
      input: personInput(person),
    });
    const view = await finished(ctx.stack, workspace.apiKey, id);
    await sandboxPatch(ctx.stack.sandboxUrl, 'astra-dialer', { answer_fault: null });
    expect(before - (await sandboxCredits(ctx.stack.sandboxUrl, 'astra-dialer'))).toBe(1);
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'astra-dialer'), 'GET /api/find-phone')).toBe(1);
    const step = view.steps.find((s) => s.provider === 'astra-dialer');
    expect(step).toMatchObject({ state: 'failed', reason: 'invalid_response', credits: 1 });
    expect(step?.error).toContain('may have charged for the call');
    const ledger = await ctx.db.dataSource
      .getRepository(CreditLedgerEntry)
      .findBy({ requestId: id, provider: 'astra-dialer' });
    expect(ledger.map((row) => Number(row.credits))).toEqual([1]);
  });

  it.each([
    ['a NUL character', { kind: 'nul_in_text' }, ''],
    ['half of a surrogate pair', { kind: 'lone_surrogate_in_text' }, '\ufffd'],
  ])(
    'stores an answer with %s in its text without it, and finishes the job',
    async (_, answerFault, mark) => {
      const run = await domainJob(answerFault);
      expect(run.view.status).toBe('completed');
      expect(run.step).toMatchObject({ state: 'completed', credits: 1 });
      // The name Serper's knowledge graph gives, with what could not be stored dropped or replaced.
      expect(run.view.result).toMatchObject({
        domain: {
          source: 'serper',
          domain: run.company.domain,
          company_name: run.company.company_name.replace(' ', `${mark} `),
        },
      });
      expect(run.charged).toBe(1);
      expect(run.searches).toBe(1);
      expect(run.ledger).toEqual([['serper', 1]]);
    },
  );

  it('polls a started task again after an answer it could not read, and keeps what the task found and charged', async () => {
    const RESULT = 'GET /v2/emails-by-domain-by-name/result';
    // Someone whose work address only Snov.io knows among the e-mail finders.
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => p.emails.snov === p.email && !p.emails.rocketreach && !p.emails.apollo,
    )!;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { answer_fault: { kind: 'html', endpoints: [RESULT] } });
    const snovBefore = await sandboxCredits(ctx.stack.sandboxUrl, 'snov');
    const apolloBefore = await calls(ctx.stack.sandboxUrl, 'apollo');
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'person.email',
      input: personInput(person),
    });
    // The proxy's page answers two polls; then the result endpoint answers again.
    await eventually(
      async () => paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), RESULT) >= 2 || undefined,
      {
        what: 'two polls answered with the maintenance page',
      },
    );
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { answer_fault: null });
    const view = await finished(ctx.stack, workspace.apiKey, id);
    expect(view.status).toBe('completed');
    expect(view.steps.find((step) => step.provider === 'snov')).toMatchObject({
      state: 'completed',
      credits: 1,
    });
    expect(view.result).toMatchObject({ email: { email: person.email, source: 'snov' } });
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['snov', 1]]);
    expect(snovBefore - (await sandboxCredits(ctx.stack.sandboxUrl, 'snov'))).toBe(1);
    // The waterfall did not pay the next provider for the same question.
    expect((await calls(ctx.stack.sandboxUrl, 'apollo')).total).toBe(apolloBefore.total);
  });

  it('collects the charge of a cancelled job’s task after an answer it could not read', async () => {
    const START = 'POST /v2/emails-by-domain-by-name/start';
    const RESULT = 'GET /v2/emails-by-domain-by-name/result';
    // Not the person of the test above (whose answer is now cached): the next one alike.
    const person = (await people(ctx.stack.sandboxUrl)).filter(
      (p) => p.emails.snov === p.email && !p.emails.rocketreach && !p.emails.apollo,
    )[1];
    // The task runs for a while, so that the job is cancelled while it does.
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 2_000 });
    const startsBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), START);
    const snovBefore = await sandboxCredits(ctx.stack.sandboxUrl, 'snov');
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'person.email',
      input: personInput(person),
    });
    await eventually(
      async () => paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), START) > startsBefore || undefined,
      { what: 'the Snov.io search to start' },
    );
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { answer_fault: { kind: 'html', endpoints: [RESULT] } });
    const resultsBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), RESULT);
    const cancelled = await call<{ status: string }>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: workspace.apiKey,
    });
    expect(cancelled.status).toBe(200);
    // The task finishes (charged by Snov.io); the worker's check of it meets the proxy's page.
    await eventually(
      async () => paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), RESULT) > resultsBefore || undefined,
      { what: 'a check of the cancelled task answered with the maintenance page', timeoutMs: 60_000 },
    );
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { answer_fault: null, task_delay_ms: 0 });
    const ledger = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the task’s charge in the ledger', timeoutMs: 60_000 },
    );
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['snov', 1]]);
    expect(snovBefore - (await sandboxCredits(ctx.stack.sandboxUrl, 'snov'))).toBe(1);
  }, 150_000);
});
