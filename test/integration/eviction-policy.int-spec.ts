import { Logger } from '@nestjs/common';
import { EvictionPolicyCheck } from '@sluice/queue';
import { Redis } from 'ioredis';
import { startPrivateStack, type PrivateStack } from '../support/private-stack';

// A Redis of its own: the test changes the server's eviction policy.
describe('a Redis that may evict keys', () => {
  let ctx: PrivateStack;

  beforeAll(async () => {
    ctx = await startPrivateStack();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('is named in the log as an error, once per policy, and noeviction is not', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const check = ctx.stack.gateway.get(EvictionPolicyCheck, { strict: false });
    const loggedPolicies = (): unknown[] =>
      errors.mock.calls
        .map(([entry]) => entry as { policy?: unknown })
        .filter((entry) => typeof entry === 'object' && entry !== null && 'policy' in entry)
        .map((entry) => entry.policy);
    try {
      expect(await check.check()).toBe('noeviction');
      expect(loggedPolicies()).toEqual([]);

      const admin = new Redis(ctx.redis.url);
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
