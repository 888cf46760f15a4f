import {
  acquireEachWithin,
  acquireWithin,
  balanceReadWaitMs,
  type SlotWaitClock,
} from './provider-rate-limiter';
import { InProcessSlidingWindowLimiter, type RateLimitRule } from './sliding-window';

describe('waiting a bounded time for rate slots (acquireWithin, acquireEachWithin)', () => {
  const second: RateLimitRule = { name: 'second', limit: 2, windowMs: 1000 };
  let now: number;
  let slept: number[];
  let limiter: InProcessSlidingWindowLimiter;
  const clock: SlotWaitClock = {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };

  beforeEach(() => {
    now = 1_000_000;
    slept = [];
    limiter = new InProcessSlidingWindowLimiter(() => now);
  });

  it('takes a free slot at once', async () => {
    const wait = await acquireWithin(limiter, 'rocketreach', [second], 500, clock);
    expect(wait).toMatchObject({ taken: true, waitedMs: 0 });
    expect(slept).toEqual([]);
  });

  it('waits for the slot that frees within the time allowed, then takes it', async () => {
    await limiter.acquire('rocketreach', [second]);
    now += 300;
    await limiter.acquire('rocketreach', [second]);
    // Full until the first entry leaves, 700 ms from now.
    const wait = await acquireWithin(limiter, 'rocketreach', [second], 800, clock);
    expect(wait).toMatchObject({ taken: true, waitedMs: 700 });
    expect(slept).toEqual([700]);
    expect(await limiter.remaining('rocketreach', [second])).toEqual({ second: 0 });
  });

  it('asks again when another caller took the slot it waited for', async () => {
    await limiter.acquire('k', [second]);
    now += 300;
    await limiter.acquire('k', [second]);
    const sleepThenLose: SlotWaitClock = {
      now: clock.now,
      sleep: async (ms) => {
        await clock.sleep(ms);
        if (slept.length === 1) {
          await limiter.acquire('k', [second]); // a worker, first to the freed slot
        }
      },
    };
    const wait = await acquireWithin(limiter, 'k', [second], 5000, sleepThenLose);
    expect(wait.taken).toBe(true);
    // The first entry left after 700 ms (its slot lost), the second 300 ms later.
    expect(slept).toEqual([700, 300]);
  });

  it('gives up at once, taking nothing, when no slot frees within the time allowed', async () => {
    const hour: RateLimitRule = { name: 'hour', limit: 1, windowMs: 3_600_000 };
    await limiter.acquire('apollo', [hour]);
    now += 1000;
    const wait = await acquireWithin(limiter, 'apollo', [second, hour], 60_000, clock);
    expect(wait).toMatchObject({
      taken: false,
      waitedMs: 0,
      decision: { rule: 'hour', retryAfterMs: 3_599_000 },
    });
    expect(slept).toEqual([]);
    // The refused attempt took no slot in the other rule either.
    expect(await limiter.remaining('apollo', [second])).toEqual({ second: 2 });
  });

  it('gives up once the time allowed runs out while waiting', async () => {
    const tight: RateLimitRule = { name: 'tight', limit: 1, windowMs: 400 };
    await limiter.acquire('k', [tight]);
    const racing: SlotWaitClock = {
      now: clock.now,
      sleep: async (ms) => {
        await clock.sleep(ms);
        await limiter.acquire('k', [tight]); // every freed slot goes to someone else
      },
    };
    const wait = await acquireWithin(limiter, 'k', [tight], 1000, racing);
    expect(wait.taken).toBe(false);
    expect(slept).toEqual([400, 400]);
    expect(wait.waitedMs).toBe(800);
  });

  describe('acquireEachWithin (a slot for each of several calls, within one bounded wait)', () => {
    const minute: RateLimitRule = { name: 'minute', limit: 3, windowMs: 60_000 };

    it('takes a slot for each call', async () => {
      const wait = await acquireEachWithin(limiter, 'snov', [[minute], [minute]], 1000, clock);
      expect(wait).toMatchObject({ taken: true, waitedMs: 0 });
      expect(await limiter.remaining('snov', [minute])).toEqual({ minute: 1 });
    });

    it('shares one wait between the calls, and keeps a slot taken before a refusal', async () => {
      await limiter.acquire('snov', [minute]);
      now += 400;
      await limiter.acquire('snov', [minute]);
      // One slot left: the first call takes it; the second would wait 59.6 s, past the 1 s allowed.
      const within = await acquireEachWithin(limiter, 'snov', [[minute], [minute]], 1000, clock);
      expect(within).toMatchObject({ taken: false, decision: { rule: 'minute', retryAfterMs: 59_600 } });
      expect(await limiter.remaining('snov', [minute])).toEqual({ minute: 0 });
      now += 59_600;
      // The oldest left: its slot goes to the first call, the second waits for the next to leave.
      const later = await acquireEachWithin(limiter, 'snov', [[minute], [minute]], 1000, clock);
      expect(later).toMatchObject({ taken: true, waitedMs: 400 });
      expect(slept).toEqual([400]);
    });

    it('with no calls, takes nothing', async () => {
      expect(await acquireEachWithin(limiter, 'snov', [], 0, clock)).toMatchObject({ taken: true });
      expect(await limiter.remaining('snov', [minute])).toEqual({ minute: 3 });
    });
  });
});

describe('balanceReadWaitMs (how long a balance read may wait for a slot)', () => {
  it('is a quarter of the interval between two readings, and never more than a minute', () => {
    expect(balanceReadWaitMs(60_000)).toBe(15_000);
    expect(balanceReadWaitMs(30 * 60_000)).toBe(60_000);
    expect(balanceReadWaitMs(300)).toBe(75);
  });
});
