import type { EntityManager } from 'typeorm';

/**
 * An operator's pause of a provider is kept in two stores: its row in `provider_pauses`, then the
 * pause in Redis (the marker every worker reads, the paused queues). Every writer of that pause (an
 * operator's pause or resume, a worker putting back a pause Redis lost) takes this per-provider
 * PostgreSQL advisory lock for its transaction and holds it across both writes. Without it a pause
 * and a resume sent together could interleave (the resume's DELETE, the pause's upsert, the pause's
 * Redis write, the resume's Redis write), leaving the row of one and the Redis state of the other:
 * Redis said the provider ran while PostgreSQL kept a pause the workers later put back, after the
 * operator was told it was resumed. A transaction-level lock is released by the commit or rollback
 * (or by PostgreSQL when the connection dies), so it cannot be left held.
 */
export async function lockProviderPause(manager: EntityManager, provider: string): Promise<void> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('provider-pause:' || $1))", [provider]);
}
