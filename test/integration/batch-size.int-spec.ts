import { Batch, BatchRecord, EnrichmentRequest } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { describeSessions } from '../support/diagnose';
import { setUp, tearDown } from '../support/pipeline';

/** The default BATCHES_MAX_RECORDS, the most records README promises one batch may have. */
const MAX_RECORDS = 10_000;

describe('a batch as large as BATCHES_MAX_RECORDS', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  // No worker: what is under test is the batch written and enqueued, not 10,000 enrichments.
  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  });
  afterAll(() => tearDown(ctx));

  it('is accepted whole: one enrich job per record, each record pointing at its own', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Big Batch Co');
    const records = Array.from({ length: MAX_RECORDS }, (_, i) => ({
      domain: `company-${i}.example.com`,
      external_id: `account-${i}`,
    }));
    const created = await call<{
      batch: { id: string; record_count: number; progress: { total: number } };
      accepted: { index: number; external_id: string; job_id: string }[];
      rejected: unknown[];
    }>(ctx.stack.gatewayUrl, 'POST', '/v1/batches', {
      token: apiKey,
      body: { records, enrich: ['industry'] },
      // 10,000 records validated, written and enqueued: about 3 s alone, several times that on a
      // loaded machine.
      timeoutMs: 75_000,
    }).catch(async (error: unknown) => {
      // Once in a full run it took over 75 s: say what PostgreSQL was doing meanwhile.
      throw new Error(`${String(error)}\n${await describeSessions(requireEnv('DATABASE_URL'))}`);
    });
    expect(created.status).toBe(201);
    expect(created.body.rejected).toEqual([]);
    expect(created.body.batch).toMatchObject({ record_count: MAX_RECORDS, progress: { total: MAX_RECORDS } });
    expect(created.body.accepted).toHaveLength(MAX_RECORDS);
    expect(new Set(created.body.accepted.map((entry) => entry.job_id)).size).toBe(MAX_RECORDS);
    expect(created.body.accepted[MAX_RECORDS - 1]).toMatchObject({
      index: MAX_RECORDS - 1,
      external_id: `account-${MAX_RECORDS - 1}`,
    });
    const batchId = created.body.batch.id;
    const repository = ctx.db.dataSource.getRepository(EnrichmentRequest);
    expect(await repository.countBy({ batchId, workspaceId })).toBe(MAX_RECORDS);
    expect(await ctx.db.dataSource.getRepository(BatchRecord).countBy({ batchId })).toBe(MAX_RECORDS);
    // Each record's job is the one made from it.
    const mismatched = await ctx.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM batch_records br JOIN enrichment_requests r ON r.id = br.request_id
        WHERE br.batch_id = $1 AND r.input->>'domain' <> br.input->>'domain'`,
      [batchId],
    );
    expect(mismatched[0]?.n).toBe(0);
    expect(await ctx.db.dataSource.getRepository(Batch).countBy({ id: batchId })).toBe(1);
  });
});
