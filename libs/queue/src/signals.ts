import type { Redis } from 'ioredis';
import { CANCEL_MARKER_TTL_S, cancelMarkerKey, pipelineEventsKey } from './names';

/**
 * Signals between the apps that go through Redis rather than a queue: events for the credit monitor
 * and the marks every worker reads right before a provider call. One writer for each, whichever
 * app raises it.
 */

/** Appends an event to the capped pipeline events stream (oldest trimmed first). */
export async function emitPipelineEvent(
  redis: Redis,
  queuePrefix: string,
  event: Record<string, string | number>,
): Promise<void> {
  const fields = Object.entries({ ...event, at: new Date().toISOString() }).flatMap(([k, v]) => [
    k,
    String(v),
  ]);
  await redis.xadd(pipelineEventsKey(queuePrefix), 'MAXLEN', '~', '10000', '*', ...fields);
}

/** Marks requests cancelled, so a step already taken stops before its provider call. */
export async function markCancelled(
  redis: Redis,
  queuePrefix: string,
  requestIds: readonly string[],
): Promise<void> {
  if (requestIds.length === 0) {
    return;
  }
  const batch = redis.pipeline();
  for (const id of requestIds) {
    batch.set(cancelMarkerKey(queuePrefix, id), '1', 'EX', CANCEL_MARKER_TTL_S);
  }
  await batch.exec();
}
