import type { EntityManager } from 'typeorm';

/** A step its workspace's used-up quota held (reason `quota_held`) when its request was cancelled. */
export interface ReleasedHold {
  id: string;
  provider: string;
}

/**
 * Skips the pending steps of requests being cancelled (reason `cancelled`; the detail of a step
 * held by its quota goes: it waits no more), inside the caller's transaction. Answers the steps
 * that their workspace's used-up quota held, whose records in Redis (`forgetQuotaHolds` in
 * `@sluice/queue`) the caller removes once the transaction has committed.
 */
export async function skipCancelledSteps(
  manager: EntityManager,
  workspaceId: string,
  requestIds: readonly string[],
): Promise<ReleasedHold[]> {
  if (requestIds.length === 0) {
    return [];
  }
  // `was` is the row as this statement found it: its reason before the update.
  const [rows] = await manager.query<[{ id: string; provider: string; was: string | null }[], number]>(
    `UPDATE enrichment_steps s
        SET state = 'skipped', reason = 'cancelled', error = NULL, completed_at = now(), updated_at = now()
       FROM enrichment_steps was
      WHERE was.id = s.id AND s.workspace_id = $1 AND s.request_id = ANY($2::uuid[]) AND s.state = 'pending'
     RETURNING s.id, s.provider, was.reason AS was`,
    [workspaceId, requestIds],
  );
  return rows.filter((row) => row.was === 'quota_held').map(({ id, provider }) => ({ id, provider }));
}
