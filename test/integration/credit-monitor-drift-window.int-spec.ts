import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { Queue, QueueEvents } from 'bullmq';
import { AnswerHoldingRelay } from '../support/answer-holding-relay';
import { requireEnv, untilWaitingForLock, type TestDatabase } from '../support/database';
import { sandboxCredits, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

type Context = { stack: Stack; db: TestDatabase; prefix: string };

interface SnapshotRow {
  provider_spent: string | null;
  ledger_spent: string | null;
  drift: string | null;
}

/** Credits each charge in the series costs: above a tolerance of 0, so any miscount alerts. */
const PRICE = 2;

/**
 * The credit monitor reconciles each Apollo reading with the ledger charges made since the
 * previous one. A charge the ledger settles after a reading's balance was read, but before that
 * reading is stored (its answer still on the way back, or its check waiting for the provider's
 * lock), belongs to the next interval, where Apollo's balance shows it: counted once, no drift.
 */
describe('the credit monitor’s drift check over charges settled while a reading is applied', () => {
  let ctx: Context | undefined;
  let relay: AnswerHoldingRelay | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  const monitors: WorkerProcess[] = [];

  afterEach(async () => {
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

  const apolloSnapshots = (db: TestDatabase): Promise<SnapshotRow[]> =>
    db.dataSource.query<SnapshotRow[]>(
      `SELECT provider_spent, ledger_spent, drift FROM credit_snapshots
        WHERE provider = 'apollo' ORDER BY taken_at`,
    );

  /** A charge settled in the ledger now, as a worker's settlement writes it. */
  let charges = 0;
  const settleCharge = async (db: TestDatabase): Promise<void> => {
    charges += 1;
    await db.dataSource.query(
      `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key) VALUES ('apollo', 'charge', $1, $2)`,
      [PRICE, `drift-window-${charges}`],
    );
  };

  /** The same credits spent at Apollo, so that its balance agrees with the ledger. */
  const spendAtApollo = async (stack: Stack): Promise<void> => {
    const left = await sandboxCredits(stack.sandboxUrl, 'apollo');
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: left - PRICE });
  };

  /** Starts one Apollo balance check, as its scheduler does; resolves to its result. */
  const checkApollo = (): Promise<Record<string, unknown>> =>
    (queue as Queue)
      .add(JOB_NAMES.creditsCheck, { provider: 'apollo' }, { removeOnComplete: { count: 100 } })
      .then((job) => job.waitUntilFinished(events as QueueEvents, 30_000));

  it('counts a charge settled between a reading and its snapshot in one interval only, and raises no drift alert', async () => {
    ctx = await setUp({ CREDIT_DRIFT_TOLERANCE: '0' }, { worker: false });
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100 });
    // The monitor reaches Apollo through a relay that can hold Apollo's answer on its way back.
    const sandbox = new URL(stack.sandboxUrl);
    relay = new AnswerHoldingRelay({ host: sandbox.hostname, port: Number(sandbox.port) });
    await relay.start();
    const apolloUrl = new URL(stack.env.APOLLO_BASE_URL);
    apolloUrl.port = String(relay.port);
    monitors.push(
      await startAppProcess('credit-monitor', { ...stack.env, APOLLO_BASE_URL: apolloUrl.toString() }),
    );
    await eventually(async () => (await apolloSnapshots(db)).length >= 1 || undefined, {
      what: 'the start-up reading of Apollo',
    });
    const connection = { url: requireEnv('REDIS_URL') };
    queue = new Queue(QUEUE_NAMES.creditMonitor, { connection, prefix });
    events = new QueueEvents(QUEUE_NAMES.creditMonitor, { connection, prefix });
    await events.waitUntilReady();

    // Twice: Apollo has answered the read (its balance without the charge), and while its answer
    // is on the way back, a charge is settled in the ledger and paid at Apollo.
    for (let round = 1; round <= 2; round += 1) {
      const gate = relay;
      gate.holdNextAnswer();
      const checked = checkApollo();
      await eventually(() => gate.answersHeld === round || undefined, { what: `Apollo's answer ${round}` });
      await settleCharge(db);
      await spendAtApollo(stack);
      gate.release();
      expect(await checked).toMatchObject({ provider: 'apollo', drift: 0 });
    }

    // Then while the check, its balance read, waits for the provider's lock to store it.
    const lock = db.dataSource.createQueryRunner();
    let checked: Promise<Record<string, unknown>>;
    try {
      await lock.startTransaction();
      await lock.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['credit_snapshots:apollo']);
      checked = checkApollo();
      await untilWaitingForLock(db, 'the check waiting for the provider’s lock', { event: 'advisory' });
      await settleCharge(db);
      await spendAtApollo(stack);
      await lock.commitTransaction();
    } finally {
      await lock.release();
    }
    expect(await checked).toMatchObject({ provider: 'apollo', drift: 0 });

    // A last reading takes in what the previous one left to it.
    expect(await checkApollo()).toMatchObject({ provider: 'apollo', balance: 100 - 3 * PRICE, drift: 0 });

    const readings = await apolloSnapshots(db);
    // The start-up reading, and one for each check: each charge counted in the interval where
    // Apollo's balance shows it, and in no other.
    expect(readings.map((row) => (row.ledger_spent === null ? null : Number(row.ledger_spent)))).toEqual([
      null,
      0,
      PRICE,
      PRICE,
      PRICE,
    ]);
    expect(readings.map((row) => (row.provider_spent === null ? null : Number(row.provider_spent)))).toEqual([
      null,
      0,
      PRICE,
      PRICE,
      PRICE,
    ]);
    expect(readings.map((row) => (row.drift === null ? null : Number(row.drift)))).toEqual([
      null,
      0,
      0,
      0,
      0,
    ]);
    const [{ n: driftAlerts }] = await db.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM alerts WHERE kind = 'credits.drift'`,
    );
    expect(driftAlerts).toBe(0);
  });
});
