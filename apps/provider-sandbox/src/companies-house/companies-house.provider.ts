import type { Request } from 'express';
import type { Authentication, RateWindowView, SimulatedProvider } from '../simulation/simulated-provider';
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
 * Companies House issues REST keys and streaming keys separately, and neither API accepts the
 * other's (provider-apis.md §3). The sandbox tells them apart by name: a sandbox key with `stream`
 * among its dash-separated words (`sandbox-stream-key`, `sandbox-companies-house-stream-key`) is a
 * streaming key; any other sandbox key is a REST key.
 */
export function isStreamingKey(key: string): boolean {
  return key.split('-').includes('stream');
}

/**
 * The key from Basic auth when it is a sandbox key of the API being called, else Companies House's
 * 401 (a REST key on the stream and a streaming key on REST get the same answer as a bad key).
 */
function authenticateFor(api: 'rest' | 'stream', request: Request): Authentication {
  const key = apiKeyFromBasicAuth(request.headers.authorization);
  // The sandbox takes any key that is plainly a sandbox key of this API, and refuses real-looking ones.
  if (key === null || !key.startsWith(SANDBOX_KEY_PREFIX) || isStreamingKey(key) !== (api === 'stream')) {
    // Only the start of the real body is on record ("{"error":"Invalid Author…"); the rest is ours.
    return { reply: { status: 401, body: { error: 'Invalid Authorization', type: 'ch:service' } } };
  }
  return { key };
}

/** The Streaming API's authentication: Basic with a streaming key. */
export function authenticateStream(request: Request): Authentication {
  return authenticateFor('stream', request);
}

/**
 * Companies House Public Data API: free (no credits), HTTP Basic with a REST key as user name,
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
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 600, window_seconds: 300 },
    task_delay_ms: 0,
  },

  authenticate(request: Request) {
    return authenticateFor('rest', request);
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
