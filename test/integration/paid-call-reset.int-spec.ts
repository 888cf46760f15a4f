import { CreditLedgerEntry } from '@sluice/db';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { ProviderCatalog } from '../../apps/enrichment-worker/src/pipeline/provider-catalog';
import { call, createWorkspace } from '../support/api';
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
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

const MATCH = 'POST /people/match';

/** Someone whose work e-mail Apollo finds. */
const apolloPerson = async (sandboxUrl: string): Promise<WorldPerson> =>
  (await people(sandboxUrl)).find(
    (p) => p.emails.apollo === p.email && p.email_status === 'valid',
  ) as WorldPerson;

/**
 * A provider charges when it has done the work, whether or not its answer reaches the caller. A paid
 * call whose connection broke after the request was sent (a reset, a socket closed by a proxy) may
 * have been charged: calling again pays again.
 */
describe('a paid call whose connection is reset after it was sent', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone finds e-mails (one credit per match).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('is not made again, and what the provider charged for it is in the ledger, the wallet and the step', async () => {
    const { stack, db } = ctx;
    // Apollo does the match and charges for it, then its connection closes without an answer.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100, reset_rate: 1 });
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Dropped Answers Co')).apiKey;
    const person = await apolloPerson(stack.sandboxUrl);
    const matchesBefore = paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH);
    const creditsBefore = await sandboxCredits(stack.sandboxUrl, 'apollo');

    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    // Once the first call was received (and charged), Apollo answers again: a second call would be
    // answered, and charged, as usual.
    await eventually(async () => paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) > matchesBefore, {
      timeoutMs: 30_000,
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { reset_rate: 0 });
    const view = await finished(stack, apiKey, id, 20_000);

    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(1);
    expect(await sandboxCredits(stack.sandboxUrl, 'apollo')).toBe(creditsBefore - 1);
    const step = view.steps.find((s) => s.provider === 'apollo');
    expect(step).toMatchObject({ state: 'failed', reason: 'unavailable', credits: 1 });
    expect(step?.error).toMatch(/connection to Apollo .* broke during POST \/people\/match/);
    expect(step?.error).toMatch(
      /may have charged for the call, so it counts as charged and is not made again/,
    );
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['apollo', 1]]);
    expect((await guards.wallet.snapshot('apollo')).reserved).toBe(0);
  });
});

/** Identical requests in flight share one call: its failure, too, once it may have been charged. */
describe('identical requests waiting on a paid call whose connection is reset', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('fail over as it did, charged nothing, instead of each making (and paying for) the call again', async () => {
    const { stack, db } = ctx;
    // Every Apollo call is charged and then its connection closes: each call made is a credit lost.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100, reset_rate: 1 });
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Dropped Twins Co')).apiKey;
    const person = await apolloPerson(stack.sandboxUrl);
    const matchesBefore = paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH);
    try {
      const ids = await Promise.all(
        Array.from({ length: 5 }, () =>
          enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) }),
        ),
      );
      const views = await Promise.all(ids.map((id) => finished(stack, apiKey, id, 30_000)));
      // Before, each waiting step took the claim in turn and called (until the circuit opened).
      expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(1);
      const apollo = views.map((view) => view.steps.find((s) => s.provider === 'apollo'));
      expect(apollo.map((step) => [step?.state, step?.reason])).toEqual(
        ids.map(() => ['failed', 'unavailable']),
      );
      expect(apollo.map((step) => step?.credits).sort()).toEqual([0, 0, 0, 0, 1]);
      const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ provider: 'apollo' });
      expect(
        ledger.filter((row) => ids.includes(row.requestId ?? '')).map((row) => Number(row.credits)),
      ).toEqual([1]);
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'apollo', { reset_rate: 0 });
    }
  });
});

/** The same failure on a call that costs nothing: nothing can have been charged, so it is retried. */
describe('a free call whose connection is reset after it was sent', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('is made again, and answers', async () => {
    const { stack } = ctx;
    // An operator's price of 0 for Apollo's e-mail match (as for a provider that charges nothing).
    const priced = await call(stack.gatewayUrl, 'PUT', '/v1/admin/providers/apollo/settings', {
      token: TEST_ADMIN_TOKEN,
      body: { costs: { find_work_email: { credits: 0 } } },
    });
    expect(priced.status).toBe(200);
    const catalog = stack.worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
    await eventually(() => catalog.costOf('apollo', 'find_work_email').credits === 0, {
      what: 'the worker reloaded the price',
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100, reset_rate: 1 });
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Free Retries Co')).apiKey;
    const person = await apolloPerson(stack.sandboxUrl);
    const matchesBefore = paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH);

    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    await eventually(async () => paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) > matchesBefore, {
      timeoutMs: 30_000,
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { reset_rate: 0 });
    const view = await finished(stack, apiKey, id, 20_000);

    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(2);
    expect(view.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'completed',
      credits: 0,
    });
  });
});
