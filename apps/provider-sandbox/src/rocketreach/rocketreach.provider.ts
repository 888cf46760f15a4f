import type { Request } from 'express';
import type { RateWindowSetting, RateWindowView, SimulatedProvider } from '../simulation/simulated-provider';

export const ROCKETREACH_PREFIX = 'rocketreach/api/v2';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/**
 * The APIs RocketReach budgets on their own (provider-apis.md §1, "Rate limits": person search,
 * person lookup, company search, bulk jobs), with the endpoints that count against each. The
 * Universal variants and the profile-company lookup (a person lookup that adds the company) count
 * as their legacy API; the reference gives account, key creation, status checks and company
 * lookups no budget of their own, so only the global limit applies to them.
 */
export const ROCKETREACH_RATE_LIMITED_APIS = Object.freeze({
  person_search: ['POST /person/search', 'POST /universal/person/search'],
  person_lookup: ['GET /person/lookup', 'GET /profile-company/lookup', 'GET /universal/person/lookup'],
  company_search: ['POST /searchCompany', 'POST /universal/company/search'],
  bulk_lookup: ['POST /bulkLookup', 'POST /universal/person/bulk_lookup'],
});

const windows = (minute: number, hour: number, day: number): RateWindowSetting[] => [
  { limit: minute, window_seconds: MINUTE },
  { limit: hour, window_seconds: HOUR },
  { limit: day, window_seconds: DAY },
];

/**
 * RocketReach API v2 (provider-apis.md §1): `Api-Key` header (or the deprecated `api_key` query
 * parameter), errors in its three body styles — `{status, message}` for auth, `{detail}` for
 * not-found, throttling and credits, `{field: [messages]}` for bad input — and a 429 with both
 * `Retry-After` and the "Expected available in N seconds" wording. Rate limits per API key: the
 * global 10 requests a second across all APIs, and each API's own budgets, by default the Custom
 * plan's per minute, hour and day (its monthly budgets are not simulated).
 */
export const rocketreach: SimulatedProvider = {
  name: 'rocketreach',
  prefix: ROCKETREACH_PREFIX,
  usesCredits: true,
  // Its account schema reports `'inf'` for an unlimited credit type (provider-apis.md §1, "Account").
  sellsUnlimitedPlans: true,
  defaults: {
    credits: 1000,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: {
      limit: 10,
      window_seconds: 1,
      per_api: {
        person_search: windows(100, 1000, 10_000),
        person_lookup: windows(250, 2500, 10_000),
        company_search: windows(100, 1000, 10_000),
        bulk_lookup: windows(10, 100, 1000),
      },
    },
    task_delay_ms: 200,
    unlimited_credits: false,
  },
  rateLimitedApis: ROCKETREACH_RATE_LIMITED_APIS,
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
