import type { RequestOptions } from '@sluice/enrichment';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The oldest answer (epoch ms) a request may reuse from the provider cache or the store, from its
 * `max_age_days`; null when it set none (the TTLs and STORE_FRESH_DAYS alone decide). Answers
 * fetched since the request was first attempted are always young enough: they are what identical
 * calls in flight coalesce onto, so even `max_age_days: 0` waits for a call already being made
 * instead of paying for it a second time; and for a retry (`firstAttemptAt`: when the job it runs
 * again was made) they include what the earlier attempts paid for, which it does not buy again.
 */
export function answersNotBefore(
  options: RequestOptions,
  firstAttemptAt: Date,
  now = Date.now(),
): number | null {
  if (options.max_age_days === undefined) {
    return null;
  }
  return Math.min(now - options.max_age_days * DAY_MS, firstAttemptAt.getTime());
}
