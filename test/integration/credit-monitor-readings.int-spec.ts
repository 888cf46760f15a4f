import { startApolloMonitorRig, type ApolloMonitorRig } from '../support/apollo-monitor-rig';
import { untilWaitingForLock, type TestDatabase } from '../support/database';
import { sandboxCredits, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';

type Context = { stack: Stack; db: TestDatabase; prefix: string };

interface SnapshotRow {
  provider_spent: string | null;
  ledger_spent: string | null;
  drift: string | null;
}

// Each test's stack, and its monitor reaching Apollo through a relay.
let ctx: Context | undefined;
let rig: ApolloMonitorRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  await tearDown(ctx);
  ctx = undefined;
});

/** Credits each charge in the series costs: above a tolerance of 0, so any miscount alerts. */
const PRICE = 2;

/**
 * The credit monitor reconciles each Apollo reading with the ledger charges made since the
 * previous one. A charge the ledger settles after a reading's balance was read, but before that
 * reading is stored (its answer still on the way back, or its check waiting for the provider's
 * lock), belongs to the next interval, where Apollo's balance shows it: counted once, no drift.
 */
describe('the credit monitor’s drift check over charges settled while a reading is applied', () => {
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

  it('counts a charge settled between a reading and its snapshot in one interval only, and raises no drift alert', async () => {
    ctx = await setUp({ CREDIT_DRIFT_TOLERANCE: '0' }, { worker: false });
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100 });
    // The monitor reaches Apollo through a relay that can hold Apollo's answer on its way back.
    rig = await startApolloMonitorRig(stack, prefix);
    const { relay: gate, checkApollo } = rig;
    await eventually(async () => (await apolloSnapshots(db)).length >= 1 || undefined, {
      what: 'the start-up reading of Apollo',
    });

    // Twice: Apollo has answered the read (its balance without the charge), and while its answer
    // is on the way back, a charge is settled in the ledger and paid at Apollo.
    for (let round = 1; round <= 2; round += 1) {
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

/**
 * Two balance checks of one provider whose reads overlap: the one started first is answered last
 * by the provider (its request slow on the way out), the one started second answered first (its
 * answer slow on the way back). Neither reading is known to be the newer, so only the first one
 * applied counts; the other must not undo its alert, or the next reading alerts again.
 */
describe('the credit monitor with balance reads that overlap', () => {
  const thresholdAlerts = async (db: TestDatabase): Promise<string[]> =>
    (
      await db.dataSource.query<{ severity: string }[]>(
        `SELECT severity FROM alerts WHERE kind = 'credits.threshold' AND provider = 'apollo' ORDER BY created_at`,
      )
    ).map((row) => row.severity);

  it('applies one of two overlapping readings, so a critical alert is neither cleared by the older balance nor sent twice', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 20 });
    rig = await startApolloMonitorRig(stack, prefix);
    const { relay: gate, checkApollo } = rig;
    await eventually(async () => ((await thresholdAlerts(db)).length >= 1 ? true : undefined), {
      what: 'the warning of the start-up reading',
    });
    expect(await thresholdAlerts(db)).toEqual(['warning']);

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
