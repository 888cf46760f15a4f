import { createDataSource } from '@sluice/db';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { BatchesService } from '../../apps/gateway/src/batches/batches.service';
import { ImportsService } from '../../apps/gateway/src/imports/imports.service';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan (EXPLAIN's JSON form), depth first. */
function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

const ws = '00000000-0000-4000-8000-000000000001';
const caller = { workspaceId: ws, apiKeyId: '00000000-0000-4000-8000-0000000000ff', tier: 'pro' };
const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * The progress of imports and batches (`GET /v1/imports[/:id]`, `GET /v1/batches[/:id]`), which
 * clients poll: the figures, read from the jobs and their steps, for finished and unfinished ones
 * (a retried job counts once, as its latest attempt; credits count every attempt and every run),
 * read by a bounded number of statements whatever the page holds, and by no subquery per job.
 */
describe('import and batch progress reads', () => {
  let db: TestDatabase;
  let source: DataSource;
  /** Every statement sent to PostgreSQL by this process. */
  let clientQuery: jest.SpyInstance;

  const steps = async (request: string, ...credits: number[]): Promise<void> => {
    for (const [seq, amount] of credits.entries()) {
      await source.query(
        `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits)
         VALUES ($1, $2, $3, 'p', 'op', $4, $5)`,
        [request, ws, seq + 1, amount > 0 ? 'completed' : 'pending', amount],
      );
    }
  };
  const job = async (
    id: string,
    status: string,
    tag: { importId?: string; batchId?: string; retryOf?: string },
  ): Promise<void> => {
    await source.query(
      `INSERT INTO enrichment_requests (id, workspace_id, type, input, status, correlation_id, import_id, batch_id, retry_of)
       VALUES ($1, $2, 'enrich', '{}', $3, 'c', $4, $5, $6)`,
      [id, ws, status, tag.importId ?? null, tag.batchId ?? null, tag.retryOf ?? null],
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    source = createDataSource({ url: db.url, poolSize: 2 });
    await source.initialize();
    await source.query(`INSERT INTO workspaces (id, name, slug) VALUES ($1, 'progress', 'progress')`, [ws]);
    // Calls pg's own query, and keeps the calls.
    clientQuery = jest.spyOn(Client.prototype, 'query');
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await source?.destroy();
    await db?.drop();
  });

  const importsService = (dataSource: DataSource): ImportsService =>
    new ImportsService(
      dataSource,
      null as never,
      null as never,
      null as never,
      null as never,
      null as never,
      null as never,
    );
  const batchesService = (): BatchesService =>
    new BatchesService(source, null as never, null as never, null as never, null as never, null as never);

  it('reports a finished and an unfinished import’s jobs and credits, a retried job once', async () => {
    const [finished, running, empty] = [uuid(0xa1), uuid(0xa2), uuid(0xa3)];
    await source.query(
      `INSERT INTO imports (id, workspace_id, type, status, created_at) VALUES
         ($2, $1, 'person', 'completed', now() - interval '3 minutes'),
         ($3, $1, 'person', 'running', now() - interval '2 minutes'),
         ($4, $1, 'person', 'completed', now() - interval '1 minute')`,
      [ws, finished, running, empty],
    );
    // Finished: a job completed; a failed one and a cancelled one, each retried and now completed.
    await job(uuid(1), 'completed', { importId: finished });
    await steps(uuid(1), 1, 0.25);
    await job(uuid(2), 'failed', { importId: finished });
    await steps(uuid(2), 1);
    await job(uuid(3), 'completed', { importId: finished, retryOf: uuid(2) });
    await steps(uuid(3), 2);
    await job(uuid(4), 'cancelled', { importId: finished });
    await job(uuid(5), 'completed', { importId: finished, retryOf: uuid(4) });
    await steps(uuid(5), 0.5);
    // Unfinished: queued (no step yet), running (a step pending), completed.
    await job(uuid(6), 'queued', { importId: running });
    await job(uuid(7), 'running', { importId: running });
    await steps(uuid(7), 0);
    await job(uuid(8), 'completed', { importId: running });
    await steps(uuid(8), 0.3333);

    const service = importsService(source);
    const expected = {
      [finished]: {
        progress: { total: 3, by_status: { completed: 3 }, finished: 3 },
        credits_spent: 4.75,
      },
      [running]: {
        progress: { total: 3, by_status: { queued: 1, running: 1, completed: 1 }, finished: 1 },
        credits_spent: 0.3333,
      },
      [empty]: { progress: { total: 0, by_status: {}, finished: 0 }, credits_spent: 0 },
    };
    for (const id of [finished, running, empty]) {
      const view = await service.get(caller, id);
      expect({ id, progress: view.progress, credits_spent: view.credits_spent }).toEqual({
        id,
        ...expected[id],
      });
    }
    const page = await service.list(caller, { limit: 50 });
    expect(
      page.data.map((view) => ({ id: view.id, progress: view.progress, credits_spent: view.credits_spent })),
    ).toEqual([empty, running, finished].map((id) => ({ id, ...expected[id] })));
  });

  it('reads an import’s jobs with no subquery per job', async () => {
    const plans: PlanNode[][] = [];
    const explaining = new Proxy(source, {
      get: (target, property, receiver) =>
        property === 'query'
          ? async (sql: string, parameters?: unknown[]): Promise<unknown> => {
              if (sql.includes('enrichment_steps')) {
                const [row] = await target.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
                  `EXPLAIN (FORMAT JSON) ${sql}`,
                  parameters,
                );
                plans.push(nodesOf(row['QUERY PLAN'][0].Plan));
              }
              return target.query(sql, parameters);
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const service = importsService(explaining);
    await service.list(caller, { limit: 50 });
    expect(plans).toHaveLength(1);
    // A subplan runs once per row of the import: seconds for an import of a few hundred thousand jobs.
    expect(
      plans[0].filter((node) => node['Parent Relationship'] === 'SubPlan').map((node) => node['Node Type']),
    ).toEqual([]);
  });

  it('reports each batch’s progress and credits, a page of batches in a bounded number of statements', async () => {
    const batch = async (n: number, at: number): Promise<string> => {
      const id = uuid(0xb00 + n);
      await source.query(
        `INSERT INTO batches (id, workspace_id, fields, records_received, record_count, correlation_id, created_at)
         VALUES ($1, $2, '["business_email"]', 0, 0, 'c', now() - $3 * interval '1 second')`,
        [id, ws, at],
      );
      return id;
    };
    const record = async (batchId: string, index: number, request: string): Promise<void> => {
      await source.query(
        `INSERT INTO batch_records (batch_id, index, workspace_id, input, request_id) VALUES ($1, $2, $3, '{}', $4)`,
        [batchId, index, ws, request],
      );
    };
    // a: three records (two completed, one running) and a job of an earlier run; b: two failed; c: none.
    const [a, b, c] = [await batch(1, 30), await batch(2, 20), await batch(3, 10)];
    await job(uuid(0x101), 'completed', { batchId: a });
    await steps(uuid(0x101), 2);
    for (const [index, status] of ['completed', 'completed', 'running'].entries()) {
      await job(uuid(0x110 + index), status, { batchId: a });
      await steps(uuid(0x110 + index), 1);
      await record(a, index, uuid(0x110 + index));
    }
    for (const index of [0, 1]) {
      await job(uuid(0x120 + index), 'failed', { batchId: b });
      await steps(uuid(0x120 + index), 0.5);
      await record(b, index, uuid(0x120 + index));
    }
    const service = batchesService();
    const expected = {
      [a]: {
        status: 'running',
        progress: { total: 3, by_status: { completed: 2, running: 1 }, finished: 2 },
        credits_spent: 5,
      },
      [b]: {
        status: 'completed',
        progress: { total: 2, by_status: { failed: 2 }, finished: 2 },
        credits_spent: 1,
      },
      [c]: { status: 'completed', progress: { total: 0, by_status: {}, finished: 0 }, credits_spent: 0 },
    };
    const figures = (view: { id: string; status: string; progress: unknown; credits_spent: number }) => ({
      id: view.id,
      status: view.status,
      progress: view.progress,
      credits_spent: view.credits_spent,
    });
    for (const id of [a, b, c]) {
      expect(figures(await service.view(caller, id))).toEqual({ id, ...expected[id] });
    }
    const statementsOf = async (limit: number) => {
      const before = clientQuery.mock.calls.length;
      const page = await service.list(caller, limit, { offset: 0 });
      return { page, count: clientQuery.mock.calls.length - before };
    };
    const one = await statementsOf(1);
    const all = await statementsOf(100);
    expect(all.page.data.map(figures)).toEqual([c, b, a].map((id) => ({ id, ...expected[id] })));
    // The same statements for a page of one batch as for a page of many: none per batch.
    expect({ statements: all.count, batches: all.page.data.length }).toEqual({
      statements: one.count,
      batches: 3,
    });
    expect(one.count).toBe(2); // the page, then its jobs
  });
});
