import type { Request } from 'express';
import type { RateWindowView, SimulatedProvider } from '../simulation/simulated-provider';
import { apiKeyFromBasicAuth } from './basic-auth';
import { chError } from './companies-house-errors';

export const COMPANIES_HOUSE_PREFIX = 'companies-house';
export const SANDBOX_KEY_PREFIX = 'sandbox-';

/** `5m` for 300 seconds, as the `X-Ratelimit-Window` header prints it. */
export function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) {
    return `${seconds / 3600}h`;
  }
  if (seconds % 60 === 0) {
    return `${seconds / 60}m`;
  }
  return `${seconds}s`;
}

/**
 * Companies House Public Data API: free (no credits), HTTP Basic with the key as user name,
 * 600 calls per 5-minute window per key, `X-Ratelimit-*` headers (note `Remain`), and a 429 without
 * `Retry-After` (provider-apis.md §3).
 */
export const companiesHouse: SimulatedProvider = {
  name: 'companies-house',
  prefix: COMPANIES_HOUSE_PREFIX,
  usesCredits: false,
  defaults: {
    credits: null,
    latency_ms: 0,
    error_rate: 0,
    outage: false,
    rate_limit: { limit: 600, window_seconds: 300 },
    task_delay_ms: 0,
  },

  authenticate(request: Request) {
    const key = apiKeyFromBasicAuth(request.headers.authorization);
    // The sandbox takes any key that is plainly a sandbox key, and refuses real-looking ones.
    if (key === null || !key.startsWith(SANDBOX_KEY_PREFIX)) {
      // Only the start of the real body is on record ("{"error":"Invalid Author…"); the rest is ours.
      return { reply: { status: 401, body: { error: 'Invalid Authorization', type: 'ch:service' } } };
    }
    return { key };
  },

  rateLimitHeaders(window: RateWindowView) {
    return {
      'X-Ratelimit-Limit': String(window.limit),
      'X-Ratelimit-Remain': String(window.remaining),
      'X-Ratelimit-Reset': String(window.resetsAt),
      'X-Ratelimit-Window': windowLabel(window.windowSeconds),
    };
  },

  rateLimited() {
    return chError(429, 'rate-limit-exceeded');
  },

  unavailable() {
    return chError(503, 'service-unavailable');
  },

  internalError() {
    return chError(500, 'internal-server-error');
  },
};
