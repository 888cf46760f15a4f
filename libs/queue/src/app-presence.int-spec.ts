import { Redis } from 'ioredis';
import { type AppPresence, livePresence, presenceKey, reportPresence } from './app-presence';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  throw new Error('REDIS_URL is not set: these tests need a real Redis, e.g. redis://127.0.0.1:6379/7');
}

/** The apps' reports on a real Redis. */
describe('app presence', () => {
  const prefix = `sluice-presence-${process.pid}-${Date.now()}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await redis.del(presenceKey(prefix));
    await redis.quit();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Runs `what` as on a host whose clock is `skewMs` off. */
  async function onHostOff<T>(skewMs: number, what: () => Promise<T>): Promise<T> {
    const now = Date.now;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now() + skewMs);
    try {
      return await what();
    } finally {
      spy.mockRestore();
    }
  }

  it("dates and ages reports by Redis's clock, so apps on hosts whose clocks differ still see each other", async () => {
    // As DeploymentCheck builds it, on a host a minute behind.
    const worker = await onHostOff(-60_000, async () => {
      const presence: AppPresence = {
        instance: 'enrichment-worker@slow:1/aaaaaa',
        app: 'enrichment-worker',
        seenAt: Date.now(),
        shared: {},
      };
      await reportPresence(redis, prefix, presence);
      return presence;
    });
    // Read just after, on a host a minute ahead: a report of now is live, and kept.
    const live = await onHostOff(60_000, () => livePresence(redis, prefix, 15_000));
    expect(live.map((presence) => presence.instance)).toEqual([worker.instance]);
    expect(await redis.hkeys(presenceKey(prefix))).toEqual([worker.instance]);
  });
});
