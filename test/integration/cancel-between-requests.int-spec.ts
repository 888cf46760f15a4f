import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  onlyRocketReachFinds,
  paidCalls,
  people,
  personInput,
  sandboxCredits,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import { eventually } from '../support/wait';

const SEARCH = 'POST /person/search';
const LOOKUP = 'GET /person/lookup';

describe('a request cancelled while the free request of its paid call is out', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // RocketReach alone finds e-mails here: its free person search goes first, then its paid lookup.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } }),
    });
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  it('sends no paid lookup once cancelled, and charges nothing', async () => {
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancelled Mid-Search Co');
    const person = (await people(stack.sandboxUrl)).find(onlyRocketReachFinds('valid'));
    expect(person).toBeDefined();
    const before = await sandboxCredits(stack.sandboxUrl, 'rocketreach');
    // Each request takes 2 s at RocketReach: the cancellation comes while the search is out.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 2000 });

    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person as NonNullable<typeof person>),
    });
    await eventually(
      async () => paidCalls(await calls(stack.sandboxUrl, 'rocketreach'), SEARCH) >= 1 || undefined,
      { what: 'the person search sent', timeoutMs: 30_000, intervalMs: 50 },
    );
    const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');

    // The search answers a second or two after the cancellation; the lookup would follow it.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(paidCalls(await calls(stack.sandboxUrl, 'rocketreach'), LOOKUP)).toBe(0);
    expect(await sandboxCredits(stack.sandboxUrl, 'rocketreach')).toBe(before);
    const view = await finished(stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.find((s) => s.provider === 'rocketreach')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: 0,
    });
    expect(await db.dataSource.getRepository(CreditLedgerEntry).countBy({ requestId: id })).toBe(0);
  }, 90_000);
});

describe('a request cancelled while its paid call is on the wire', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone looks people up.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  it('records the charge, in the ledger and in the spend metric alike', async () => {
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancelled Mid-Call Co');
    const person = (await people(stack.sandboxUrl)).find((p) => p.emails.apollo === p.email);
    expect(person).toBeDefined();
    await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 2000 });
    try {
      const id = await enqueue(stack, apiKey, {
        type: 'person.profile',
        input: { linkedin_url: person?.linkedin_url },
      });
      await eventually(
        async () =>
          paidCalls(await calls(stack.sandboxUrl, 'apollo'), 'POST /people/match') >= 1 || undefined,
        { what: 'the match sent', timeoutMs: 30_000, intervalMs: 50 },
      );
      const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
        token: apiKey,
      });
      expect(cancelled.body.status).toBe('cancelled');
      // The match answers after the cancellation, and Apollo charged for it.
      const charged = await eventually(
        async () => {
          const rows = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
          return rows.length > 0 ? rows : undefined;
        },
        { what: 'the charge recorded', timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(charged.map((row) => [row.provider, Number(row.credits)])).toEqual([['apollo', 1]]);
      const metrics = await (await fetch(`${stack.workerUrl ?? ''}/metrics`)).text();
      const apollo = metrics
        .split('\n')
        .find(
          (line) => line.startsWith('sluice_credits_charged_total{') && line.includes('provider="apollo"'),
        );
      expect(Number(apollo?.split(' ').pop())).toBe(1);
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 0 });
    }
  }, 90_000);
});
