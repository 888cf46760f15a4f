import type { Redis } from 'ioredis';

/*
 * A lease is one Redis key holding its owner's token with an expiry: SET NX PX to take it, the same
 * owner's renewal extends it, and only the owner deletes it. Written here rather than taken from a
 * lock library: our replicas share one Redis (Redlock's quorum over several is not what is needed),
 * and each use is a single key with two short scripts.
 */

const HOLD = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/** Takes the lease at `key` for `owner`, or extends it when `owner` holds it; false while another does. */
export async function holdLease(redis: Redis, key: string, owner: string, ms: number): Promise<boolean> {
  return ((await redis.eval(HOLD, 1, key, owner, ms)) as number) === 1;
}

/** Gives the lease back if `owner` still holds it (an expired one another took is left alone). */
export async function releaseLease(redis: Redis, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, owner);
}
