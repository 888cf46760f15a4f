import type { Request } from 'express';
import type { RateWindowView, SimulatedProvider, SimulatedReply } from '../simulation/simulated-provider';

export const EMAIL_VERIFIER_PREFIX = 'email-verifier';

function reacherError(status: number, error: string): SimulatedReply {
  return { status, body: { error } };
}

/**
 * An e-mail verifier speaking Reacher's API (provider-apis.md §8): the secret in `x-reacher-secret`
 * (self-hosted) or `Authorization` (SaaS), errors as `{"error": "..."}`, a monthly quota counted
 * per verification whatever the verdict.
 */
export const emailVerifier: SimulatedProvider = {
  name: 'email-verifier',
  prefix: EMAIL_VERIFIER_PREFIX,
  usesCredits: true,
  defaults: {
    credits: 1000,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 60, window_seconds: 60 },
    task_delay_ms: 0,
  },

  authenticate(request: Request) {
    const header = request.headers['x-reacher-secret'] ?? request.headers.authorization;
    const secret = (Array.isArray(header) ? header[0] : header)?.replace(/^Bearer\s+/i, '') ?? '';
    if (!secret.startsWith('sandbox-')) {
      return {
        reply: reacherError(401, 'Invalid or missing secret: send x-reacher-secret or Authorization'),
      };
    }
    return { key: secret };
  },

  rateLimitHeaders(window: RateWindowView) {
    return {
      'X-RateLimit-Limit': String(window.limit),
      'X-RateLimit-Remaining': String(window.remaining),
      'X-RateLimit-Reset': String(window.resetsAt),
    };
  },

  rateLimited(window: RateWindowView) {
    const wait = Math.max(1, window.resetsAt - Math.floor(Date.now() / 1000));
    return {
      ...reacherError(429, 'Too many requests, retry later'),
      headers: { 'Retry-After': String(wait) },
    };
  },

  unavailable() {
    return reacherError(503, 'Service unavailable');
  },

  internalError() {
    return reacherError(500, 'Internal server error');
  },

  outOfCredits() {
    return reacherError(429, 'Monthly verification quota exceeded');
  },
};
