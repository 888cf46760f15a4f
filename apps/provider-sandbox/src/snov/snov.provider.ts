import type { Request } from 'express';
import type { RateWindowView, SimulatedProvider, SimulatedReply } from '../simulation/simulated-provider';

export const SNOV_PREFIX = 'snov';
const SANDBOX_PREFIX = 'sandbox-';
/** Snov.io tokens live an hour (`expires_in: 3600`). */
export const SNOV_TOKEN_LIFETIME_S = 3600;
const TOKEN_PATTERN = /^sandbox-snov-token-(\d{13})-[0-9a-f]{16}$/;

/**
 * Snov.io's error bodies are not in its reference (provider-apis.md §2, "Unconfirmed"); the sandbox
 * answers `{success: false, errors: "..."}` in the style of its documented `success` envelopes.
 */
export function snovError(status: number, message: string): SimulatedReply {
  return { status, body: { success: false, errors: message } };
}

/** A token the sandbox issues: it carries its issue time, so expiry needs no server state. */
export function issueSnovToken(now: number, random: string): string {
  return `sandbox-snov-token-${now}-${random}`;
}

function bearer(request: Request): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer +(\S+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

/**
 * Snov.io: OAuth client credentials, then `Authorization: Bearer <token>` (an hour), 60 requests
 * per minute per account, credits per found result.
 */
export const snov: SimulatedProvider = {
  name: 'snov',
  prefix: SNOV_PREFIX,
  usesCredits: true,
  defaults: {
    credits: 1000,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 60, window_seconds: 60 },
    task_delay_ms: 300,
  },

  authenticate(request: Request, revokedAt = 0) {
    if (request.path.endsWith('/oauth/access_token')) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const id = typeof body.client_id === 'string' ? body.client_id : '';
      const secret = typeof body.client_secret === 'string' ? body.client_secret : '';
      if (body.grant_type !== 'client_credentials') {
        return { reply: snovError(400, 'grant_type must be client_credentials') };
      }
      if (!id.startsWith(SANDBOX_PREFIX) || !secret.startsWith(SANDBOX_PREFIX)) {
        return { reply: snovError(401, 'Invalid client credentials') };
      }
      return { key: id };
    }
    const token = bearer(request);
    const issued = token ? TOKEN_PATTERN.exec(token) : null;
    if (!token || !issued) {
      return { reply: snovError(401, 'Invalid access token') };
    }
    const issuedAt = Number(issued[1]);
    if (issuedAt < revokedAt || issuedAt + SNOV_TOKEN_LIFETIME_S * 1000 < Date.now()) {
      return { reply: snovError(401, 'The access token has expired') };
    }
    // One rate window per account: every token of the sandbox belongs to the same account.
    return { key: 'snov-account' };
  },

  rateLimitHeaders(): Record<string, string> {
    // Snov.io documents no rate-limit headers.
    return {};
  },

  rateLimited(window: RateWindowView) {
    const wait = Math.max(1, window.resetsAt - Math.floor(Date.now() / 1000));
    return {
      ...snovError(429, 'Too many requests: 60 per minute'),
      headers: { 'Retry-After': String(wait) },
    };
  },

  unavailable() {
    return snovError(503, 'Service temporarily unavailable');
  },

  internalError() {
    return snovError(500, 'Internal server error');
  },

  outOfCredits() {
    return snovError(402, 'Not enough credits');
  },
};
