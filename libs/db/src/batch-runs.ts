import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Batch } from './entities/batch.entity';
import { EnrichmentRequest } from './entities/enrichment-request.entity';

/** A request made for one record of a batch run: what its plan job needs. */
export interface BatchRunRequest {
  index: number;
  requestId: string;
  priority: 'interactive' | 'bulk';
}

/**
 * Requests inserted per statement: a row binds a dozen parameters, and one statement may bind at
 * most 65,535 (a batch of BATCHES_MAX_RECORDS in one INSERT would be refused).
 */
const ROWS_PER_INSERT = 1000;

/**
 * One run of a batch over some of its records: an ordinary `enrich` request per record (the batch's
 * fields, options, priority and per-record budget), tagged with the batch. Inserted inside the
 * caller's transaction, {@link ROWS_PER_INSERT} per statement; the caller points the records at
 * them and enqueues their plan jobs after commit. Shared by the gateway (first run) and the
 * enrichment worker (scheduled re-enrichment), so both make exactly the same jobs.
 */
export async function insertBatchRequests(
  manager: EntityManager,
  batch: Pick<
    Batch,
    'id' | 'workspaceId' | 'apiKeyId' | 'priority' | 'options' | 'maxCreditsPerRecord' | 'tier'
  >,
  records: readonly { index: number; input: object }[],
  correlationId: string,
): Promise<BatchRunRequest[]> {
  const run: BatchRunRequest[] = [];
  for (let start = 0; start < records.length; start += ROWS_PER_INSERT) {
    run.push(
      ...(await insertRequests(manager, batch, records.slice(start, start + ROWS_PER_INSERT), correlationId)),
    );
  }
  return run;
}

async function insertRequests(
  manager: EntityManager,
  batch: Parameters<typeof insertBatchRequests>[1],
  records: readonly { index: number; input: object }[],
  correlationId: string,
): Promise<BatchRunRequest[]> {
  const inserted = await manager
    .createQueryBuilder()
    .insert()
    .into(EnrichmentRequest)
    .values(
      records.map((record) => ({
        workspaceId: batch.workspaceId,
        apiKeyId: batch.apiKeyId,
        batchId: batch.id,
        type: 'enrich',
        input: { ...record.input },
        priority: batch.priority,
        status: 'queued' as const,
        callbackUrl: null,
        maxCredits: batch.maxCreditsPerRecord,
        options: { ...batch.options },
        tier: batch.tier,
        correlationId,
        // jsonb columns hold plain JSON objects; TypeORM's deep-partial type cannot express `unknown` values.
      })) as QueryDeepPartialEntity<EnrichmentRequest>[],
    )
    .returning(['id'])
    .execute();
  // INSERT … RETURNING answers rows in the order of the VALUES list.
  const rows = inserted.raw as { id: string }[];
  return rows.map((row, i) => ({
    index: (records[i] as { index: number }).index,
    requestId: row.id,
    priority: batch.priority,
  }));
}
