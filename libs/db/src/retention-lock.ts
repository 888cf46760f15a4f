import type { EntityManager } from 'typeorm';

/**
 * The PostgreSQL advisory lock one retention run holds, on a connection of its own, while it runs
 * (any number: it only has to be the same in every credit monitor and the gateway; advisory locks
 * are per database). A run that finds it taken does not start.
 */
export const RETENTION_LOCK = 731_904_211;

/**
 * Whether a retention run holds {@link RETENTION_LOCK} in this database now, read from `pg_locks`
 * without taking the lock: trying it would make a run starting at that moment find it taken, and
 * skip. A bigint key shows as classid (its high half, 0 here), objid (its low half), objsubid 1.
 */
export async function retentionRunHoldsLock(manager: EntityManager): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    `SELECT 1 FROM pg_locks
      WHERE locktype = 'advisory' AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = 0 AND objid = $1::bigint::oid AND objsubid = 1`,
    [RETENTION_LOCK],
  );
  return rows.length > 0;
}
