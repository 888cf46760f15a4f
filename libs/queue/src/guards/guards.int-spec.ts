import { Redis } from 'ioredis';
import { RedisCircuitBreaker, type CircuitOptions, type CircuitTransition } from './circuit-breaker';
import { CreditWallet } from './credit-wallet';
import { RedisSlidingWindowLimiter, type RateDecision, type RateLimitRule } from './sliding-window';
import { recordWebhookRefusal, WEBHOOK_REFUSALS_KEPT, webhookRefusalsKey } from '../signals';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  throw new Error(
    'REDIS_URL is not set: the guards integration tests need a real Redis, e.g. redis://127.0.0.1:6379/7',
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const count = <T>(items: readonly T[], test: (item: T) => boolean): number => items.filter(test).length;

/** Two connections stand for two worker replicas. */
describe('Redis guards shared by worker replicas (real Redis)', () => {
  const prefix = `sluice:guards:${process.pid}:${Date.now()}`;
  let a: Redis;
  let b: Redis;

  beforeAll(() => {
    a = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    b = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await a.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await a.del(...keys);
      }
    } while (cursor !== '0');
    await Promise.all([a.quit(), b.quit()]);
  });

  describe('refused provider webhooks', () => {
    it('keeps at most the newest WEBHOOK_REFUSALS_KEPT of them, however fast they come', async () => {
      const key = webhookRefusalsKey(prefix);
      // As if a flood had filled the set already: the oldest are the first to go.
      const flood: (string | number)[] = [];
      const now = Date.now();
      for (let i = 0; i < WEBHOOK_REFUSALS_KEPT + 500; i += 1) {
        flood.push(now - 60_000 + i, `old-${i}`);
      }
      await a.zadd(key, ...flood);
      await recordWebhookRefusal(b, prefix, 'rocketreach', 'bad_signature');
      expect(await a.zcard(key)).toBe(WEBHOOK_REFUSALS_KEPT);
      expect(await a.zscore(key, 'old-0')).toBeNull();
      expect(await a.zscore(key, 'old-500')).toBeNull();
      expect(await a.zscore(key, 'old-501')).not.toBeNull();
      const [newest] = await a.zrange(key, -1, -1);
      expect(newest).toMatch(/:rocketreach:bad_signature:/);
    });
  });

  describe('RedisSlidingWindowLimiter', () => {
    let limiterA: RedisSlidingWindowLimiter;
    let limiterB: RedisSlidingWindowLimiter;

    beforeAll(() => {
      limiterA = new RedisSlidingWindowLimiter(a, prefix);
      limiterB = new RedisSlidingWindowLimiter(b, prefix);
    });

    it('lets exactly `limit` through when two clients race (50 concurrent acquires, limit 10)', async () => {
      const rule: RateLimitRule = { name: 'minute', limit: 10, windowMs: 60_000 };
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? limiterA : limiterB).acquire('race', [rule])),
      );
      expect(count(decisions, (d) => d.allowed)).toBe(10);
      const refused = decisions.filter((d) => !d.allowed);
      expect(refused).toHaveLength(40);
      for (const d of refused) {
        expect(d.rule).toBe('minute');
        // The oldest of the 10 entries leaves a minute after it came, a few ms ago at most.
        expect(d.retryAfterMs).toBeGreaterThan(55_000);
        expect(d.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
      expect(await limiterB.remaining('race', [rule])).toEqual({ minute: 0 });
      expect(
        count(
          decisions.filter((d) => d.allowed),
          (d) => d.retryAfterMs === 0 && d.rule === null,
        ),
      ).toBe(10);
    });

    it('gives a sane retryAfterMs, and the slot is back once it has passed', async () => {
      const rule: RateLimitRule = { name: 'burst', limit: 3, windowMs: 300 };
      for (let i = 0; i < 3; i += 1) {
        expect((await limiterA.acquire('retry', [rule])).allowed).toBe(true);
      }
      const refused = await limiterB.acquire('retry', [rule]);
      expect(refused).toMatchObject({ allowed: false, rule: 'burst' });
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      expect(await limiterA.remaining('retry', [rule])).toEqual({ burst: 0 });

      await sleep(refused.retryAfterMs + 20);
      expect((await limiterB.acquire('retry', [rule])).allowed).toBe(true);
      await sleep(320);
      expect(await limiterA.remaining('retry', [rule])).toEqual({ burst: 3 });
    });

    it('slides: after the oldest entry leaves, only one slot is back, not a whole new window', async () => {
      const rule: RateLimitRule = { name: 'pair', limit: 2, windowMs: 400 };
      expect((await limiterA.acquire('slide', [rule])).allowed).toBe(true);
      await sleep(200);
      expect((await limiterB.acquire('slide', [rule])).allowed).toBe(true);
      const refused = await limiterA.acquire('slide', [rule]);
      expect(refused.allowed).toBe(false);
      // The first entry leaves about 200 ms from now.
      expect(refused.retryAfterMs).toBeLessThanOrEqual(200);
      await sleep(refused.retryAfterMs + 20);
      expect((await limiterA.acquire('slide', [rule])).allowed).toBe(true);
      // A fixed window would have started afresh here; the entry taken 200 ms in still counts.
      const again = await limiterB.acquire('slide', [rule]);
      expect(again.allowed).toBe(false);
      expect(again.retryAfterMs).toBeGreaterThan(100);
    });

    it('takes a slot from every rule or none: refused calls cost the other rule nothing', async () => {
      const narrow: RateLimitRule = { name: 'narrow', limit: 3, windowMs: 60_000 };
      const wide: RateLimitRule = { name: 'wide', limit: 10, windowMs: 60_000 };
      const decisions = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? limiterA : limiterB).acquire('multi', [wide, narrow]),
        ),
      );
      expect(count(decisions, (d) => d.allowed)).toBe(3);
      expect(count(decisions, (d) => !d.allowed && d.rule === 'narrow')).toBe(17);
      expect(await limiterA.remaining('multi', [narrow, wide])).toEqual({ narrow: 0, wide: 7 });
      // The wide rule alone still has exactly the 7 slots the refused calls did not take.
      const wideOnly = await Promise.all(Array.from({ length: 9 }, () => limiterB.acquire('multi', [wide])));
      expect(count(wideOnly, (d) => d.allowed)).toBe(7);
    });

    it('tells the slots left per rule with each decision, as remaining() would', async () => {
      const minute: RateLimitRule = { name: 'minute', limit: 3, windowMs: 60_000 };
      const hour: RateLimitRule = { name: 'hour', limit: 5, windowMs: 3_600_000 };
      const lefts = [];
      for (let i = 0; i < 4; i += 1) {
        lefts.push((await limiterA.acquire('told', [minute, hour])).remaining);
      }
      expect(lefts).toEqual([
        { minute: 2, hour: 4 },
        { minute: 1, hour: 3 },
        { minute: 0, hour: 2 },
        { minute: 0, hour: 2 }, // refused: nothing taken
      ]);
      expect(await limiterB.remaining('told', [minute, hour])).toEqual({ minute: 0, hour: 2 });
    });

    it('reports the refusing rule that frees up last when several refuse', async () => {
      const short: RateLimitRule = { name: 'short', limit: 1, windowMs: 1_000 };
      const long: RateLimitRule = { name: 'long', limit: 1, windowMs: 30_000 };
      expect((await limiterA.acquire('both', [short, long])).allowed).toBe(true);
      const refused: RateDecision = await limiterB.acquire('both', [short, long]);
      expect(refused.rule).toBe('long');
      expect(refused.retryAfterMs).toBeGreaterThan(25_000);
    });

    it('always allows with no rules, and keeps keys apart', async () => {
      expect(await limiterA.acquire('none', [])).toEqual({ allowed: true, retryAfterMs: 0, rule: null });
      const one: RateLimitRule = { name: 'one', limit: 1, windowMs: 60_000 };
      expect((await limiterA.acquire('apart-1', [one])).allowed).toBe(true);
      expect((await limiterA.acquire('apart-1', [one])).allowed).toBe(false);
      expect((await limiterB.acquire('apart-2', [one])).allowed).toBe(true);
    });

    it('keeps its logs in keys under the prefix that expire with the window', async () => {
      await limiterA.acquire('ttl', [{ name: 'expiring', limit: 5, windowMs: 5_000 }]);
      const keys = await a.keys(`${prefix}:rate:*ttl*expiring`);
      expect(keys).toHaveLength(1);
      const ttl = await a.pttl(keys[0] ?? '');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000);
      expect(await a.zcard(keys[0] ?? '')).toBe(1);
    });
  });

  describe('RedisSlidingWindowLimiter, windows counted rather than logged', () => {
    let countedA: RedisSlidingWindowLimiter;
    let countedB: RedisSlidingWindowLimiter;
    /** Redis's clock, which the scripts use. */
    const redisNow = async (): Promise<number> => {
      const [seconds, micros] = await a.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    /** Waits until `offset` ms into the next fixed window of `windowMs` (on Redis's clock). */
    const intoNextWindow = async (windowMs: number, offset: number): Promise<void> => {
      const now = await redisNow();
      await sleep(windowMs - (now % windowMs) + offset);
    };

    beforeAll(() => {
      countedA = new RedisSlidingWindowLimiter(a, `${prefix}:counted`, { countAboveMs: 1_000 });
      countedB = new RedisSlidingWindowLimiter(b, `${prefix}:counted`, { countAboveMs: 1_000 });
    });

    it('lets exactly `limit` through when two clients race, in one hash of counts per rule', async () => {
      const day: RateLimitRule = { name: 'day', limit: 10, windowMs: 86_400_000 };
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? countedA : countedB).acquire('race', [day])),
      );
      expect(count(decisions, (d) => d.allowed)).toBe(10);
      for (const d of decisions.filter((refused) => !refused.allowed)) {
        expect(d.rule).toBe('day');
        // Not before this day's count stops counting fully: the rest of the day at least.
        expect(d.retryAfterMs).toBeGreaterThan(0);
        expect(d.retryAfterMs).toBeLessThanOrEqual(1.1 * day.windowMs);
      }
      expect(await countedB.remaining('race', [day])).toEqual({ day: 0 });
      const keys = await a.keys(`${prefix}:counted:rate:*race*`);
      expect(keys).toHaveLength(1);
      expect(await a.type(keys[0] ?? '')).toBe('hash');
      expect(await a.hlen(keys[0] ?? '')).toBe(1);
      expect(await a.pttl(keys[0] ?? '')).toBeLessThanOrEqual(2 * day.windowMs);
    });

    it("weighs the previous window's count by how much of it the sliding window still covers", async () => {
      const rule: RateLimitRule = { name: 'slow', limit: 5, windowMs: 4_000 };
      await intoNextWindow(rule.windowMs, 50);
      for (let i = 0; i < 5; i += 1) {
        expect((await countedA.acquire('weigh', [rule])).allowed).toBe(true);
      }
      expect((await countedB.acquire('weigh', [rule])).allowed).toBe(false);
      // Halfway into the next window the five weigh 2.5: two more fit under the limit of 5 (anywhere
      // from 1.6 s to 2.4 s into it).
      await intoNextWindow(rule.windowMs, 2_000);
      expect((await countedA.acquire('weigh', [rule])).allowed).toBe(true);
      expect((await countedB.acquire('weigh', [rule])).allowed).toBe(true);
      const refused = await countedA.acquire('weigh', [rule]);
      expect(refused).toMatchObject({ allowed: false, rule: 'slow' });
      expect(refused.remaining).toEqual({ slow: 0 });
      // Free again once the previous window weighs 2 (2.4 s into this one), not a window later.
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(850);
      await sleep(refused.retryAfterMs + 20);
      expect((await countedB.acquire('weigh', [rule])).allowed).toBe(true);
    });

    it('decides counted and logged rules together: a refusal by either takes no slot in the other', async () => {
      const short: RateLimitRule = { name: 'short', limit: 3, windowMs: 1_000 };
      const long: RateLimitRule = { name: 'long', limit: 100, windowMs: 3_600_000 };
      for (let i = 0; i < 3; i += 1) {
        expect((await countedA.acquire('mixed', [short, long])).allowed).toBe(true);
      }
      const byShort = await countedB.acquire('mixed', [short, long]);
      expect(byShort).toMatchObject({ allowed: false, rule: 'short', remaining: { short: 0, long: 97 } });
      const tight: RateLimitRule = { name: 'long', limit: 2, windowMs: 3_600_000 };
      expect((await countedA.acquire('mixed-2', [short, tight])).allowed).toBe(true);
      expect((await countedA.acquire('mixed-2', [short, tight])).allowed).toBe(true);
      const byLong = await countedB.acquire('mixed-2', [short, tight]);
      expect(byLong).toMatchObject({ allowed: false, rule: 'long', remaining: { short: 1, long: 0 } });
      expect(await countedA.remaining('mixed-2', [short, tight])).toEqual({ short: 1, long: 0 });
    });

    it('keeps two counts per rule however many windows pass, in a key that expires', async () => {
      const rule: RateLimitRule = { name: 'rolling', limit: 1_000, windowMs: 1_001 };
      const started = Date.now();
      while (Date.now() - started < 3_500) {
        expect((await countedA.acquire('rolling', [rule])).allowed).toBe(true);
        await sleep(100);
      }
      const keys = await a.keys(`${prefix}:counted:rate:*rolling*`);
      expect(keys).toHaveLength(1);
      expect(await a.hlen(keys[0] ?? '')).toBeLessThanOrEqual(2);
      expect(await a.pttl(keys[0] ?? '')).toBeLessThanOrEqual(2 * rule.windowMs);
    });
  });

  describe('RedisCircuitBreaker', () => {
    const options: CircuitOptions = {
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      windowMs: 10_000,
      coolDownMs: 300,
    };
    let transitions: CircuitTransition[];
    let breakerA: RedisCircuitBreaker;
    let breakerB: RedisCircuitBreaker;

    beforeEach(() => {
      transitions = [];
      breakerA = new RedisCircuitBreaker(a, prefix, options, (t) => transitions.push(t));
      breakerB = new RedisCircuitBreaker(b, prefix, options, (t) => transitions.push(t));
    });

    const openIt = async (key: string): Promise<void> => {
      await Promise.all(
        Array.from({ length: 4 }, (_, i) => (i % 2 ? breakerA : breakerB).recordFailure(key)),
      );
      expect(await breakerA.state(key)).toBe('open');
    };

    it('opens at the threshold once minimumCalls are in, not before, and then refuses', async () => {
      expect(await breakerA.recordFailure('p1')).toBe('closed');
      expect(await breakerB.recordSuccess('p1')).toBe('closed');
      expect(await breakerA.recordSuccess('p1')).toBe('closed');
      expect(await breakerB.recordSuccess('p1')).toBe('closed'); // 1 of 4 failed
      expect(await breakerA.recordFailure('p1')).toBe('closed'); // 2 of 5 = 0.4
      expect(transitions).toEqual([]);
      expect((await breakerB.tryAcquire('p1')).allowed).toBe(true);

      expect(await breakerB.recordFailure('p1')).toBe('open'); // 3 of 6 = 0.5
      expect(transitions).toEqual([{ key: 'p1', from: 'closed', to: 'open', failureRate: 0.5 }]);
      const permit = await breakerA.tryAcquire('p1');
      expect(permit).toMatchObject({ allowed: false, state: 'open' });
      expect(permit.retryAfterMs).toBeGreaterThan(0);
      expect(permit.retryAfterMs).toBeLessThanOrEqual(300);
    });

    it('does not open below minimumCalls even when every call failed', async () => {
      for (let i = 0; i < 3; i += 1) {
        expect(await breakerA.recordFailure('few')).toBe('closed');
      }
      expect((await breakerB.tryAcquire('few')).allowed).toBe(true);
      expect(await breakerA.recordFailure('few')).toBe('open');
    });

    it('forgets outcomes older than the window', async () => {
      const quick = new RedisCircuitBreaker(a, prefix, { ...options, windowMs: 300 }, (t) =>
        transitions.push(t),
      );
      for (let i = 0; i < 3; i += 1) {
        await quick.recordFailure('window');
      }
      await sleep(350);
      // Only this failure is inside the window now: 1 call < minimumCalls.
      expect(await quick.recordFailure('window')).toBe('closed');
      expect(transitions).toEqual([]);
    });

    it('two replicas: one transition each, exactly one probe after the cool-down, closed on success', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? breakerA : breakerB).recordFailure('shared')),
      );
      expect(transitions).toEqual([{ key: 'shared', from: 'closed', to: 'open', failureRate: 1 }]);
      expect((await breakerB.tryAcquire('shared')).allowed).toBe(false);

      await sleep(options.coolDownMs + 30);
      // state() has no side effects: it reports half_open but moves nothing.
      expect(await breakerA.state('shared')).toBe('half_open');
      expect(transitions).toHaveLength(1);

      const permits = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? breakerA : breakerB).tryAcquire('shared')),
      );
      expect(count(permits, (p) => p.allowed)).toBe(1);
      for (const p of permits) {
        expect(p.state).toBe('half_open');
        expect(p.allowed ? p.retryAfterMs === 0 : p.retryAfterMs > 0 && p.retryAfterMs <= 300).toBe(true);
      }
      expect(transitions.slice(1)).toEqual([
        { key: 'shared', from: 'open', to: 'half_open', failureRate: null },
      ]);

      const closed = await Promise.all([breakerA.recordSuccess('shared'), breakerB.recordSuccess('shared')]);
      expect(closed).toEqual(['closed', 'closed']);
      expect(transitions.slice(2)).toEqual([
        { key: 'shared', from: 'half_open', to: 'closed', failureRate: null },
      ]);
      expect(await breakerB.tryAcquire('shared')).toEqual({
        allowed: true,
        state: 'closed',
        retryAfterMs: 0,
      });
      // Counting starts afresh: the window holds only the second success (counted while closed).
      expect(await breakerA.recordFailure('shared')).toBe('closed');
      expect(await breakerB.recordFailure('shared')).toBe('closed');
      expect(await breakerA.recordFailure('shared')).toBe('open');
      expect(transitions.slice(3)).toEqual([
        { key: 'shared', from: 'closed', to: 'open', failureRate: 0.75 },
      ]);
    });

    it('re-opens with a new cool-down when the probe fails', async () => {
      await openIt('reopen');
      await sleep(options.coolDownMs + 30);
      expect((await breakerA.tryAcquire('reopen')).allowed).toBe(true);
      expect(await breakerB.recordFailure('reopen')).toBe('open');
      expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
        'closed>open',
        'open>half_open',
        'half_open>open',
      ]);

      const refused = await breakerB.tryAcquire('reopen');
      expect(refused).toMatchObject({ allowed: false, state: 'open' });
      expect(refused.retryAfterMs).toBeGreaterThan(200);
      expect(await breakerA.state('reopen')).toBe('open');
      await sleep(refused.retryAfterMs + 30);
      expect((await breakerB.tryAcquire('reopen')).allowed).toBe(true);
    });

    it('frees the probe slot after coolDownMs when the prober never reports', async () => {
      await openIt('dead-prober');
      await sleep(options.coolDownMs + 30);
      expect((await breakerA.tryAcquire('dead-prober')).allowed).toBe(true);
      const waiting = await breakerB.tryAcquire('dead-prober');
      expect(waiting.allowed).toBe(false);
      await sleep(waiting.retryAfterMs + 30);
      expect(await breakerB.tryAcquire('dead-prober')).toEqual({
        allowed: true,
        state: 'half_open',
        retryAfterMs: 0,
        probe: expect.any(String) as unknown,
      });
    });

    it('frees the probe slot when its prober releases it, and only that prober', async () => {
      await openIt('released');
      await sleep(options.coolDownMs + 30);
      const probe = await breakerA.tryAcquire('released');
      expect(probe).toMatchObject({
        allowed: true,
        state: 'half_open',
        probe: expect.any(String) as unknown,
      });
      expect((await breakerB.tryAcquire('released')).allowed).toBe(false);
      // Another token frees nothing.
      await breakerB.releaseProbe('released', 'not-the-probe');
      expect((await breakerB.tryAcquire('released')).allowed).toBe(false);
      await breakerA.releaseProbe('released', probe.probe ?? '');
      const next = await breakerB.tryAcquire('released');
      expect(next).toMatchObject({ allowed: true, state: 'half_open' });
      expect(next.probe).not.toBe(probe.probe);
      // Released after its outcome closed the circuit: nothing to free, and nothing changes.
      expect(await breakerB.recordSuccess('released')).toBe('closed');
      await breakerA.releaseProbe('released', probe.probe ?? '');
      await breakerB.releaseProbe('released', next.probe ?? '');
      expect(await breakerA.tryAcquire('released')).toEqual({
        allowed: true,
        state: 'closed',
        retryAfterMs: 0,
      });
    });

    it('keeps a slow probe’s slot for as long as its call may take, past the cool-down', async () => {
      await openIt('slow');
      await sleep(options.coolDownMs + 30);
      expect((await breakerA.tryAcquire('slow', options.coolDownMs * 4)).allowed).toBe(true);
      await sleep(options.coolDownMs + 100);
      const second = await breakerB.tryAcquire('slow');
      expect(second.allowed).toBe(false);
      expect(second.retryAfterMs).toBeGreaterThan(options.coolDownMs);
    });

    it('ignores late outcomes while open, and reset closes it', async () => {
      // A cool-down no busy machine outlasts between the steps below.
      const slow = { ...options, coolDownMs: 60_000 };
      const lateA = new RedisCircuitBreaker(a, prefix, slow, (t) => transitions.push(t));
      const lateB = new RedisCircuitBreaker(b, prefix, slow, (t) => transitions.push(t));
      await Promise.all(Array.from({ length: 4 }, (_, i) => (i % 2 ? lateA : lateB).recordFailure('late')));
      expect(await lateA.state('late')).toBe('open');
      expect(await lateB.recordSuccess('late')).toBe('open');
      expect(await lateB.recordFailure('late')).toBe('open');
      expect((await lateA.tryAcquire('late')).allowed).toBe(false);
      expect(transitions).toHaveLength(1);

      await lateA.reset('late');
      expect(transitions.slice(1)).toEqual([{ key: 'late', from: 'open', to: 'closed', failureRate: null }]);
      expect(await lateB.state('late')).toBe('closed');
      expect((await lateB.tryAcquire('late')).allowed).toBe(true);
    });

    it('refuses options that make no sense', () => {
      expect(() => new RedisCircuitBreaker(a, prefix, { ...options, failureRateThreshold: 1.5 })).toThrow(
        /failureRateThreshold/,
      );
      expect(() => new RedisCircuitBreaker(a, prefix, { ...options, minimumCalls: 0 })).toThrow(
        /minimumCalls/,
      );
    });
  });

  describe('CreditWallet', () => {
    let walletA: CreditWallet;
    let walletB: CreditWallet;

    beforeAll(() => {
      walletA = new CreditWallet(a, prefix);
      walletB = new CreditWallet(b, prefix);
    });

    it('concurrent reserves from two clients never exceed the balance', async () => {
      await walletA.setBalance('race', 10);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? walletA : walletB).reserve('race', `r${i}`, 1, 60_000)),
      );
      expect(count(results, (r) => r.ok)).toBe(10);
      for (const r of results.filter((x) => !x.ok)) {
        expect(r).toEqual({ ok: false, available: 0, balance: 10, needed: 1 });
      }
      expect(await walletB.snapshot('race')).toMatchObject({ balance: 10, reserved: 10, available: 0 });
    });

    it('reserves once per reservationId, even when asked twice at once', async () => {
      await walletA.setBalance('idem', 5);
      const [first, second] = await Promise.all([
        walletA.reserve('idem', 'job-1', 2, 60_000),
        walletB.reserve('idem', 'job-1', 2, 60_000),
      ]);
      expect(first).toEqual({ ok: true, available: 3 });
      expect(second).toEqual({ ok: true, available: 3 });
      expect(await walletA.snapshot('idem')).toMatchObject({ reserved: 2, available: 3 });
    });

    it('commits once: ends the reservation, charges what was actually charged, and a second commit changes nothing', async () => {
      await walletA.setBalance('commit', 10);
      await walletA.reserve('commit', 'job-1', 3, 60_000);
      const after = await walletB.commit('commit', 'job-1', 2);
      expect(after).toMatchObject({ balance: 8, reserved: 0, available: 8 });
      expect(await walletA.commit('commit', 'job-1', 2)).toMatchObject({
        balance: 8,
        reserved: 0,
        available: 8,
      });
      // A committed reservationId reserves nothing again.
      expect(await walletA.reserve('commit', 'job-1', 3, 60_000)).toEqual({ ok: true, available: 8 });
      expect((await walletA.snapshot('commit')).reserved).toBe(0);
    });

    it('charges a commit without a reservation, once', async () => {
      await walletA.setBalance('no-res', 4);
      const [x, y] = await Promise.all([
        walletA.commit('no-res', 'walk-in', 1.5),
        walletB.commit('no-res', 'walk-in', 1.5),
      ]);
      expect([x.balance, y.balance]).toEqual([2.5, 2.5]);
      expect(await walletB.snapshot('no-res')).toMatchObject({ balance: 2.5, reserved: 0 });
    });

    it('releases without charge, idempotently', async () => {
      await walletA.setBalance('release', 3);
      await walletA.reserve('release', 'job-1', 2, 60_000);
      await walletA.reserve('release', 'job-2', 1, 60_000);
      await walletB.release('release', 'job-1');
      await walletA.release('release', 'job-1');
      expect(await walletA.snapshot('release')).toMatchObject({ balance: 3, reserved: 1, available: 2 });
    });

    it('frees the credits of an expired reservation (a crashed worker holds nothing for long)', async () => {
      await walletA.setBalance('expiry', 5);
      expect(await walletA.reserve('expiry', 'crashed', 5, 200)).toEqual({ ok: true, available: 0 });
      expect(await walletB.reserve('expiry', 'other', 1, 60_000)).toEqual({
        ok: false,
        available: 0,
        balance: 5,
        needed: 1,
      });
      await sleep(250);
      expect(await walletB.reserve('expiry', 'other', 1, 60_000)).toEqual({ ok: true, available: 4 });
      expect(await walletA.snapshot('expiry')).toMatchObject({ reserved: 1, available: 4 });
    });

    it('renews a reservation past its first expiry, makes an expired one again, and holds nothing once committed', async () => {
      await walletA.setBalance('renew', 2);
      await walletA.reserve('renew', 'slow', 2, 200);
      expect(await walletB.renew('renew', 'slow', 2, 60_000)).toBe('renewed');
      await sleep(250);
      // Still held past its first 200 ms: nobody else takes the credits.
      expect(await walletB.reserve('renew', 'other', 1, 60_000)).toMatchObject({ ok: false, available: 0 });
      // Expired (never renewed): made again, even where the balance no longer leaves room for it.
      await walletA.reserve('renew-gone', 'late', 1, 100);
      await walletA.setBalance('renew-gone', 1);
      await sleep(150);
      await walletB.reserve('renew-gone', 'taker', 1, 60_000);
      expect(await walletA.renew('renew-gone', 'late', 1, 60_000)).toBe('restored');
      expect(await walletA.snapshot('renew-gone')).toMatchObject({ balance: 1, reserved: 2, available: -1 });
      // Committed: nothing is held again for it.
      await walletA.commit('renew', 'slow', 2);
      expect(await walletA.renew('renew', 'slow', 2, 60_000)).toBe('committed');
      expect(await walletA.snapshot('renew')).toMatchObject({ balance: 0, reserved: 0 });
    });

    it('does not limit while the balance is unknown, but keeps the reservations', async () => {
      expect(await walletA.snapshot('unknown')).toEqual({
        balance: null,
        reserved: 0,
        available: null,
        updatedAt: null,
        unlimited: false,
      });
      expect(await walletA.reserve('unknown', 'big', 1_000_000, 60_000)).toEqual({
        ok: true,
        available: null,
      });
      expect(await walletB.commit('unknown', 'other', 3)).toEqual({
        balance: null,
        reserved: 1_000_000,
        available: null,
        updatedAt: null,
        unlimited: false,
      });
      await walletB.setBalance('unknown', 1_000_002);
      expect(await walletA.reserve('unknown', 'more', 3, 60_000)).toEqual({
        ok: false,
        available: 2,
        balance: 1_000_002,
        needed: 3,
      });
    });

    it('does not limit on an unlimited plan (Infinity), says so, and limits again once a finite balance is set', async () => {
      await walletA.setBalance('inf', 2);
      await walletA.reserve('inf', 'open', 1, 60_000);
      await walletB.setBalance('inf', Number.POSITIVE_INFINITY, await walletB.mark('inf'));
      expect(await walletA.snapshot('inf')).toMatchObject({
        balance: null,
        reserved: 1,
        available: null,
        unlimited: true,
      });
      expect(await walletA.reserve('inf', 'big', 1_000_000, 60_000)).toEqual({ ok: true, available: null });
      expect(await walletB.commit('inf', 'big', 1_000_000)).toMatchObject({ balance: null, unlimited: true });
      await walletA.setBalance('inf', 5);
      expect(await walletA.snapshot('inf')).toMatchObject({ balance: 5, available: 4, unlimited: false });
      expect(await walletA.reserve('inf', 'more', 5, 60_000)).toMatchObject({ ok: false, balance: 5 });
      await walletA.setBalance('inf', Number.POSITIVE_INFINITY);
      await walletA.forgetBalance('inf');
      expect(await walletA.snapshot('inf')).toMatchObject({ balance: null, unlimited: false });
      await expect(walletA.setBalance('inf', Number.NEGATIVE_INFINITY)).rejects.toThrow('finite');
      await expect(walletA.setBalance('inf', Number.NaN)).rejects.toThrow('finite');
    });

    it('keeps fractional credits exact (0.5 + 0.25, 0.1 + 0.2)', async () => {
      await walletA.setBalance('snov', 1);
      expect(await walletA.reserve('snov', 'a', 0.5, 60_000)).toEqual({ ok: true, available: 0.5 });
      expect(await walletB.reserve('snov', 'b', 0.25, 60_000)).toEqual({ ok: true, available: 0.25 });
      expect(await walletA.reserve('snov', 'c', 0.26, 60_000)).toEqual({
        ok: false,
        available: 0.25,
        balance: 1,
        needed: 0.26,
      });
      expect(await walletA.commit('snov', 'a', 0.1)).toMatchObject({
        balance: 0.9,
        reserved: 0.25,
        available: 0.65,
      });
      expect(await walletB.commit('snov', 'b', 0.2)).toMatchObject({
        balance: 0.7,
        reserved: 0,
        available: 0.7,
      });
    });

    it('setBalance replaces the balance, keeps open reservations and stamps the time', async () => {
      await walletA.setBalance('reset', 10);
      await walletA.reserve('reset', 'open', 4, 60_000);
      const before = Date.now();
      await walletB.setBalance('reset', 6);
      const snap = await walletA.snapshot('reset');
      expect(snap).toMatchObject({ balance: 6, reserved: 4, available: 2 });
      // Redis's clock, not ours: allow for a little skew.
      expect(Math.abs((snap.updatedAt ?? 0) - before)).toBeLessThan(5_000);
    });

    it('setBalance with a mark taken before the read keeps the charges committed after it', async () => {
      await walletA.setBalance('sync', 12);
      await walletA.reserve('sync', 'before', 2, 60_000);
      await walletA.commit('sync', 'before', 2); // before the mark: the reading includes it
      // A balance sync: the mark, then the provider's balance read over HTTP (10 credits)...
      const mark = await walletB.mark('sync');
      // ...while another worker's charge of 2.5 credits lands in Redis before the sync writes...
      await walletA.reserve('sync', 'during', 3, 60_000);
      await walletA.commit('sync', 'during', 2.5);
      // ...so the sync's 10 (read before that charge) must not overwrite it.
      await walletB.setBalance('sync', 10, mark);
      expect(await walletA.snapshot('sync')).toMatchObject({ balance: 7.5, reserved: 0, available: 7.5 });
      // A commit repeated after the write (idempotent) changes nothing; a fresh mark subtracts nothing.
      await walletA.commit('sync', 'during', 2.5);
      await walletB.setBalance('sync', 7.5, await walletB.mark('sync'));
      expect(await walletA.snapshot('sync')).toMatchObject({ balance: 7.5 });
      // Commits made while the balance was unknown count too.
      await walletA.forgetBalance('sync');
      const unknownMark = await walletA.mark('sync');
      await walletA.commit('sync', 'unknown', 1);
      await walletA.setBalance('sync', 9, unknownMark);
      expect(await walletA.snapshot('sync')).toMatchObject({ balance: 8 });
    });

    it('does not write a reading whose read overlapped one written since, and writes the next', async () => {
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      await walletA.setBalance('overlap', 50);
      // Two syncs side by side: A marks and sends its read first; B's is answered first (20, after
      // a drop) and written. A's answer (50) may stand for a moment before B's: not written.
      const markA = await walletA.mark('overlap');
      await pause(5);
      const markB = await walletB.mark('overlap');
      await pause(5);
      expect(await walletB.setBalance('overlap', 20, markB)).toBe('written');
      expect(await walletA.setBalance('overlap', 50, markA)).toBe('overlapped');
      expect(await walletA.snapshot('overlap')).toMatchObject({ balance: 20, unlimited: false });
      expect(await walletA.setBalance('overlap', Number.POSITIVE_INFINITY, markA)).toBe('overlapped');
      expect(await walletA.snapshot('overlap')).toMatchObject({ balance: 20, unlimited: false });
      // A reading marked after that write is newer, whatever it says (a top-up).
      await pause(5);
      expect(await walletA.setBalance('overlap', 80, await walletA.mark('overlap'))).toBe('written');
      expect(await walletB.snapshot('overlap')).toMatchObject({ balance: 80 });
      // A balance without a mark (the provider's out-of-credits answer) is written at once, and a
      // reading marked before it is then the older.
      const markC = await walletB.mark('overlap');
      await pause(5);
      expect(await walletA.setBalance('overlap', 0)).toBe('written');
      expect(await walletB.setBalance('overlap', 80, markC)).toBe('overlapped');
      expect(await walletB.snapshot('overlap')).toMatchObject({ balance: 0 });
    });

    it('treats amount 0 as ok without storing anything', async () => {
      await walletA.setBalance('zero', 0);
      expect(await walletA.reserve('zero', 'free', 0, 60_000)).toEqual({ ok: true, available: 0 });
      expect(await walletA.snapshot('zero')).toMatchObject({ balance: 0, reserved: 0 });
      expect(await walletA.reserve('zero', 'paid', 0.001, 60_000)).toEqual({
        ok: false,
        available: 0,
        balance: 0,
        needed: 0.001,
      });
    });

    it('refuses amounts that are not credits', async () => {
      await expect(walletA.reserve('bad', 'x', -1, 1000)).rejects.toThrow(/amount/);
      await expect(walletA.reserve('bad', 'x', Number.NaN, 1000)).rejects.toThrow(/amount/);
      await expect(walletA.commit('bad', 'x', Number.POSITIVE_INFINITY)).rejects.toThrow(/charged/);
    });
  });
});
