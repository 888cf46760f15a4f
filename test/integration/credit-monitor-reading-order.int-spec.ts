import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { Queue, QueueEvents } from 'bullmq';
import { AnswerHoldingRelay } from '../support/answer-holding-relay';
import { requireEnv, type TestDatabase } from '../support/database';
import { sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

type Context = { stack: Stack; db: TestDatabase; prefix: string };

/**
 * Two balance checks of one provider whose reads overlap: the one started first is answered last
 * by the provider (its request slow on the way out), the one started second answered first (its
 * answer slow on the way back). Neither reading is known to be the newer, so only the first one
 * applied counts; the other must not undo its alert, or the next reading alerts again.
 */
describe('the credit monitor with balance reads that overlap', () => {
  let ctx: Context | undefined;
  let relay: AnswerHoldingRelay | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  const monitors: WorkerProcess[] = [];

  afterEach(async () => {
    relay?.releaseRequests();
    relay?.release();
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await events?.close();
    await queue?.close();
    await relay?.stop();
    events = undefined;
    queue = undefined;
    relay = undefined;
    await tearDown(ctx);
    ctx = undefined;
  });

  const thresholdAlerts = async (db: TestDatabase): Promise<string[]> =>
    (
      await db.dataSource.query<{ severity: string }[]>(
        `SELECT severity FROM alerts WHERE kind = 'credits.threshold' AND provider = 'apollo' ORDER BY created_at`,
      )
    ).map((row) => row.severity);

  /** Starts one Apollo balance check, as its scheduler does; resolves to its result. */
  const checkApollo = (): Promise<Record<string, unknown>> =>
    (queue as Queue)
      .add(JOB_NAMES.creditsCheck, { provider: 'apollo' }, { removeOnComplete: { count: 100 } })
      .then((job) => job.waitUntilFinished(events as QueueEvents, 30_000));

  it('applies one of two overlapping readings, so a critical alert is neither cleared by the older balance nor sent twice', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 20 });
    const sandbox = new URL(stack.sandboxUrl);
    relay = new AnswerHoldingRelay({ host: sandbox.hostname, port: Number(sandbox.port) });
    await relay.start();
    const apolloUrl = new URL(stack.env.APOLLO_BASE_URL);
    apolloUrl.port = String(relay.port);
    monitors.push(
      await startAppProcess('credit-monitor', { ...stack.env, APOLLO_BASE_URL: apolloUrl.toString() }),
    );
    await eventually(async () => ((await thresholdAlerts(db)).length >= 1 ? true : undefined), {
      what: 'the warning of the start-up reading',
    });
    expect(await thresholdAlerts(db)).toEqual(['warning']);
    const connection = { url: requireEnv('REDIS_URL') };
    queue = new Queue(QUEUE_NAMES.creditMonitor, { connection, prefix });
    events = new QueueEvents(QUEUE_NAMES.creditMonitor, { connection, prefix });
    await events.waitUntilReady();
    const gate = relay;

    // The first check's request is held before Apollo sees it.
    gate.holdNextRequest();
    const first = checkApollo();
    await eventually(() => gate.requestsHeld === 1 || undefined, { what: 'the first request held' });
    // The second check, started later, is answered (20 credits) but its answer is held.
    gate.holdNextAnswer();
    const second = checkApollo();
    await eventually(() => gate.answersHeld === 1 || undefined, { what: 'the second answer held' });
    // Credits are spent; then Apollo sees the first request and answers 3 credits: critical.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 3 });
    gate.releaseRequests();
    expect(await first).toMatchObject({ provider: 'apollo', balance: 3, level: 'critical' });
    // The second reading arrives: 20 credits, read before the first one's. It does not count.
    gate.release();
    const skipped = await second;
    expect(skipped.provider).toBe('apollo');
    expect(skipped.skipped).toBe('a reading whose read overlapped this one was applied first');
    expect(skipped.balance).toBeUndefined();
    // The next reading finds the same 3 credits: nothing new to alert.
    expect(await checkApollo()).toMatchObject({ provider: 'apollo', balance: 3, level: 'critical' });

    expect(await thresholdAlerts(db)).toEqual(['warning', 'critical']);
    const balances = await db.dataSource.query<{ balance: string }[]>(
      `SELECT balance FROM credit_snapshots WHERE provider = 'apollo' ORDER BY taken_at`,
    );
    expect(balances.map((row) => Number(row.balance))).toEqual([20, 3, 3]);
  });
});
