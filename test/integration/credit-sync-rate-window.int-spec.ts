import { JOB_NAMES, QUEUE_NAMES, type ProviderName } from '@sluice/queue';
import { Job } from 'bullmq';
import { CreditGate } from '../../apps/enrichment-worker/src/pipeline/credit-gate';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { ProviderCatalog } from '../../apps/enrichment-worker/src/pipeline/provider-catalog';
import { call } from '../support/api';
import { calls, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { fillRocketReachSecond, rocketReachStatusPoll } from '../support/rate-window';
import { watchQueue, type WatchedQueue } from '../support/queue-watch';
import { eventually } from '../support/wait';

const ACCOUNT = 'GET /account/';
/** A free RocketReach call that only its global 10-a-second limit counts (a worker's status poll). */
const STATUS = 'GET /person/checkStatus';

type Context = Awaited<ReturnType<typeof setUp>>;
type SyncResult = { resumed: string[]; paused: string[] };

/**
 * The workers' credit sync reads provider balances on the platform's account: every provider's at
 * start-up and when an operator asks (POST /v1/admin/credits/check), each paused provider's at
 * every tick. Each read is a call the provider counts (RocketReach's against its global 10 requests
 * a second): it takes a slot in the workers' shared rate window first, and a reading that finds no
 * slot in time, or that the provider refuses with 429, is skipped and changes nothing.
 */
describe('the workers’ credit sync in the shared provider rate window', () => {
  let ctx: Context | undefined;
  let watched: WatchedQueue | undefined;

  afterEach(async () => {
    await watched?.close();
    watched = undefined;
    await tearDown(ctx);
    ctx = undefined;
  });

  /**
   * The stack, with its worker's start-up sync done. The scheduled sync runs every 4 minutes (past
   * these tests), so the syncs here are the operator's; a read may wait a minute for a slot.
   */
  const start = async (
    env: Record<string, string> = {},
  ): Promise<{ stack: Stack; guards: PipelineGuards; catalog: ProviderCatalog; gate: CreditGate }> => {
    ctx = await setUp({ CREDIT_SYNC_INTERVAL_MS: '240000', ...env });
    const { stack, prefix } = ctx;
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const catalog = stack.worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
    const gate = stack.worker?.get(CreditGate, { strict: false }) as CreditGate;
    for (const provider of ['rocketreach', 'apollo'] as const) {
      await eventually(async () => (await guards.wallet.snapshot(provider)).balance === 1000 || undefined, {
        what: `the start-up reading of ${provider}`,
      });
    }
    watched = await watchQueue(QUEUE_NAMES.enrichment, prefix);
    return { stack, guards, catalog, gate };
  };

  /** POST /v1/admin/credits/check; answers the credit sync job it queued for the workers. */
  const adminCheck = async (stack: Stack): Promise<Job> => {
    const answer = await call<{ job_id: string }>(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(answer.status).toBe(202);
    const id = answer.body.job_id.replace('credits-check-', 'credits-sync-');
    const job = await Job.fromId((watched as WatchedQueue).queue, id);
    if (!job) {
      throw new Error(`the admin check queued no credit sync ${id}`);
    }
    expect(job.name).toBe(JOB_NAMES.creditsSync);
    return job;
  };

  const finished = (job: Job): Promise<{ result?: SyncResult; failed?: string }> =>
    job.waitUntilFinished((watched as WatchedQueue).events, 90_000).then(
      (result: SyncResult) => ({ result }),
      (error: unknown) => ({ failed: String(error) }),
    );

  const pausedForCredits = async (gate: CreditGate, provider: ProviderName): Promise<boolean> => {
    const pause = await gate.pauseOf(provider);
    return pause !== null && pause.manual !== true;
  };

  it('reads a paused RocketReach’s balance only once a slot frees in the window the workers filled, draws no 429, and resumes it', async () => {
    const { stack, guards, catalog, gate } = await start();
    // The rule a balance read shares with every RocketReach call: the global 10 a second.
    const rules = catalog.balanceReadRulesOf('rocketreach');
    await gate.pause('rocketreach', 'out of credits (test)');
    // Full load: the workers take every slot of the second and call RocketReach with each.
    const freesAt = await fillRocketReachSecond(stack, guards, rules);

    const sync = finished(await adminCheck(stack));
    // Until a slot frees, RocketReach hears nothing of the sync.
    while (Date.now() < freesAt - 100) {
      expect((await calls(stack.sandboxUrl, 'rocketreach')).by_endpoint[ACCOUNT] ?? 0).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 25)); // the polling interval, to the deadline
    }
    const outcome = await sync;
    expect(outcome.failed).toBeUndefined();
    expect(outcome.result?.resumed).toContain('rocketreach');
    expect(await gate.pauseOf('rocketreach')).toBeNull();
    const counts = await calls(stack.sandboxUrl, 'rocketreach');
    expect(counts.by_endpoint).toEqual({ [STATUS]: 10, [ACCOUNT]: 1 });
    // The read arrived once the slot had freed (the sandbox's clock is this process's)...
    expect(counts.recent.at(-1)).toBeGreaterThanOrEqual(freesAt - 100);
    // ...and nothing was refused for the rate limit: neither the workers' calls nor the read.
    expect(counts.rate_limited).toEqual({});
  });

  it('skips a balance read RocketReach refuses with 429: the sync succeeds, the provider stays paused with no circuit failure, and a later sync resumes it', async () => {
    const { stack, guards, gate } = await start();
    await gate.pause('rocketreach', 'out of credits (test)');
    await guards.wallet.setBalance('rocketreach', 3);
    // Another client of the same key (outside Sluice) has used the account's only call this hour.
    expect((await call(stack.sandboxUrl, 'POST', '/_sandbox/reset')).status).toBe(200);
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { rate_limit: { limit: 1, window_seconds: 3600 } });
    expect(await rocketReachStatusPoll(stack)).toBe(200);

    const outcome = await finished(await adminCheck(stack));
    // RocketReach did refuse the read.
    expect((await calls(stack.sandboxUrl, 'rocketreach')).rate_limited).toEqual({ [ACCOUNT]: 1 });
    expect(outcome.failed).toBeUndefined();
    expect(await pausedForCredits(gate, 'rocketreach')).toBe(true);
    // The wallet keeps what it knew; the circuit counted nothing (no outcome stored at all).
    expect((await guards.wallet.snapshot('rocketreach')).balance).toBe(3);
    expect(await guards.circuits.state('rocketreach')).toBe('closed');
    expect(await guards.redis.keys(`${ctx?.prefix}:pipeline:circuit*rocketreach*`)).toEqual([]);
    // And the sync says it left the provider paused.
    expect(outcome.result?.paused).toContain('rocketreach');

    // The limit lifted, the next sync reads the balance and resumes the provider.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { rate_limit: { limit: 10, window_seconds: 1 } });
    const next = await finished(await adminCheck(stack));
    expect(next.result?.resumed).toContain('rocketreach');
    expect(await gate.pauseOf('rocketreach')).toBeNull();
    expect((await guards.wallet.snapshot('rocketreach')).balance).toBe(1000);
  });

  it('skips, without calling, a read whose window frees too late (Apollo’s hour used up): the paused provider stays paused and the wallet keeps its balance', async () => {
    // A pause older than CREDIT_PROBE_AFTER_MS: a skipped reading taken for "no balance endpoint"
    // would resume Apollo on a probe, its balance forgotten.
    const { stack, guards, catalog, gate } = await start({ CREDIT_PROBE_AFTER_MS: '1' });
    const rules = catalog.balanceReadRulesOf('apollo');
    expect(rules.map((rule) => rule.name)).toEqual(['hour']);
    await gate.pause('apollo', 'out of credits (test)');
    await guards.wallet.setBalance('apollo', 2);
    // Whatever the start-up reading left, the workers take the rest of the hour's 600 slots.
    const left = (await guards.limiter.remaining('apollo', rules)).hour ?? 0;
    for (let i = 0; i < left; i += 1) {
      expect((await guards.limiter.acquire('apollo', rules)).allowed).toBe(true);
    }
    const before = await calls(stack.sandboxUrl, 'apollo');
    const started = Date.now();

    const outcome = await finished(await adminCheck(stack));
    // Given up at once: the hour frees far beyond the minute a read may wait.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.failed).toBeUndefined();
    expect(await calls(stack.sandboxUrl, 'apollo')).toMatchObject({ total: before.total, rate_limited: {} });
    expect(await pausedForCredits(gate, 'apollo')).toBe(true);
    expect((await guards.wallet.snapshot('apollo')).balance).toBe(2);
    expect(outcome.result?.resumed).not.toContain('apollo');
    expect(outcome.result?.paused).toContain('apollo');
  });
});
