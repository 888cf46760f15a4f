import { Registry } from 'prom-client';
import { WorkerMetrics } from '../../apps/enrichment-worker/src/ops/worker-metrics';
import { ProviderCallLog } from '../../apps/enrichment-worker/src/steps/provider-call-log';
import { insertSteps, type RequestWithSteps } from '../../apps/enrichment-worker/src/steps/rows';
import { StepLedger } from '../../apps/enrichment-worker/src/steps/step-ledger.service';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** A step's settlement against real PostgreSQL: one statement under the request's row lock. */
describe('StepLedger.settle', () => {
  let db: TestDatabase;
  let ledger: StepLedger;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ledger = new StepLedger(
      db.dataSource,
      new ProviderCallLog(db.dataSource, new WorkerMetrics(new Registry())),
    );
    const [workspace] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('settle', 'settle') RETURNING id`,
    );
    workspaceId = workspace.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** A running request with one pending step. */
  const pendingStep = async (): Promise<{ id: string; requestId: string; workspaceId: string }> => {
    const [request] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id)
         VALUES ($1, 'email.verify', '{"email":"ada@example.com"}', gen_random_uuid()::text) RETURNING id`,
      [workspaceId],
    );
    const [step] = await insertSteps(
      db.dataSource.manager,
      request.id,
      [
        {
          request_id: request.id,
          workspace_id: workspaceId,
          seq: 1,
          goal: 'verify',
          provider: 'email-verifier',
          operation: 'email.verify',
        },
      ],
      true,
    );
    return { id: String(step?.id), requestId: request.id, workspaceId };
  };
  const charged = {
    state: 'completed',
    reason: null,
    latencyMs: 12,
    credits: 2,
    output: { verdict: 'valid' },
  } as const;
  const ledgerRows = (stepId: string) =>
    db.dataSource.query<{ credits: string; idempotency_key: string }[]>(
      'SELECT credits, idempotency_key FROM credit_ledger WHERE step_id = $1',
      [stepId],
    );
  const stateOf = async (stepId: string) =>
    (
      await db.dataSource.query<{ state: string }[]>('SELECT state FROM enrichment_steps WHERE id = $1', [
        stepId,
      ])
    )[0]?.state;

  it('settles a pending step once, charges it once, and hands the planner the request with the step settled', async () => {
    const step = await pendingStep();
    let seen: RequestWithSteps | undefined;
    const first = await ledger.settle(step, charged, undefined, (_manager, locked) => {
      seen = locked;
      return Promise.resolve(locked.steps.length);
    });
    expect(first).toEqual({ settled: true, after: 1, lateCharge: 0 });
    expect(seen?.request).toMatchObject({ id: step.requestId, workspaceId, status: 'running' });
    expect(seen?.steps.map((s) => [s.id, s.state, Number(s.credits), s.output])).toEqual([
      [step.id, 'completed', 2, { verdict: 'valid' }],
    ]);
    expect(await ledgerRows(step.id)).toEqual([{ credits: '2.0000', idempotency_key: `step:${step.id}` }]);

    // A duplicate run settling the same step: nothing more is written, nothing charged twice.
    const again = await ledger.settle(step, { ...charged, credits: 5 }, undefined, () =>
      Promise.resolve('planned'),
    );
    // The step shows its charge: no late charge either.
    expect(again).toEqual({ settled: false, after: undefined, lateCharge: 0 });
    expect(await ledgerRows(step.id)).toHaveLength(1);
  });

  it('waits for a cancellation holding the request, then settles nothing but records what the provider charged', async () => {
    const step = await pendingStep();
    const runner = db.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      // The gateway's cancel: the request first, its pending steps in a later statement.
      await runner.query(`UPDATE enrichment_requests SET status = 'cancelled' WHERE id = $1`, [
        step.requestId,
      ]);
      let done = false;
      const settling = ledger
        .settle(step, charged, undefined, () => Promise.resolve('planned'))
        .finally(() => {
          done = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The step is still pending, but the request is locked: the settlement must wait for it.
      expect(done).toBe(false);
      await runner.query(
        `UPDATE enrichment_steps SET state = 'skipped' WHERE request_id = $1 AND state = 'pending'`,
        [step.requestId],
      );
      await runner.commitTransaction();
      expect(await settling).toEqual({ settled: false, after: undefined, lateCharge: 2 });
    } finally {
      await runner.release();
    }
    expect(await stateOf(step.id)).toBe('skipped');
    // The call this settlement reports was on the wire when the cancellation fell: it was paid for.
    expect(await ledgerRows(step.id)).toEqual([{ credits: '2.0000', idempotency_key: `step:${step.id}` }]);
  });

  it('settles nothing for a request of another workspace', async () => {
    const step = await pendingStep();
    const other = { ...step, workspaceId: '00000000-0000-4000-8000-000000000000' };
    expect(await ledger.settle(other, charged, undefined, () => Promise.resolve('planned'))).toEqual({
      settled: false,
      after: undefined,
      lateCharge: 0,
    });
    expect(await stateOf(step.id)).toBe('pending');
  });
});
