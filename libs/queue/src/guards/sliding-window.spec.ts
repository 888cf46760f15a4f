import { InProcessSlidingWindowLimiter, type RateLimitRule } from './sliding-window';

describe('InProcessSlidingWindowLimiter (a sliding log on an injected clock)', () => {
  let clock: number;
  let limiter: InProcessSlidingWindowLimiter;
  const second: RateLimitRule = { name: 'second', limit: 3, windowMs: 1000 };
  const minute: RateLimitRule = { name: 'minute', limit: 5, windowMs: 60_000 };

  beforeEach(() => {
    clock = 1_000_000;
    limiter = new InProcessSlidingWindowLimiter(() => clock);
  });

  it('lets `limit` calls through per window and refuses the next with the time until a slot frees', async () => {
    const decisions = [];
    for (let i = 0; i < 3; i += 1) {
      decisions.push(await limiter.acquire('snov', [second]));
      clock += 100;
    }
    expect(decisions.every((d) => d.allowed && d.retryAfterMs === 0 && d.rule === null)).toBe(true);
    // Entries at 0, 100, 200 ms; now 300 ms: the oldest leaves at 1000 ms.
    expect(await limiter.acquire('snov', [second])).toEqual({
      allowed: false,
      retryAfterMs: 700,
      rule: 'second',
    });
  });

  it('slides: a slot comes back exactly when the oldest entry leaves, not at a bucket edge', async () => {
    await limiter.acquire('k', [second]); // t = 0
    clock += 400;
    await limiter.acquire('k', [second]); // t = 400
    await limiter.acquire('k', [second]); // t = 400
    clock += 599; // t = 999: the entry at 0 is still inside (it leaves when now - 1000 >= 0)
    expect((await limiter.acquire('k', [second])).retryAfterMs).toBe(1);
    clock += 1; // t = 1000
    expect((await limiter.acquire('k', [second])).allowed).toBe(true);
    // Full again; the next to leave is one of the two at 400 ms.
    expect(await limiter.acquire('k', [second])).toEqual({
      allowed: false,
      retryAfterMs: 400,
      rule: 'second',
    });
  });

  it('never lets more than `limit` through inside any window of a long, steady stream', async () => {
    const allowedAt: number[] = [];
    for (let t = 0; t < 5000; t += 37) {
      clock = t;
      if ((await limiter.acquire('k', [second])).allowed) {
        allowedAt.push(t);
      }
    }
    for (const start of allowedAt) {
      expect(allowedAt.filter((t) => t >= start && t < start + second.windowMs).length).toBeLessThanOrEqual(
        3,
      );
    }
    // ...and it is not simply refusing everything: about 3 per second over 5 s.
    expect(allowedAt.length).toBeGreaterThanOrEqual(15);
  });

  it('takes a slot from every rule or from none (a refused call costs the other rule nothing)', async () => {
    const rules = [second, minute];
    for (let i = 0; i < 3; i += 1) {
      expect((await limiter.acquire('k', rules)).allowed).toBe(true);
    }
    expect(await limiter.remaining('k', rules)).toEqual({ second: 0, minute: 2 });
    const refused = await limiter.acquire('k', rules);
    expect(refused.allowed).toBe(false);
    expect(refused.rule).toBe('second');
    expect(await limiter.remaining('k', rules)).toEqual({ second: 0, minute: 2 });
  });

  it('reports the refusing rule that frees up last', async () => {
    const tight: RateLimitRule = { name: 'tight', limit: 1, windowMs: 500 };
    const long: RateLimitRule = { name: 'long', limit: 1, windowMs: 10_000 };
    await limiter.acquire('k', [tight, long]);
    clock += 100;
    expect(await limiter.acquire('k', [tight, long])).toEqual({
      allowed: false,
      retryAfterMs: 9900,
      rule: 'long',
    });
  });

  it('remaining does not take a slot', async () => {
    expect(await limiter.remaining('k', [second])).toEqual({ second: 3 });
    expect(await limiter.remaining('k', [second])).toEqual({ second: 3 });
    await limiter.acquire('k', [second]);
    expect(await limiter.remaining('k', [second])).toEqual({ second: 2 });
    clock += 1000;
    expect(await limiter.remaining('k', [second])).toEqual({ second: 3 });
  });

  it('keeps keys apart', async () => {
    const one: RateLimitRule = { name: 'r', limit: 1, windowMs: 1000 };
    expect((await limiter.acquire('a', [one])).allowed).toBe(true);
    expect((await limiter.acquire('a', [one])).allowed).toBe(false);
    expect((await limiter.acquire('b', [one])).allowed).toBe(true);
  });

  it('always allows with no rules, and refuses everything with a limit of 0', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect(await limiter.acquire('k', [])).toEqual({ allowed: true, retryAfterMs: 0, rule: null });
    }
    expect(await limiter.acquire('k', [{ name: 'off', limit: 0, windowMs: 250 }])).toEqual({
      allowed: false,
      retryAfterMs: 250,
      rule: 'off',
    });
  });

  it('refuses rules that would decide wrongly without a word', async () => {
    await expect(limiter.acquire('k', [second, { ...second }])).rejects.toThrow(/given twice/);
    await expect(limiter.acquire('k', [{ name: 'x', limit: 1.5, windowMs: 10 }])).rejects.toThrow(/limit/);
    await expect(limiter.acquire('k', [{ name: 'x', limit: 1, windowMs: 0 }])).rejects.toThrow(/windowMs/);
  });

  it('stays sorted when the clock steps back', async () => {
    const two: RateLimitRule = { name: 'r', limit: 2, windowMs: 1000 };
    await limiter.acquire('k', [two]); // t = 1_000_000
    clock -= 500;
    await limiter.acquire('k', [two]); // t = 999_500
    clock = 1_000_500; // the entry at 999_500 has left; the one at 1_000_000 has not
    expect(await limiter.remaining('k', [two])).toEqual({ r: 1 });
  });
});
