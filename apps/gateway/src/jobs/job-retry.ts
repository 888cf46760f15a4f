import { ConflictException } from '@nestjs/common';
import { isUniqueViolation } from '@sluice/db';
import type { DataSource, EntityManager } from 'typeorm';

/** The job a retry runs again, and the batch and CSV import the retry joins in its stead. */
export interface RetriedJob {
  id: string;
  importId: string | null;
  batchId: string | null;
}

/** How a retry is linked to its original while it is written. */
export interface RetryLink {
  original: RetriedJob;
  /**
   * The caller holds the original locked and records `retried_as` on it itself (the admin's
   * retry-failed, in its own transaction); otherwise the retry claims the original first.
   */
  claimed: boolean;
}

/** The batch record a retry takes over, as it was before (to put back if the retry is undone). */
export interface HeldRecord {
  index: number;
  enqueuedAt: Date;
}

const RETRY_OF_INDEX = 'ux_enrichment_requests_retry_of';

export function alreadyRetried(id: string, retriedAs: string | null): ConflictException {
  return new ConflictException(
    `Job ${id} was already retried${retriedAs === null ? '' : ` as job ${retriedAs}`}; retry that job instead: a job is run again once, so that its batch or import counts one latest attempt.`,
  );
}

/**
 * Claims the original for retry `retryId` (`retried_as`, only if not retried yet), before anything
 * else is locked: the admin's retry-failed holds originals locked while it makes their retries, so
 * taking the original first keeps both paths locking in one order.
 */
export async function claimOriginal(
  manager: EntityManager,
  workspaceId: string,
  id: string,
  retryId: string,
): Promise<void> {
  const [claimed] = await manager.query<[{ id: string }[], number]>(
    `UPDATE enrichment_requests SET retried_as = $3
      WHERE id = $1 AND workspace_id = $2 AND retried_as IS NULL
    RETURNING id`,
    [id, workspaceId, retryId],
  );
  if (claimed.length === 0) {
    const [row] = await manager.query<{ retried_as: string | null }[]>(
      'SELECT retried_as FROM enrichment_requests WHERE id = $1 AND workspace_id = $2',
      [id, workspaceId],
    );
    throw alreadyRetried(id, row?.retried_as ?? null);
  }
}

/**
 * Locks the original's batch (as a refresh tick and a cancel do: they wait for each other) and the
 * record whose current job the original is, which the retry is to replace. A cancelled batch runs
 * nothing again, and a record a later run re-enqueued already has a newer job: both are a 409.
 */
export async function holdBatchRecord(
  manager: EntityManager,
  workspaceId: string,
  original: RetriedJob & { batchId: string },
): Promise<HeldRecord> {
  const [batch] = await manager.query<{ cancelled_at: Date | null }[]>(
    'SELECT cancelled_at FROM batches WHERE id = $1 AND workspace_id = $2 FOR NO KEY UPDATE',
    [original.batchId, workspaceId],
  );
  if (batch?.cancelled_at) {
    throw new ConflictException(
      `Job ${original.id} belongs to batch ${original.batchId}, cancelled at ${batch.cancelled_at.toISOString()}: a cancelled batch's jobs are not run again. Create a new batch with its records to enrich them again.`,
    );
  }
  const [record] = await manager.query<{ index: number; enqueued_at: Date }[]>(
    `SELECT index, enqueued_at FROM batch_records
      WHERE batch_id = $1 AND workspace_id = $2 AND request_id = $3
        FOR UPDATE`,
    [original.batchId, workspaceId, original.id],
  );
  if (!batch || !record) {
    throw new ConflictException(
      `Job ${original.id} is no longer its record's current job in batch ${original.batchId}: a later run enriched the record again (GET /v1/batches/${original.batchId}/records). Retry that run's job instead.`,
    );
  }
  return { index: record.index, enqueuedAt: record.enqueued_at };
}

/** Points the held record at the retry, in the transaction that wrote it. */
export async function repointRecord(
  manager: EntityManager,
  workspaceId: string,
  batchId: string,
  record: HeldRecord,
  retryId: string,
): Promise<void> {
  await manager.query(
    `UPDATE batch_records SET request_id = $4, enqueued_at = now()
      WHERE batch_id = $1 AND workspace_id = $2 AND index = $3`,
    [batchId, workspaceId, record.index, retryId],
  );
}

/**
 * Undoes what linking retry `retryId` changed (its plan could not be enqueued: the retry is deleted
 * next): the record points at the original again, and the original is free to be retried again.
 */
export async function unlinkRetry(
  manager: EntityManager,
  workspaceId: string,
  link: RetryLink,
  record: HeldRecord | null,
  retryId: string,
): Promise<void> {
  if (record && link.original.batchId) {
    await manager.query(
      `UPDATE batch_records SET request_id = $4, enqueued_at = $5
        WHERE batch_id = $1 AND workspace_id = $2 AND request_id = $3`,
      [link.original.batchId, workspaceId, retryId, link.original.id, record.enqueuedAt],
    );
  }
  if (!link.claimed) {
    await manager.query(
      'UPDATE enrichment_requests SET retried_as = NULL WHERE id = $1 AND workspace_id = $2 AND retried_as = $3',
      [link.original.id, workspaceId, retryId],
    );
  }
}

/**
 * A retry refused by the unique index on `retry_of`: another retry of the same job was written
 * first (a concurrent call, or an admin run that stopped before recording `retried_as`).
 */
export async function retryConflict(
  error: unknown,
  dataSource: DataSource,
  workspaceId: string,
  id: string,
): Promise<unknown> {
  if (!isUniqueViolation(error, RETRY_OF_INDEX)) {
    return error;
  }
  const [row] = await dataSource.query<{ id: string }[]>(
    'SELECT id FROM enrichment_requests WHERE retry_of = $1 AND workspace_id = $2',
    [id, workspaceId],
  );
  return alreadyRetried(id, row?.id ?? null);
}
