import type { RedisOptions } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

/**
 * Redis connection options per BullMQ's production guide.
 * - `worker`: `maxRetriesPerRequest: null` so blocking commands wait through a Redis restart and
 *   the worker resumes by itself.
 * - `producer`: no offline queue and one retry, so an API call fails at once while Redis is away
 *   (the gateway answers 503) instead of hanging; and a command Redis has not answered within
 *   {@link PRODUCER_COMMAND_TIMEOUT_MS} fails too, so a Redis that is connected but does not answer
 *   (a long script, a fork or a disk that holds it, a network path gone silent) is away as well,
 *   rather than holding every request, and its socket, for as long as it does.
 */
/**
 * How long a producer's command may wait for Redis's answer. Redis answers the commands the apps
 * send in well under a millisecond when it is well; a wait this long is a Redis in trouble, and the
 * caller is better told so (503, retry later) than kept waiting. The command itself may still run
 * once Redis answers again: only the wait is given up.
 */
export const PRODUCER_COMMAND_TIMEOUT_MS = 5_000;

export function redisOptions(role: RedisRole): RedisOptions {
  // The first reconnect goes at once: a connection Redis closed because it idled past `timeout` (or
  // a proxy's, a load balancer's idle timeout) is opened again in a few milliseconds, where waiting
  // 200 ms first made every producer command of that moment fail (a 503 to the caller, a provider's
  // callback refused). A Redis that is away refuses that attempt; the next ones wait as before.
  const retryStrategy = (attempt: number): number => (attempt === 1 ? 0 : Math.min(200 * attempt, 2000));
  // TCP keepalive probes after 30 s of silence: a NAT or load balancer that drops an idle flow
  // without a word leaves the connection looking open, and a command sent on it would wait for the
  // operating system's retransmissions (about 15 minutes). ioredis's default starts the probes
  // after the system's idle time, two hours on Linux.
  const keepAlive = 30_000;
  if (role === 'worker') {
    return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy, keepAlive };
  }
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    retryStrategy,
    keepAlive,
  };
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
