import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by EVALSHA, falling back to EVAL once when Redis does not know it yet. */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // After a restart or SCRIPT FLUSH the cache is empty; EVAL loads the script again.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}

/** Redis TIME as whole milliseconds; every script uses it so replicas share one clock. */
export const LUA_NOW_MS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** A script's integer array reply, checked. */
export function integerArray(reply: unknown, length: number, what: string): number[] {
  if (Array.isArray(reply) && reply.length === length) {
    const values: unknown[] = reply;
    if (values.every((v): v is number => typeof v === 'number')) {
      return values;
    }
  }
  throw new Error(`Unexpected reply from the ${what} script: ${JSON.stringify(reply)}`);
}

/**
 * Wraps a caller's key in a Redis Cluster hash tag, so every key one script touches lands in the
 * same slot. Braces in the caller's key would end the tag early, so they are percent-encoded
 * (and `%` with them, so two different keys never meet).
 */
export function hashTag(key: string): string {
  return `{${key.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}
