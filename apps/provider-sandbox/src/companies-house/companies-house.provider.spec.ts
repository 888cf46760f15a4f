import type { Request } from 'express';
import { authenticateStream, companiesHouse, isStreamingKey, windowLabel } from './companies-house.provider';

const withKey = (key: string): Request =>
  ({ headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } }) as Request;
const INVALID = { reply: { status: 401, body: { error: 'Invalid Authorization', type: 'ch:service' } } };

describe('companiesHouse (simulated provider)', () => {
  it('labels windows the way X-Ratelimit-Window prints them', () => {
    expect(windowLabel(300)).toBe('5m');
    expect(windowLabel(60)).toBe('1m');
    expect(windowLabel(90)).toBe('90s');
    expect(windowLabel(3600)).toBe('1h');
  });

  it('sends X-Ratelimit-Remain (not Remaining) with the reset in Unix seconds', () => {
    expect(
      companiesHouse.rateLimitHeaders({
        limit: 600,
        remaining: 599,
        resetsAt: 1700000300,
        windowSeconds: 300,
      }),
    ).toEqual({
      'X-Ratelimit-Limit': '600',
      'X-Ratelimit-Remain': '599',
      'X-Ratelimit-Reset': '1700000300',
      'X-Ratelimit-Window': '5m',
    });
  });

  it('answers 429 without Retry-After, as the real API does', () => {
    const reply = companiesHouse.rateLimited({ limit: 1, remaining: 0, resetsAt: 1, windowSeconds: 300 });
    expect(reply.status).toBe(429);
    expect(reply.headers?.['Retry-After']).toBeUndefined();
    expect(reply.body).toEqual({ errors: [{ error: 'rate-limit-exceeded', type: 'ch:service' }] });
  });

  it('answers a bad key with 401 in the Companies House style', () => {
    const result = companiesHouse.authenticate({ headers: {} } as Request);
    expect(result).toEqual({
      reply: { status: 401, body: { error: 'Invalid Authorization', type: 'ch:service' } },
    });
  });

  it('tells streaming keys from REST keys by the word stream in the key', () => {
    expect(isStreamingKey('sandbox-companies-house-stream-key')).toBe(true);
    expect(isStreamingKey('sandbox-stream-key')).toBe(true);
    expect(isStreamingKey('sandbox-companies-house-key')).toBe(false);
    expect(isStreamingKey('sandbox-upstream-key')).toBe(false);
  });

  it('keeps REST and streaming keys apart: each API refuses the other’s key with its 401', () => {
    expect(companiesHouse.authenticate(withKey('sandbox-companies-house-key'))).toEqual({
      key: 'sandbox-companies-house-key',
    });
    expect(companiesHouse.authenticate(withKey('sandbox-companies-house-stream-key'))).toEqual(INVALID);
    expect(authenticateStream(withKey('sandbox-companies-house-stream-key'))).toEqual({
      key: 'sandbox-companies-house-stream-key',
    });
    expect(authenticateStream(withKey('sandbox-companies-house-key'))).toEqual(INVALID);
    expect(authenticateStream(withKey('live-stream-key'))).toEqual(INVALID);
    expect(authenticateStream({ headers: {} } as Request)).toEqual(INVALID);
  });

  it('is free and limited to 600 calls per 5 minutes by default', () => {
    expect(companiesHouse.defaults).toEqual({
      credits: null,
      latency_ms: 0,
      error_rate: 0,
      reset_rate: 0,
      outage: false,
      rate_limit: { limit: 600, window_seconds: 300 },
      task_delay_ms: 0,
    });
    expect(companiesHouse.usesCredits).toBe(false);
  });
});
