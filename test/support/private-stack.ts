import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
