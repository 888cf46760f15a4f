import { CreditLedgerEntry } from '@sluice/db';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { createWorkspace } from '../support/api';
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
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

const MATCH = 'POST /people/match';

/**
 * A provider charges when it has done the work, whether or not the caller is still waiting for
 * the answer. A paid call that timed out on our side may have been charged: calling again pays again.
 */
describe('a paid call that times out', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone finds e-mails (one credit per match); it answers after our 700 ms timeout.
    ctx = await setUp({
      PROVIDER_TIMEOUT_MS: '700',
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('is not made again, and what the provider charged for it is in the ledger, the wallet and the step', async () => {
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100, latency_ms: 1_200 });
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Slow Answers Co')).apiKey;
    const person = (await people(stack.sandboxUrl)).find(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    ) as WorldPerson;
    const matchesBefore = paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH);
    const creditsBefore = await sandboxCredits(stack.sandboxUrl, 'apollo');

    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    // Once the first call is on the wire, Apollo answers at once: a second call would be answered
    // (and charged) in time.
    await eventually(async () => paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) > matchesBefore, {
      timeoutMs: 30_000,
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 0 });
    const view = await finished(stack, apiKey, id, 20_000);

    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(1);
    const step = view.steps.find((s) => s.provider === 'apollo');
    expect(step).toMatchObject({ state: 'failed', reason: 'timeout', credits: 1 });
    expect(step?.error).toMatch(/may have charged for the call/);
    // The slow answer was charged when Apollo gave it: the ledger says what the balance lost.
    await eventually(async () => (await sandboxCredits(stack.sandboxUrl, 'apollo')) === creditsBefore - 1, {
      timeoutMs: 20_000,
    });
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['apollo', 1]]);
    expect((await guards.wallet.snapshot('apollo')).reserved).toBe(0);
  });
});

/**
 * An e-mail verifier checks over SMTP while it is asked: seconds, and at a slow mail server most of
 * a minute. It has a timeout of its own (EMAIL_VERIFIER_TIMEOUT_MS), not the other providers'.
 */
describe('an e-mail verification slower than the other providers’ timeout', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Every other provider is given up on after 700 ms, the verifier after 5 s; the step, 3 s.
    ctx = await setUp({
      PROVIDER_TIMEOUT_MS: '700',
      EMAIL_VERIFIER_TIMEOUT_MS: '5000',
      STEP_TIMEOUT_MS: '3000',
    });
  });
  afterAll(() => tearDown(ctx));

  it('is waited for, and answers with its verdict', async () => {
    const { stack } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'email-verifier', { latency_ms: 4_000 });
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Slow Mail Servers Co')).apiKey;
    const person = (await people(stack.sandboxUrl)).find((p) => p.email_status === 'valid') as WorldPerson;
    const id = await enqueue(stack, apiKey, { type: 'email.verify', input: { email: person.email } });
    const view = await finished(stack, apiKey, id, 30_000);
    expect(view.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['email-verifier', 'completed', null],
    ]);
    expect(view.result).toMatchObject({
      verification: { email: person.email, verdict: 'valid', source: 'email-verifier' },
    });
    expect((await calls(stack.sandboxUrl, 'email-verifier')).total).toBe(1);
  });
});
