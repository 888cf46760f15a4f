import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { ProviderCatalog } from '../../apps/enrichment-worker/src/pipeline/provider-catalog';
import { startHttpSink, type HttpSink } from '../support/alert-sinks';
import { call } from '../support/api';
import type { TestDatabase } from '../support/database';
import { calls, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { fillRocketReachSecond, rocketReachStatusPoll } from '../support/rate-window';
import { watchQueue, type WatchedQueue } from '../support/queue-watch';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

const ACCOUNT = 'GET /account/';
/** A free RocketReach call that only its global 10-a-second limit counts (a worker's status poll). */
const STATUS = 'GET /person/checkStatus';

type Context = { stack: Stack; db: TestDatabase; prefix: string };

/**
 * The credit monitor reads RocketReach's balance (`GET /account/`) on the same key the workers
 * call with, and RocketReach counts that read against its global 10 requests a second: the read
 * takes a slot in the workers' shared window first, and a read the provider refuses anyway is
 * skipped until the next check rather than recorded.
 */
describe('the credit monitor’s balance reads in the shared provider rate window', () => {
  let ctx: Context | undefined;
  let sink: HttpSink;
  let watched: WatchedQueue | undefined;
  const monitors: WorkerProcess[] = [];

  beforeEach(async () => {
    sink = await startHttpSink();
  });

  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await watched?.close();
    watched = undefined;
    await tearDown(ctx);
    ctx = undefined;
    await sink.close();
  });

  const snapshots = async (db: TestDatabase, provider = 'rocketreach'): Promise<number> =>
    Number(
      (
        await db.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM credit_snapshots WHERE provider = $1`,
          [provider],
        )
      )[0]?.n ?? 0,
    );

  /** Alerts about RocketReach that reached the webhook. */
  const rocketReachAlerts = (): unknown[] =>
    sink.bodies.filter(
      (body) => (body.sluice as { provider?: string } | undefined)?.provider === 'rocketreach',
    );

  /** The stack, a credit monitor process, and the monitor's start-up checks done. */
  const start = async (): Promise<{ stack: Stack; db: TestDatabase; monitor: WorkerProcess }> => {
    ctx = await setUp({ ALERT_WEBHOOK_URL: sink.url });
    const { stack, db, prefix } = ctx;
    const monitor = await startAppProcess('credit-monitor', stack.env, { captureOutput: true });
    monitors.push(monitor);
    // Its schedulers run each provider's first check at once.
    await eventually(async () => (await snapshots(db)) >= 1 || undefined, {
      what: 'the start-up reading of RocketReach',
    });
    watched = await watchQueue(QUEUE_NAMES.creditMonitor, prefix);
    return { stack, db, monitor };
  };

  /** Runs one balance check of `provider`, as its scheduler does; answers its result or its failure. */
  const checkBalance = async (
    provider: string,
  ): Promise<{ result?: Record<string, unknown>; failed?: string }> => {
    const job = await (watched as WatchedQueue).queue.add(
      JOB_NAMES.creditsCheck,
      { provider },
      { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    );
    return job.waitUntilFinished((watched as WatchedQueue).events, 30_000).then(
      (result: Record<string, unknown>) => ({ result }),
      (error: unknown) => ({ failed: String(error) }),
    );
  };

  it('waits for a slot the workers left in RocketReach’s window before it reads the balance, and draws no 429', async () => {
    const { stack, db } = await start();
    const worker = stack.worker;
    const guards = worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const catalog = worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
    // A company lookup counts against the global rule only: the one the balance read shares.
    const rules = catalog.rateLimitsFor('rocketreach', 'free', 'lookup_company');
    // Full load: the workers take every slot of the second and call RocketReach with each.
    const freesAt = await fillRocketReachSecond(stack, guards, rules);
    const before = await snapshots(db);

    const checked = checkBalance('rocketreach');
    // Until a slot frees, RocketReach hears nothing of the monitor.
    while (Date.now() < freesAt - 100) {
      expect((await calls(stack.sandboxUrl, 'rocketreach')).by_endpoint[ACCOUNT] ?? 0).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 25)); // the polling interval, to the deadline
    }
    const outcome = await checked;
    expect(outcome.failed).toBeUndefined();
    const counts = await calls(stack.sandboxUrl, 'rocketreach');
    // Nothing was refused for the rate limit: neither the workers' calls nor the monitor's read.
    expect(counts.rate_limited).toEqual({});
    expect(outcome.result).toMatchObject({ provider: 'rocketreach', balance: 1000 });
    expect(counts.by_endpoint).toEqual({ [STATUS]: 10, [ACCOUNT]: 1 });
    // The read arrived once the slot had freed (the sandbox's clock is this process's).
    expect(counts.recent.at(-1)).toBeGreaterThanOrEqual(freesAt - 100);
    expect(await snapshots(db)).toBe(before + 1);
  });

  it('skips a balance read RocketReach refuses with 429: no snapshot, no alert, a log line, and the next check reads it', async () => {
    const { stack, db, monitor } = await start();
    const before = await snapshots(db);
    // Another client of the same key (outside Sluice) has used the account's only call this hour.
    expect((await call(stack.sandboxUrl, 'POST', '/_sandbox/reset')).status).toBe(200);
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { rate_limit: { limit: 1, window_seconds: 3600 } });
    expect(await rocketReachStatusPoll(stack)).toBe(200);

    const outcome = await checkBalance('rocketreach');
    // RocketReach did refuse the monitor's read.
    expect((await calls(stack.sandboxUrl, 'rocketreach')).rate_limited).toEqual({ [ACCOUNT]: 1 });
    // Not a failure of the monitor: this reading is skipped, and says so.
    expect(outcome.failed).toBeUndefined();
    expect(outcome.result).toMatchObject({
      provider: 'rocketreach',
      skipped: expect.stringMatching(/429/) as string,
    });
    await eventually(
      () =>
        monitor
          .output()
          .split('\n')
          .some((line) => line.includes('rocketreach') && /429/.test(line) && /next check/.test(line)) ||
        undefined,
      { what: 'the log line of the skipped reading' },
    );
    expect(await snapshots(db)).toBe(before);
    const [{ n: alerts }] = await db.dataSource.query<[{ n: string }]>(
      `SELECT count(*) AS n FROM alerts WHERE provider = 'rocketreach'`,
    );
    expect(Number(alerts)).toBe(0);
    expect(rocketReachAlerts()).toEqual([]);

    // The limit lifted, the next check reads and records the balance as usual.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { rate_limit: { limit: 10, window_seconds: 1 } });
    const next = await checkBalance('rocketreach');
    expect(next.result).toMatchObject({ provider: 'rocketreach', balance: 1000 });
    expect(await snapshots(db)).toBe(before + 1);
    expect(rocketReachAlerts()).toEqual([]);
  });

  it('takes a slot for Snov.io’s token fetch as well as for the read: every call it made is in the window', async () => {
    const { stack, db } = await start();
    const worker = stack.worker;
    const guards = worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const catalog = worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
    const rules = catalog.balanceReadRulesOf('snov');
    expect(rules.map((rule) => rule.name)).toEqual(['minute']);
    // The monitor's start-up reading (and the workers' start-up credit sync), each with the token
    // its own client fetched first: two calls a reading.
    await eventually(async () => (await snapshots(db, 'snov')) >= 1 || undefined, {
      what: 'the start-up reading of Snov.io',
    });
    await eventually(
      async () => {
        const counts = await calls(stack.sandboxUrl, 'snov');
        const taken = 60 - ((await guards.limiter.remaining('snov', rules)).minute ?? 0);
        return (counts.by_endpoint['POST /v1/oauth/access_token'] ?? 0) >= 2 && taken >= counts.total
          ? { counts, taken }
          : undefined;
      },
      { what: 'both readings, with their tokens' },
    );
    // Settled: nothing more is read in this minute, and each call made has its slot.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const counts = await calls(stack.sandboxUrl, 'snov');
    expect(counts.by_endpoint).toEqual({ 'POST /v1/oauth/access_token': 2, 'GET /v1/get-balance': 2 });
    expect(60 - ((await guards.limiter.remaining('snov', rules)).minute ?? 0)).toBe(counts.total);
  });

  it('skips the reading, without calling, when no slot frees within the wait it may spend (Apollo’s hour used up)', async () => {
    const { stack, db, monitor } = await start();
    const worker = stack.worker;
    const guards = worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const catalog = worker?.get(ProviderCatalog, { strict: false }) as ProviderCatalog;
    const rules = catalog.rateLimitsFor('apollo', 'free', 'find_work_email');
    expect(rules.map((rule) => rule.name)).toEqual(['hour']);
    await eventually(async () => (await snapshots(db, 'apollo')) >= 1 || undefined, {
      what: 'the start-up reading of Apollo',
    });
    const readings = await snapshots(db, 'apollo');
    // Whatever the start-up reading left, the workers take the rest of the hour's 600 slots.
    const left = (await guards.limiter.remaining('apollo', rules)).hour ?? 0;
    for (let i = 0; i < left; i += 1) {
      expect((await guards.limiter.acquire('apollo', rules)).allowed).toBe(true);
    }
    const before = await calls(stack.sandboxUrl, 'apollo');
    const started = Date.now();

    const outcome = await checkBalance('apollo');
    // Given up at once: the hour frees far beyond the minute a check may wait.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.result).toMatchObject({
      provider: 'apollo',
      skipped: expect.stringMatching(/rate window/) as string,
    });
    expect(await calls(stack.sandboxUrl, 'apollo')).toMatchObject({ total: before.total, rate_limited: {} });
    expect(await snapshots(db, 'apollo')).toBe(readings);
    await eventually(
      () =>
        monitor
          .output()
          .split('\n')
          .some((line) => line.includes('apollo') && /rate window/.test(line) && /next check/.test(line)) ||
        undefined,
      { what: 'the log line of the skipped reading' },
    );
  });
});
