import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EvictionPolicyCheck } from '@sluice/queue';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../tools/local-services';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';

// A Redis of its own: the test changes the server's eviction policy.
describe('a Redis that may evict keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-eviction-'));
  let redis: PrivateRedis;
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    redis = await startPrivateRedis({
      dataDir: join(dir, 'redis'),
      port: await freePort(),
      log: () => undefined,
    });
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl: redis.url,
      prefix: uniquePrefix(),
      worker: false,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is named in the log as an error, once per policy, and noeviction is not', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const check = stack.gateway.get(EvictionPolicyCheck, { strict: false });
    const loggedPolicies = (): unknown[] =>
      errors.mock.calls
        .map(([entry]) => entry as { policy?: unknown })
        .filter((entry) => typeof entry === 'object' && entry !== null && 'policy' in entry)
        .map((entry) => entry.policy);
    try {
      expect(await check.check()).toBe('noeviction');
      expect(loggedPolicies()).toEqual([]);

      const admin = new Redis(redis.url);
      try {
        await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
        expect(await check.check()).toBe('allkeys-lru');
        expect(await check.check()).toBe('allkeys-lru');
        expect(loggedPolicies()).toEqual(['allkeys-lru']);
        await admin.config('SET', 'maxmemory-policy', 'volatile-ttl');
        expect(await check.check()).toBe('volatile-ttl');
        expect(loggedPolicies()).toEqual(['allkeys-lru', 'volatile-ttl']);
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        expect(await check.check()).toBe('noeviction');
        expect(loggedPolicies()).toHaveLength(2);
      } finally {
        admin.disconnect();
      }
    } finally {
      errors.mockRestore();
    }
  });
});
