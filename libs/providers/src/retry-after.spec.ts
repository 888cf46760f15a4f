import { parseRetryAfterMs } from './retry-after';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfterMs('30', now)).toBe(30_000);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 12:00:45 GMT', now)).toBe(45_000);
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('returns null for an absent, empty or unreadable header', () => {
    expect(parseRetryAfterMs(null, now)).toBeNull();
    expect(parseRetryAfterMs('  ', now)).toBeNull();
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs('-5', now)).toBeNull();
  });
});
