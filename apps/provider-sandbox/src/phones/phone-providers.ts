import type { Request } from 'express';
import type {
  ProviderSettings,
  RateWindowView,
  SimulatedProvider,
  SimulatedReply,
} from '../simulation/simulated-provider';

/**
 * The three phone vendors of provider-apis.md §7, each with its own auth header, error shape and
 * hourly limit. Keys must start with `sandbox-`.
 */
const SANDBOX = 'sandbox-';

function secondsUntil(resetsAt: number): string {
  return String(Math.max(1, resetsAt - Math.floor(Date.now() / 1000)));
}

function defaults(hourly: number, delay = 0): ProviderSettings {
  return {
    credits: 500,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: hourly, window_seconds: 3600 },
    task_delay_ms: delay,
  };
}

function header(request: Request, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

const orionError = (status: number, error: string, message: string): SimulatedReply => ({
  status,
  body: { error, message },
});

/** Orion Connect: Bearer key, `{error, message}` bodies, 402 out of credits, 429 with Retry-After. */
export const orionConnect: SimulatedProvider = {
  name: 'orion-connect',
  prefix: 'phone/orion-connect',
  usesCredits: true,
  defaults: defaults(500),
  authenticate(request) {
    const key = /^Bearer +(\S+)$/i.exec(header(request, 'authorization'))?.[1] ?? '';
    return key.startsWith(SANDBOX) ? { key } : { reply: orionError(401, 'unauthorized', 'Invalid API key') };
  },
  rateLimitHeaders: (window: RateWindowView) => ({
    'X-RateLimit-Limit': String(window.limit),
    'X-RateLimit-Remaining': String(window.remaining),
  }),
  rateLimited: (window) => ({
    ...orionError(429, 'rate_limited', 'Hourly lookup limit reached'),
    headers: { 'Retry-After': secondsUntil(window.resetsAt) },
  }),
  unavailable: () => orionError(503, 'unavailable', 'Service unavailable'),
  internalError: () => orionError(500, 'internal', 'Internal error'),
  outOfCredits: () => orionError(402, 'insufficient_credits', 'Not enough credits'),
};

const astraError = (status: number, error: string): SimulatedReply => ({
  status,
  body: { status: 'error', error },
});

/** Astra Dialer: `X-Api-Token`, `{status: "error", error}` bodies, `X-Hourly-Remaining` on every answer. */
export const astraDialer: SimulatedProvider = {
  name: 'astra-dialer',
  prefix: 'phone/astra-dialer',
  usesCredits: true,
  defaults: defaults(300),
  authenticate(request) {
    const key = header(request, 'x-api-token');
    return key.startsWith(SANDBOX) ? { key } : { reply: astraError(401, 'invalid token') };
  },
  rateLimitHeaders: (window) => ({ 'X-Hourly-Remaining': String(window.remaining) }),
  rateLimited: (window) => ({
    ...astraError(429, 'hourly limit reached'),
    headers: { 'Retry-After': secondsUntil(window.resetsAt) },
  }),
  unavailable: () => astraError(503, 'service unavailable'),
  internalError: () => astraError(500, 'internal error'),
  outOfCredits: () => astraError(402, 'no credits left'),
};

const nimbusError = (status: number, code: string, message: string): SimulatedReply => ({
  status,
  body: { error: { code, message } },
});

/** Nimbus Lookup: `X-Nimbus-Key`, `{error: {code, message}}` bodies, asynchronous lookups. */
export const nimbusLookup: SimulatedProvider = {
  name: 'nimbus-lookup',
  prefix: 'phone/nimbus-lookup',
  usesCredits: true,
  defaults: defaults(200, 200),
  authenticate(request) {
    const key = header(request, 'x-nimbus-key');
    return key.startsWith(SANDBOX)
      ? { key }
      : { reply: nimbusError(401, 'unauthorized', 'Missing or invalid key') };
  },
  rateLimitHeaders: (window) => ({ 'X-RateLimit-Remaining': String(window.remaining) }),
  rateLimited: (window) => ({
    ...nimbusError(429, 'rate_limited', 'Too many lookups this hour'),
    headers: { 'Retry-After': secondsUntil(window.resetsAt) },
  }),
  unavailable: () => nimbusError(503, 'unavailable', 'Service unavailable'),
  internalError: () => nimbusError(500, 'internal', 'Internal error'),
  outOfCredits: () => nimbusError(402, 'payment_required', 'Credits exhausted'),
};
