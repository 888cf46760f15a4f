import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../tools/local-services';
import { createTestDatabase, type TestDatabase } from './database';
import { uniquePrefix } from './redis';
import { startStack, type Stack } from './stack';

/** A stack on a Redis of its own (a test that changes the server: its config, its ACL, its data). */
export interface PrivateStack {
  redis: PrivateRedis;
  db: TestDatabase;
  stack: Stack;
  close(): Promise<void>;
}

/**
 * Starts a private Redis, a test database and a stack on them (no worker unless asked). `connect`
 * may prepare the server and answer the URL the apps are to use (a user of its own, say).
 */
export async function startPrivateStack(
  options: {
    worker?: boolean;
    env?: Record<string, string>;
    connect?: (redis: PrivateRedis) => Promise<string>;
  } = {},
): Promise<PrivateStack> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-private-'));
  const redis = await startPrivateRedis({
    dataDir: join(dir, 'redis'),
    port: await freePort(),
    log: () => undefined,
  });
  const db = await createTestDatabase();
  const stack = await startStack({
    databaseUrl: db.url,
    redisUrl: options.connect ? await options.connect(redis) : redis.url,
    prefix: uniquePrefix(),
    worker: options.worker ?? false,
    env: options.env,
  });
  return {
    redis,
    db,
    stack,
    close: async () => {
      await stack.close();
      await db.drop();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For `startPrivateStack`'s `connect`: makes a Redis user `sluice` with `rules` (ACL SETUSER's, e.g.
 * `+@all`, `-subscribe`) through `admin`, and answers the URL the apps are to log in with. The
 * test changes what the apps may do with `ACL SETUSER sluice …` through `admin` as it goes.
 */
export async function appUser(admin: Redis, redis: PrivateRedis, ...rules: string[]): Promise<string> {
  await admin.call('ACL', 'SETUSER', 'sluice', 'on', '>sluice-pass', '~*', '&*', ...rules);
  const url = new URL(redis.url);
  url.username = 'sluice';
  url.password = 'sluice-pass';
  return url.toString();
}
