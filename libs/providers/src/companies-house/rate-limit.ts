import type { RateLimitInfo } from '../call-info';
import { parseRetryAfterMs } from '../retry-after';

/** Wait after a 429 that says nothing about when to come back. */
export const DEFAULT_RATE_LIMITED_WAIT_MS = 60_000;
/** Never ask callers to come back sooner than this: a reset already passed by our clock is skew. */
export const MIN_RATE_LIMITED_WAIT_MS = 1_000;
/**
 * The Companies House window is 5 minutes, so a longer wait can only come from a skewed clock or a
 * garbled header; capping it keeps one bad header from stalling the HIGH queue for hours.
 */
export const MAX_RATE_LIMITED_WAIT_MS = 15 * 60_000;

function nonNegativeInteger(value: string | null): number | null {
  const trimmed = value?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

function resetAt(headers: Headers): Date | null {
  const reset = nonNegativeInteger(headers.get('x-ratelimit-reset'));
  if (reset === null) {
    return null;
  }
  // Unix seconds, as observed; a value this large can only already be milliseconds.
  return new Date(reset > 1e11 ? reset : reset * 1000);
}

/**
 * Reads the rate-limit headers Companies House sends (observed, not in its reference):
 * `X-Ratelimit-Limit`, `X-Ratelimit-Remain` (the document API spells it `-Remaining`),
 * `X-Ratelimit-Reset` (unix seconds) and `X-Ratelimit-Window`. `null` unless limit, remaining
 * and reset are all readable.
 */
export function parseRateLimit(headers: Headers): RateLimitInfo | null {
  const limit = nonNegativeInteger(headers.get('x-ratelimit-limit'));
  const remaining =
    nonNegativeInteger(headers.get('x-ratelimit-remain')) ??
    nonNegativeInteger(headers.get('x-ratelimit-remaining'));
  const reset = resetAt(headers);
  if (limit === null || remaining === null || reset === null) {
    return null;
  }
  return { limit, remaining, resetAt: reset, window: headers.get('x-ratelimit-window')?.trim() || null };
}

/**
 * How long to wait after a 429. An explicit `Retry-After` wins (it is relative, so immune to clock
 * skew); otherwise until `X-Ratelimit-Reset`, which is what Companies House actually sends.
 */
export function rateLimitedWaitMs(headers: Headers, now: number): number {
  const retryAfter = parseRetryAfterMs(headers.get('retry-after'), now);
  const reset = resetAt(headers);
  const wait = retryAfter ?? (reset ? reset.getTime() - now : DEFAULT_RATE_LIMITED_WAIT_MS);
  return Math.min(MAX_RATE_LIMITED_WAIT_MS, Math.max(MIN_RATE_LIMITED_WAIT_MS, wait));
}
