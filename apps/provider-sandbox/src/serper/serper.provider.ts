import type { Request } from 'express';
import type { SimulatedProvider, SimulatedReply } from '../simulation/simulated-provider';

export const SERPER_PREFIX = 'serper';

export function serperError(statusCode: number, message: string): SimulatedReply {
  return { status: statusCode, body: { message, statusCode } };
}

/**
 * Serper (provider-apis.md §5): `X-API-KEY`, `{message, statusCode}` errors, credit exhaustion as a
 * 400, 403 for a bad key, 1 credit per search; a QPS limit rather than a published window.
 */
export const serper: SimulatedProvider = {
  name: 'serper',
  prefix: SERPER_PREFIX,
  usesCredits: true,
  defaults: {
    credits: 2500,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 50, window_seconds: 1 },
    task_delay_ms: 0,
  },
  authenticate(request: Request) {
    const header = request.headers['x-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? '';
    return key.startsWith('sandbox-') ? { key } : { reply: serperError(403, 'Unauthorized.') };
  },
  rateLimitHeaders: () => ({}),
  rateLimited: () => serperError(429, 'Too many requests'),
  unavailable: () => serperError(503, 'Service Unavailable'),
  internalError: () => serperError(500, 'Internal Server Error'),
  outOfCredits: () => serperError(400, 'Not enough credits'),
};
