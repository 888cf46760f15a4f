import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { In } from 'typeorm';
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

/** How many steps ended in each state and reason. */
function tally(steps: EnrichmentStep[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of steps) {
    const key = `${step.state} ${step.reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('a small balance held by calls in flight, with wait_for_credits false', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];
  let guards: PipelineGuards;
  let catalog: ProviderCatalog;

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, a miss is free).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Contention Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
    guards = ctx.stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    catalog = ctx.stack.worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
  });
  afterAll(() => tearDown(ctx));

  const apolloCredits = (): Promise<number> => sandboxCredits(ctx.stack.sandboxUrl, 'apollo');

  const apolloSteps = async (ids: string[]): Promise<EnrichmentStep[]> =>
    ctx.db.dataSource.getRepository(EnrichmentStep).findBy({ requestId: In(ids), provider: 'apollo' });

  const ledgerTotal = async (ids: string[]): Promise<number> =>
    (await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: In(ids) })).reduce(
      (sum, row) => sum + Number(row.credits),
      0,
    );

  /** Slots taken in Apollo's shared rate window (its one rule, 600 an hour). */
  const rateSlotsTaken = async (): Promise<number> => {
    const rules = catalog.rateLimitsFor('apollo', 'free', 'find_work_email');
    expect(rules.map((rule) => rule.name)).toEqual(['hour']);
    const left = await guards.limiter.remaining('apollo', rules);
    return (rules[0]?.limit ?? 0) - (left.hour ?? 0);
  };

  const run = async (persons: WorldPerson[]): Promise<string[]> => {
    const ids = await Promise.all(
      persons.map((person) =>
        enqueue(ctx.stack, apiKey, {
          type: 'person.email',
          input: personInput(person),
          priority: 'bulk',
          options: { wait_for_credits: false },
        }),
      ),
    );
    for (const view of await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 60_000)))) {
      expect(view.status).toBe('completed');
    }
    return ids;
  };

  it('asks the provider for every step its balance pays, waiting out the reservations of calls in flight, and pays exactly what the provider charged', async () => {
    const unknown = world.filter((p) => !p.emails.apollo).slice(0, 40);
    const known = world.filter((p) => p.emails.apollo === p.email).slice(0, 3);
    expect(unknown).toHaveLength(40);
    expect(known).toHaveLength(3);
    // Two credits, read by the wallet: at most two calls can hold a reservation at a time.
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { credits: 2, rate_limit: null });
    await call(ctx.stack.gatewayUrl, 'POST', '/v1/admin/credits/check', { token: TEST_ADMIN_TOKEN });
    await eventually(async () => (await guards.wallet.snapshot('apollo')).balance === 2 || undefined, {
      what: 'the wallet reading the balance of 2',
    });
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    // The balance reads so far (the worker's start-up sync, the check above) took theirs; from here
    // every call Apollo hears (its matches, and the credit sync's balance reads once it is paused)
    // takes one slot, and nothing else takes any.
    const slotsBefore = await rateSlotsTaken();
    const callsBefore = (await calls(ctx.stack.sandboxUrl, 'apollo')).total;
    const oneSlotPerCall = () =>
      eventually(
        async () => {
          const slots = (await rateSlotsTaken()) - slotsBefore;
          const made = (await calls(ctx.stack.sandboxUrl, 'apollo')).total - callsBefore;
          return slots === made ? slots : undefined;
        },
        { what: 'one slot of Apollo’s window per call it heard' },
      );

    // 40 people Apollo does not know (free misses) and one it knows (one credit), all at once.
    const ids = await run([...unknown, known[0]]);
    const steps = await apolloSteps(ids);
    expect(tally(steps)).toEqual({ 'completed null': 1, 'failed not_found': 40 });
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(41);
    // Waiting for credits took no slot of the provider's rate window: one slot per call made.
    expect(await oneSlotPerCall()).toBeGreaterThanOrEqual(41);
    expect(await apolloCredits()).toBe(1);
    expect(await ledgerTotal(ids)).toBe(1);
    expect(await guards.wallet.snapshot('apollo')).toMatchObject({ balance: 1, reserved: 0 });

    // Two people it knows and one credit: one is paid for, the other finds the balance itself
    // short (not merely held) and is skipped as out of credits, never overspending.
    const last = await run(known.slice(1));
    const lastSteps = await apolloSteps(last);
    expect(tally(lastSteps)).toEqual({ 'completed null': 1, 'skipped out_of_credits': 1 });
    expect(await apolloCredits()).toBe(0);
    expect(await ledgerTotal([...ids, ...last])).toBe(2);
    expect(await oneSlotPerCall()).toBeGreaterThanOrEqual(42);
    expect(await guards.wallet.snapshot('apollo')).toMatchObject({ balance: 0, reserved: 0 });
  });
});

describe('a small workspace quota held by calls in flight, policy refuse', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspaceId: string;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, a miss is free); its balance is ample.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    ({ id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Quota Contention Co'));
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const apolloSteps = async (ids: string[]): Promise<EnrichmentStep[]> =>
    ctx.db.dataSource.getRepository(EnrichmentStep).findBy({ requestId: In(ids), provider: 'apollo' });

  const charged = async (): Promise<number> =>
    (await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ workspaceId, kind: 'charge' })).reduce(
      (sum, row) => sum + Number(row.credits),
      0,
    );

  const run = async (persons: WorldPerson[]): Promise<string[]> => {
    // In one submission, so that the gateway's early check sees the quota as it stands before any call.
    const submitted = await call<{ accepted: { id: string }[] }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/jobs/bulk',
      {
        token: apiKey,
        body: {
          jobs: persons.map((person) => ({
            type: 'person.email',
            input: personInput(person),
            priority: 'bulk',
            options: { wait_for_credits: false },
          })),
        },
      },
    );
    expect(submitted.status).toBe(202);
    const ids = submitted.body.accepted.map((accepted) => accepted.id);
    expect(ids).toHaveLength(persons.length);
    for (const view of await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 60_000)))) {
      expect(view.status).toBe('completed');
    }
    return ids;
  };

  it('asks the provider for every step the quota pays, waiting out the reservations of the workspace’s calls in flight, and never passes the quota', async () => {
    const unknown = world.filter((p) => !p.emails.apollo).slice(0, 40);
    const known = world.filter((p) => p.emails.apollo === p.email).slice(0, 3);
    expect(unknown).toHaveLength(40);
    expect(known).toHaveLength(3);
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { rate_limit: null });
    // Two credits a month: at most two of the workspace's calls can hold a reservation at a time.
    const quota = await call(
      ctx.stack.gatewayUrl,
      'PUT',
      `/v1/admin/workspaces/${workspaceId}/quotas/apollo`,
      {
        token: TEST_ADMIN_TOKEN,
        body: { monthly_credits: 2, policy: 'refuse' },
      },
    );
    expect(quota.status).toBe(200);
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);

    // 40 people Apollo does not know (free misses) and one it knows (one credit), all at once.
    const ids = await run([...unknown, known[0]]);
    expect(tally(await apolloSteps(ids))).toEqual({ 'completed null': 1, 'failed not_found': 40 });
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(41);
    expect(await charged()).toBe(1);

    // Two people it knows and one credit left: one is paid for, the other finds the quota itself
    // used up (not merely held) and is skipped, never passing the quota.
    const last = await run(known.slice(1));
    expect(tally(await apolloSteps(last))).toEqual({ 'completed null': 1, 'skipped quota_exceeded': 1 });
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH) - matchesBefore).toBe(42);
    expect(await charged()).toBe(2);
    const credits = await call<{ providers: { provider: string; quota: unknown }[] }>(
      ctx.stack.gatewayUrl,
      'GET',
      '/v1/credits',
      { token: apiKey },
    );
    expect(credits.body.providers.find((p) => p.provider === 'apollo')?.quota).toMatchObject({
      monthly_credits: 2,
      used: 2,
      remaining: 0,
    });
  });
});
