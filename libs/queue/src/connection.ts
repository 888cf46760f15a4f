import { Redis, type RedisOptions } from 'ioredis';

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

export function createRedis(url: string, role: RedisRole, connectionName?: string): Redis {
  return new Redis(url, { ...redisOptions(role), ...(connectionName ? { connectionName } : {}) });
}
