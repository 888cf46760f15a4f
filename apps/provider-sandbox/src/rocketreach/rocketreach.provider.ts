import type { Request } from 'express';
import type { RateWindowView, SimulatedProvider } from '../simulation/simulated-provider';

export const ROCKETREACH_PREFIX = 'rocketreach/api/v2';

/**
 * RocketReach API v2 (provider-apis.md §1): `Api-Key` header (or the deprecated `api_key` query
 * parameter), errors in its three body styles — `{status, message}` for auth, `{detail}` for
 * not-found, throttling and credits, `{field: [messages]}` for bad input — and a 429 with both
 * `Retry-After` and the "Expected available in N seconds" wording.
 */
export const rocketreach: SimulatedProvider = {
  name: 'rocketreach',
  prefix: ROCKETREACH_PREFIX,
  usesCredits: true,
  defaults: {
    credits: 1000,
    latency_ms: 0,
    error_rate: 0,
    outage: false,
    rate_limit: { limit: 100, window_seconds: 60 },
    task_delay_ms: 200,
  },
  authenticate(request: Request) {
    const header = request.headers['api-key'];
    const fromQuery = typeof request.query.api_key === 'string' ? request.query.api_key : '';
    const key = (Array.isArray(header) ? header[0] : header) ?? fromQuery;
    return key.startsWith('sandbox-')
      ? { key }
      : { reply: { status: 401, body: { status: 401, message: 'Invalid API Key' } } };
  },
  rateLimitHeaders: () => ({}),
  rateLimited: (window: RateWindowView) => {
    // Whole seconds, never longer than the window itself.
    const wait = Math.max(1, Math.min(window.windowSeconds, window.resetsAt - Math.floor(Date.now() / 1000)));
    return {
      status: 429,
      body: { detail: `Request was throttled. Expected available in ${wait} seconds.` },
      headers: { 'Retry-After': String(wait) },
    };
  },
  unavailable: () => ({ status: 503, body: { detail: 'Service temporarily unavailable.' } }),
  internalError: () => ({ status: 500, body: { error: 'Internal server error' } }),
  outOfCredits: () => ({
    status: 403,
    body: { detail: 'You do not have enough lookup credits to perform this action.' },
  }),
};
