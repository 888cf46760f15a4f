import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertSteps, takePendingStep, type NewStep } from '../../apps/enrichment-worker/src/steps/rows';

describe('insertSteps and a cancellation racing it', () => {
  let db: TestDatabase;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const [workspace] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('rows', 'rows') RETURNING id`,
    );
    workspaceId = workspace.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const newRequest = async (): Promise<string> => {
    const [request] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id)
         VALUES ($1, 'company.profile', '{}', gen_random_uuid()::text) RETURNING id`,
      [workspaceId],
    );
    return request.id;
  };
  const step = (requestId: string, seq: number): NewStep => ({
    request_id: requestId,
    workspace_id: workspaceId,
    seq,
    goal: 'company',
    provider: 'companies_house',
    operation: 'company.profile',
  });
  const stateOf = async (requestId: string) =>
    db.dataSource.query<{ status: string; steps: string }[]>(
      `SELECT r.status, count(s.id)::text AS steps
         FROM enrichment_requests r LEFT JOIN enrichment_steps s ON s.request_id = r.id
        WHERE r.id = $1 GROUP BY r.status`,
      [requestId],
    );

  it('inserts the steps and marks a queued request running', async () => {
    const requestId = await newRequest();
    const rows = await insertSteps(db.dataSource.manager, requestId, [step(requestId, 1)], true);
    expect(rows.map((row) => [row.seq, row.state])).toEqual([[1, 'pending']]);
    expect(await stateOf(requestId)).toEqual([{ status: 'running', steps: '1' }]);
  });

  it('adds no step to a request cancelled before the insert', async () => {
    const requestId = await newRequest();
    await db.dataSource.query(`UPDATE enrichment_requests SET status = 'cancelled' WHERE id = $1`, [
      requestId,
    ]);
    expect(await insertSteps(db.dataSource.manager, requestId, [step(requestId, 1)], true)).toEqual([]);
    expect(await stateOf(requestId)).toEqual([{ status: 'cancelled', steps: '0' }]);
  });

  it('waits for a cancellation in flight and then adds nothing', async () => {
    const requestId = await newRequest();
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The gateway's cancel: the request first, its pending steps in a later statement.
      await runner.query(`UPDATE enrichment_requests SET status = 'cancelled' WHERE id = $1`, [requestId]);
      let settled = false;
      const insert = insertSteps(db.dataSource.manager, requestId, [step(requestId, 1)], true).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The planner read the request before the cancel committed; it must wait for the row.
      expect(settled).toBe(false);
      await runner.query(
        `UPDATE enrichment_steps SET state = 'skipped' WHERE request_id = $1 AND state = 'pending'`,
        [requestId],
      );
      await runner.commitTransaction();
      expect(await insert).toEqual([]);
    } finally {
      await runner.release();
    }
    expect(await stateOf(requestId)).toEqual([{ status: 'cancelled', steps: '0' }]);
  });

  it('refuses rows of another request', async () => {
    const requestId = await newRequest();
    const other = await newRequest();
    expect(await insertSteps(db.dataSource.manager, requestId, [step(other, 1)], false)).toEqual([]);
    expect(await stateOf(other)).toEqual([{ status: 'queued', steps: '0' }]);
  });

  it('takes a pending step once, recording the attempt, and says whether the workspace erased anybody', async () => {
    const requestId = await newRequest();
    const [inserted] = await insertSteps(db.dataSource.manager, requestId, [step(requestId, 1)], true);
    const taken = await takePendingStep(db.dataSource, String(inserted?.id), 1);
    expect(taken).toMatchObject({
      step: { id: inserted?.id, attempts: 1, state: 'pending' },
      request: { id: requestId, workspaceId, status: 'running' },
      workspaceSuppresses: false,
    });
    await db.dataSource.query(
      `INSERT INTO suppressions (workspace_id, kind, identifier_hash) VALUES ($1, 'email', 'x')`,
      [workspaceId],
    );
    // Taken again by a run that only waited: the same attempt. After a failed run: the next one.
    expect((await takePendingStep(db.dataSource, String(inserted?.id), 1))?.step.attempts).toBe(1);
    expect((await takePendingStep(db.dataSource, String(inserted?.id), 2))?.step.attempts).toBe(2);
    // A job added again for the step counts from 1 again: the highest attempt seen is kept.
    expect((await takePendingStep(db.dataSource, String(inserted?.id), 1))?.workspaceSuppresses).toBe(true);
    expect((await takePendingStep(db.dataSource, String(inserted?.id), 1))?.step.attempts).toBe(2);
    await db.dataSource.query(`UPDATE enrichment_steps SET state = 'skipped' WHERE id = $1`, [inserted?.id]);
    expect(await takePendingStep(db.dataSource, String(inserted?.id), 1)).toBeNull();
    await db.dataSource.query('DELETE FROM suppressions WHERE workspace_id = $1', [workspaceId]);
  });

  it('keeps working on a connection that prepared it after a migration adds a column', async () => {
    const rolledBack = new Error('roll back the probe column');
    const [first, second] = [await newRequest(), await newRequest()];
    const outcome = await db.dataSource
      .transaction(async (manager) => {
        expect(await insertSteps(manager, first, [step(first, 1)], true)).toHaveLength(1);
        // What an additive migration does while replicas run (here on the same connection).
        await manager.query('ALTER TABLE enrichment_steps ADD COLUMN probe int');
        await manager.query('ALTER TABLE enrichment_requests ADD COLUMN probe int');
        const rows = await insertSteps(manager, second, [step(second, 1)], true);
        expect(rows.map((row) => [row.requestId, row.seq, row.state])).toEqual([[second, 1, 'pending']]);
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
  });
});
