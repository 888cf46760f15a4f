import { AsyncLocalStorage } from 'node:async_hooks';
import { SetMetadata } from '@nestjs/common';
import { preparedSql, queryPrepared } from '@sluice/db';
import type { EntityManager } from 'typeorm';

export const RECORDS_WORK_KEY = 'sluice:records-idempotent-work';

/**
 * Marks a route whose work is recorded under its Idempotency-Key in the work's own transaction
 * ({@link recordWork}): a gateway that stops after committing the work but before keeping the
 * answer leaves that record, and a retry is told the work was done (409, naming what it made)
 * instead of doing — and paying for — it again. For routes that create jobs or batches in one
 * transaction; a CSV import resumes where it stopped instead, and `POST /v1/enrich` joins the job it
 * made.
 */
export const RecordsWorkUnderKey = (): MethodDecorator => SetMetadata(RECORDS_WORK_KEY, true);

/** The key a request runs under, while its handler runs: what its work record is written for. */
export interface WorkUnderKey {
  workspaceId: string;
  /** Hex SHA-256 of the Idempotency-Key. */
  keyDigest: string;
  /** Fingerprint of the request (method, path, body), as the kept answer will have it. */
  fingerprint: string;
  /** The status the answer goes out with, as the route sets it. */
  status: number;
  /** IDEMPOTENCY_TTL_S: the record lasts as long as the answer would. */
  ttlS: number;
}

// The handler's services are singletons and know nothing of the HTTP request: the key reaches the
// transaction that writes the work through the request's async context, set by the interceptor.
const current = new AsyncLocalStorage<WorkUnderKey>();

/** Runs `work` (a handler) with its key as the context {@link recordWork} writes under. */
export function runUnderKey<T>(key: WorkUnderKey, work: () => Promise<T>): Promise<T> {
  return current.run(key, work);
}

const RECORD_SQL = preparedSql(
  `INSERT INTO idempotency_answers (workspace_id, key_digest, fingerprint, status, answered, made, expires_at)
   VALUES ($1, $2, $3, $4, false, $5::jsonb, now() + make_interval(secs => $6))
   ON CONFLICT (workspace_id, key_digest) WHERE workspace_id IS NOT NULL
   DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, body = NULL, sealed = NULL,
                 withheld = false, answered = false, made = EXCLUDED.made, created_at = now(),
                 expires_at = EXCLUDED.expires_at`,
);

const DROP_SQL = preparedSql(
  'DELETE FROM idempotency_answers WHERE workspace_id = $1 AND key_digest = $2 AND NOT answered',
);

/**
 * Records, in `manager`'s transaction (the one that writes the work), that the request running
 * under an Idempotency-Key made `made`. Nothing when the request has no key or its route does not
 * record work ({@link RecordsWorkUnderKey}).
 */
export async function recordWork(manager: EntityManager, made: Record<string, unknown>): Promise<void> {
  const key = current.getStore();
  if (!key) {
    return;
  }
  await queryPrepared(manager, RECORD_SQL, [
    key.workspaceId,
    key.keyDigest,
    key.fingerprint,
    key.status,
    JSON.stringify(made),
    key.ttlS,
  ]);
}

/** Whether the running request's work is recorded under its key ({@link recordWork} writes). */
export function recordsWork(): boolean {
  return current.getStore() !== undefined;
}

/**
 * Deletes the running request's work record, in `manager`'s transaction (the one that undoes the
 * work: the request failed after all, so a retry must run again). Its answer, once kept, stays.
 */
export async function dropWorkRecord(manager: EntityManager): Promise<void> {
  const key = current.getStore();
  if (key) {
    await queryPrepared(manager, DROP_SQL, [key.workspaceId, key.keyDigest]);
  }
}
