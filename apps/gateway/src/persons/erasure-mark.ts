import { LuaScript } from '@sluice/queue';

/**
 * The workspace's erasure mark (`<prefix>:enrich:erasure:<workspace>`): a random value each erasure
 * of a person from the workspace replaces before it deletes what Redis keeps about them. A writer
 * that read an answer keeps it only while the mark is what it was before the answer was read, so
 * nothing read before an erasure is kept after it: the real-time answer cache (EnrichService) and
 * the answers kept for Idempotency-Key replays (IdempotencyInterceptor). Never expires: one small
 * key per workspace.
 */
export function erasureMarkKey(queuePrefix: string, workspaceId: string): string {
  return `${queuePrefix}:enrich:erasure:${workspaceId}`;
}

/**
 * The workspace's erasure mark (KEYS[1]), set first to ARGV[1] when Redis has none: a caller then
 * always holds a value to compare with, so a mark lost with Redis's data (a wipe, a failover to an
 * empty replica) refuses, like a new erasure, the writers that read it before.
 */
export const LUA_READ_ERASURE_MARK =
  "redis.call('set', KEYS[1], ARGV[1], 'NX') return redis.call('get', KEYS[1])";

export const READ_ERASURE_MARK = new LuaScript(LUA_READ_ERASURE_MARK);

/**
 * Sets KEYS[2] = ARGV[2] for ARGV[3] s only while the erasure mark (KEYS[1]) is still ARGV[1].
 * 1 when set, 0 when an erasure came since the mark was read.
 */
export const SET_UNLESS_ERASED = new LuaScript(
  "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3]) return 1",
);
