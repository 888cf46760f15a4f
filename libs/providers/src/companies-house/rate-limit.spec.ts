import {
  DEFAULT_RATE_LIMITED_WAIT_MS,
  MAX_RATE_LIMITED_WAIT_MS,
  MIN_RATE_LIMITED_WAIT_MS,
  parseRateLimit,
  rateLimitedWaitMs,
} from './rate-limit';

const now = Date.parse('2026-01-01T12:00:00Z');
const nowSeconds = now / 1000;

describe('parseRateLimit', () => {
  it('reads the Companies House spelling X-Ratelimit-Remain', () => {
    const headers = new Headers({
      'X-Ratelimit-Limit': '600',
      'X-Ratelimit-Remain': '598',
      'X-Ratelimit-Reset': String(nowSeconds + 120),
      'X-Ratelimit-Window': '5m',
    });
    expect(parseRateLimit(headers)).toEqual({
      limit: 600,
      remaining: 598,
      resetAt: new Date(now + 120_000),
      window: '5m',
    });
  });

  it('also accepts X-Ratelimit-Remaining, and a missing window', () => {
    const headers = new Headers({
      'X-Ratelimit-Limit': '600',
      'X-Ratelimit-Remaining': '12',
      'X-Ratelimit-Reset': String(nowSeconds),
    });
    expect(parseRateLimit(headers)).toEqual({
      limit: 600,
      remaining: 12,
      resetAt: new Date(now),
      window: null,
    });
  });

  it('returns null when a header is missing or not a number', () => {
    expect(parseRateLimit(new Headers())).toBeNull();
    expect(
      parseRateLimit(
        new Headers({ 'X-Ratelimit-Limit': '600', 'X-Ratelimit-Remain': 'many', 'X-Ratelimit-Reset': '1' }),
      ),
    ).toBeNull();
    expect(parseRateLimit(new Headers({ 'X-Ratelimit-Limit': '600', 'X-Ratelimit-Remain': '1' }))).toBeNull();
  });
});

describe('rateLimitedWaitMs', () => {
  it('waits until X-Ratelimit-Reset', () => {
    expect(rateLimitedWaitMs(new Headers({ 'X-Ratelimit-Reset': String(nowSeconds + 42) }), now)).toBe(
      42_000,
    );
  });

  it('prefers an explicit Retry-After over the reset time', () => {
    const headers = new Headers({ 'Retry-After': '7', 'X-Ratelimit-Reset': String(nowSeconds + 42) });
    expect(rateLimitedWaitMs(headers, now)).toBe(7_000);
  });

  it('waits at least a second when the reset time has already passed', () => {
    expect(rateLimitedWaitMs(new Headers({ 'X-Ratelimit-Reset': String(nowSeconds - 30) }), now)).toBe(
      MIN_RATE_LIMITED_WAIT_MS,
    );
  });

  it('caps a reset time far beyond the 5-minute window', () => {
    expect(rateLimitedWaitMs(new Headers({ 'X-Ratelimit-Reset': String(nowSeconds + 86_400) }), now)).toBe(
      MAX_RATE_LIMITED_WAIT_MS,
    );
  });

  it('falls back to a minute when the response says nothing', () => {
    expect(rateLimitedWaitMs(new Headers(), now)).toBe(DEFAULT_RATE_LIMITED_WAIT_MS);
    expect(DEFAULT_RATE_LIMITED_WAIT_MS).toBe(60_000);
  });
});
