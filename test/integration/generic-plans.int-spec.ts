import { createDataSource } from '@sluice/db';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { WorkerMetrics } from '../../apps/enrichment-worker/src/ops/worker-metrics';
import { ProviderCallLog } from '../../apps/enrichment-worker/src/steps/provider-call-log';
import {
  insertSteps,
  loadRequestWithSteps,
  takePendingStep,
} from '../../apps/enrichment-worker/src/steps/rows';
import { StepLedger } from '../../apps/enrichment-worker/src/steps/step-ledger.service';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The worker's hot statements are prepared, and after five runs a connection keeps one generic plan
 * for each. Made while the tables held a handful of rows (a new installation, every test database)
 * and kept while they grow (until the next analyze; never where autovacuum is off), that plan must
 * still find a request by its key and not read every request of its workspace to find it.
 */
describe('prepared hot-path statements as the requests table grows', () => {
  let db: TestDatabase;
  let source: DataSource;
  let ledger: StepLedger;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One connection: the statements it prepares are the ones whose plans are read below.
    source = createDataSource({ url: db.url, poolSize: 1 });
    await source.initialize();
    ledger = new StepLedger(source, new ProviderCallLog(source, new WorkerMetrics(new Registry())));
    const [workspace] = await source.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('plans', 'plans') RETURNING id`,
    );
    workspaceId = workspace.id;
  });

  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  /** A running request with one pending step. */
  const pendingStep = async (): Promise<{ id: string; requestId: string; workspaceId: string }> => {
    const [request] = await source.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id)
         VALUES ($1, 'email.verify', '{"email":"ada@example.com"}', gen_random_uuid()::text) RETURNING id`,
      [workspaceId],
    );
    const [step] = await insertSteps(
      source.manager,
      request.id,
      [
        {
          request_id: request.id,
          workspace_id: workspaceId,
          seq: 0,
          goal: 'verify',
          provider: 'email-verifier',
          operation: 'email.verify',
        },
      ],
      true,
    );
    return { id: String(step?.id), requestId: request.id, workspaceId };
  };

  /** Plan, take and settle one request, as the worker does. */
  const runOne = async (): Promise<void> => {
    const step = await pendingStep();
    expect(await loadRequestWithSteps(source.manager, step.requestId, workspaceId, false)).not.toBeNull();
    expect(await takePendingStep(source, step.id, 1)).not.toBeNull();
    const { settled } = await ledger.settle(step, {
      state: 'completed',
      reason: null,
      latencyMs: 5,
      credits: 1,
      output: { verdict: 'valid' },
    });
    expect(settled).toBe(true);
  };

  /** Index scans of an index so far, as this connection's own statistics count them. */
  const scansOf = async (index: string): Promise<number> => {
    // Flushes this backend's counts now (PostgreSQL 15+), then reads past the cached snapshot.
    await source.query('SELECT pg_stat_force_next_flush()');
    await source.query('SELECT 1');
    await source.query('SELECT pg_stat_clear_snapshot()');
    const [row] = await source.query<{ idx_scan: string }[]>(
      'SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = $1',
      [index],
    );
    return Number(row?.idx_scan);
  };

  it('find a request by its key, never by scanning its workspace, once the workspace has thousands', async () => {
    // A handful of rows, each statement run more than five times: generic plans from here on.
    for (let i = 0; i < 8; i += 1) {
      await runOne();
    }
    const prepared = await source.query<{ name: string }[]>(
      `SELECT name FROM pg_prepared_statements WHERE statement LIKE '%enrichment_requests%'`,
    );
    expect(prepared.length).toBeGreaterThanOrEqual(3);
    await source.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id, status)
       SELECT $1, 'email.verify', '{"email":"x@example.com"}', 'grow', 'completed' FROM generate_series(1, 3000)`,
      [workspaceId],
    );
    const workspaceScans = await scansOf('ix_enrichment_requests_workspace_created');
    const keyScans = await scansOf('pk_enrichment_requests');
    await runOne();
    expect(await scansOf('ix_enrichment_requests_workspace_created')).toBe(workspaceScans);
    expect(await scansOf('pk_enrichment_requests')).toBeGreaterThanOrEqual(keyScans + 3);
  });

  it('still scope the request to its workspace', async () => {
    const step = await pendingStep();
    const [other] = await source.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('other', 'other') RETURNING id`,
    );
    expect(await loadRequestWithSteps(source.manager, step.requestId, other.id, false)).toBeNull();
    expect(await loadRequestWithSteps(source.manager, step.requestId, workspaceId, false)).not.toBeNull();
    const { settled } = await ledger.settle(
      { ...step, workspaceId: other.id },
      { state: 'completed', reason: null, latencyMs: 5, credits: 1, output: { verdict: 'valid' } },
    );
    expect(settled).toBe(false);
  });
});
