import { PipelineConfig } from '@sluice/config';
import { Redis, type RedisKey } from 'ioredis';
import type { PipelineGuards } from './pipeline-redis';
import { ResultCache } from './pipeline-redis';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  throw new Error('REDIS_URL is not set: this test needs a real Redis, e.g. redis://127.0.0.1:6379/7');
}

const PROFILE = { status: 'hit', output: { company_number: '00000001' }, credits: 0 } as const;

/** A company profile cached by several workspaces, dropped from all of them at once (a strike-off). */
describe('ResultCache.forgetEverywhere (real Redis)', () => {
  const prefix = `sluice:result-cache:${process.pid}:${Date.now()}`;
  let redis: Redis;
  let other: Redis;
  let cache: ResultCache;
  let otherCache: ResultCache;
  const cacheOf = (client: Redis) =>
    new ResultCache({ redis: client, prefix: `${prefix}:pipeline` } as PipelineGuards, new PipelineConfig());
  const cached = async (workspace: string, key: string) =>
    (await redis.exists(`${prefix}:pipeline:cache:${workspace}:${key}`)) === 1;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    other = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    cache = cacheOf(redis);
    otherCache = cacheOf(other);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await Promise.all([redis.quit(), other.quit()]);
  });

  it("drops every workspace's answer and leaves nothing behind", async () => {
    await cache.set('ws-a', 'k1', 'company.profile', PROFILE);
    await cache.set('ws-b', 'k1', 'company.profile', PROFILE);
    await cache.set('ws-a', 'k2', 'company.profile', PROFILE);

    expect(await cache.forgetEverywhere('k1')).toBe(2);
    expect([await cached('ws-a', 'k1'), await cached('ws-b', 'k1'), await cached('ws-a', 'k2')]).toEqual([
      false,
      false,
      true,
    ]);
    expect(await redis.exists(`${prefix}:pipeline:cache-holders:k1`)).toBe(0);
    expect(await cache.forgetEverywhere('k1')).toBe(0);
  });

  it('keeps listing a workspace that cached the answer while the holders were being read', async () => {
    await cache.set('ws-a', 'k3', 'company.profile', PROFILE);
    // Another replica caches the same company for another workspace between the read of the
    // holders and their removal.
    const read = redis.smembers.bind(redis);
    const spied = jest.spyOn(redis, 'smembers').mockImplementationOnce(async (key: RedisKey) => {
      const members = await read(key);
      await otherCache.set('ws-c', 'k3', 'company.profile', PROFILE);
      return members;
    });
    try {
      expect(await cache.forgetEverywhere('k3')).toBe(1);
    } finally {
      spied.mockRestore();
    }
    expect([await cached('ws-a', 'k3'), await cached('ws-c', 'k3')]).toEqual([false, true]);

    // The next strike-off of that company still finds it.
    expect(await cache.forgetEverywhere('k3')).toBe(1);
    expect(await cached('ws-c', 'k3')).toBe(false);
  });
});
