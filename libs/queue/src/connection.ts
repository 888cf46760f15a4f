import type { RedisOptions } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

/**
 * Redis connection options per BullMQ's production guide.
 * - `worker`: `maxRetriesPerRequest: null` so blocking commands wait through a Redis restart and
 *   the worker resumes by itself.
 * - `producer`: no offline queue and one retry, so an API call fails at once while Redis is away
 *   (the gateway answers 503) instead of hanging.
 */
export function redisOptions(role: RedisRole): RedisOptions {
  const retryStrategy = (attempt: number): number => Math.min(200 * attempt, 2000);
  if (role === 'worker') {
    return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
  }
  return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy };
}

/**
 * A redis:// or rediss:// URL as ioredis options. BullMQ takes options (not a URL) when each Queue
 * and Worker is to own, and on close quit, its connection.
 */
export function redisUrlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Not a Redis URL (redis:// or rediss://): ${parsed.protocol}`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Options for one BullMQ Queue or Worker connection of the given role. */
export function connectionOptions(url: string, role: RedisRole, connectionName?: string): RedisOptions {
  return { ...redisUrlOptions(url), ...redisOptions(role), ...(connectionName ? { connectionName } : {}) };
}
