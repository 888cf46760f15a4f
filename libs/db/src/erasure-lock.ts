import type { EntityManager } from 'typeorm';
import { preparedSql, queryPrepared } from './prepared';

/**
 * An erasure and a step's settlement are serialised per workspace by a PostgreSQL advisory lock
 * (key: this class and a hash of the workspace id): the erasure holds it exclusively for its
 * transaction, a settlement that stores an answer naming a person holds it shared while it checks
 * the suppressions and writes (`sluice_erasure_guard`, migration ErasureGuard1796350000000, which
 * repeats the class). Without it a settlement that checked before an erasure committed could
 * write the erased person back after the erasure deleted them.
 */
export const ERASURE_LOCK_CLASS = 1936487285;

const ERASURE_LOCK_SQL = preparedSql(
  `SELECT pg_advisory_xact_lock(${ERASURE_LOCK_CLASS}, hashtext($1::uuid::text))`,
);

const ERASURE_GUARD_SQL = preparedSql('SELECT sluice_erasure_guard($1::uuid, $2::text[]) AS suppressed');

/** Takes the workspace's erasure lock for the rest of `manager`'s transaction (an erasure). */
export async function lockForErasure(manager: EntityManager, workspaceId: string): Promise<void> {
  await queryPrepared(manager, ERASURE_LOCK_SQL, [workspaceId]);
}

/**
 * Whether one of `hashes` (suppression hashes) is suppressed in the workspace, asked under the
 * workspace's erasure lock held shared until `manager`'s transaction ends: an erasure cannot
 * commit between this answer and what the transaction writes after it.
 */
export async function suppressedUnderErasureLock(
  manager: EntityManager,
  workspaceId: string,
  hashes: readonly string[],
): Promise<boolean> {
  const rows = await queryPrepared<{ suppressed: boolean }[]>(manager, ERASURE_GUARD_SQL, [
    workspaceId,
    hashes,
  ]);
  return rows[0]?.suppressed === true;
}

/**
 * Erasures of one workspace run their deletions one at a time, under a second advisory lock (this
 * class and the same hash of the workspace id), held for the deletions' transaction. Two at once
 * would delete from the same tables in one transaction each, and could deadlock on a row both
 * persons share (an import's errors, a provider call naming both): PostgreSQL would end one of
 * them. Not the erasure lock above: settlements wait for that one, and must not wait for a search
 * of the workspace's whole history.
 */
export const ERASURE_RUN_LOCK_CLASS = 1936487286;

/**
 * Waits for the workspace's erasure run lock and holds it for the rest of `manager`'s transaction.
 * `timeoutMs` bounds the wait (the statement), beyond the pool's `query_timeout`: the erasure
 * before may search a long history.
 */
export async function lockErasureRun(
  manager: EntityManager,
  workspaceId: string,
  timeoutMs: number,
): Promise<void> {
  await manager.query(
    // TypeORM types the query as a string and hands it to pg unchanged (pg reads query_timeout here).
    {
      text: `SELECT pg_advisory_xact_lock(${ERASURE_RUN_LOCK_CLASS}, hashtext($1::uuid::text))`,
      query_timeout: timeoutMs,
    } as unknown as string,
    [workspaceId],
  );
}
