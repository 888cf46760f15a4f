import Redis from 'ioredis';
import { Client } from 'pg';

/**
 * Checks that the Redis and PostgreSQL a run was given answer, before anything is started on them.
 * Without it a Redis that cannot be reached (a wrong port, a host that is down) let `npm start` run
 * the migrations and start every app, each of which retries its connections for ever and logs a
 * warning per queue, until the driver gave up after 90 s with "…/health did not become healthy",
 * naming neither REDIS_URL nor the address it was given.
 */

/** Where a URL points, without its credentials (they are never printed): `127.0.0.1:6379/0`. */
function target(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an unreadable URL';
  }
}

/** Why Redis at `url` (REDIS_URL) cannot be used, or null when it answers PING. */
export async function redisProblem(url: string, timeoutMs = 5_000): Promise<string | null> {
  if (!/^rediss?:\/\/\S+$/.test(url)) {
    return 'REDIS_URL must be a redis:// or rediss:// URL.';
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() rejects with "Connection is closed." once the socket has failed: the cause (refused,
  // host not found, refused password) is the 'error' event before it.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return `Redis at REDIS_URL (${target(url)}) cannot be used: ${(cause ?? (error as Error)).message}`;
  } finally {
    // A connection that has already ended has nothing to close: disconnect() would leave a timer
    // (ioredis' disconnectTimeout, 2 s) waiting for a socket close that has already happened.
    if (client.status !== 'end') {
      client.disconnect();
    }
  }
}

/** Why PostgreSQL at `url` (DATABASE_URL) cannot be used, or null when it answers a query. */
export async function postgresProblem(url: string, timeoutMs = 5_000): Promise<string | null> {
  if (!/^postgres(ql)?:\/\/\S+$/.test(url)) {
    return 'DATABASE_URL must be a postgres:// URL.';
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL at DATABASE_URL (${target(url)}) cannot be used: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
