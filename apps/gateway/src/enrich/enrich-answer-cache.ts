import type { EnrichAnswer } from './enrich-answer';

const DAY_MS = 24 * 3600 * 1000;

/** An answer as the workspace's answer cache keeps it: with the time it was cached (epoch ms). */
type CachedEntry = EnrichAnswer & { cached_at?: number };

/**
 * How long (seconds) an answer to a query with this `max_age_days` is kept in the answer cache:
 * `ENRICH_CACHE_TTL_S`, but never longer than the query accepts answers (the query's
 * `max_age_days` is part of the cache key, so every reader of the entry asks the same); 0 (not
 * cached) for `max_age_days: 0`, whose answers are never served from the cache.
 */
export function answerCacheTtlS(ttlS: number, maxAgeDays: number | undefined): number {
  return maxAgeDays === undefined ? ttlS : Math.min(ttlS, maxAgeDays * 24 * 3600);
}

/** The cache entry of a completed answer, stamped with the time it is cached (or the answer's age: see answerAgeOf). */
export function cacheEntryOf(answer: EnrichAnswer, now = Date.now()): string {
  return JSON.stringify({ ...answer, cached_at: now } satisfies CachedEntry);
}

/**
 * When, for a query with `max_age_days`, the answer of a completed job is as old as (epoch ms), or
 * null when that is not known and the answer must not be kept for such a query. An entry is served
 * while its stamp is young enough for the query, so the stamp must be the age of what the answer
 * was made of, not the time it was cached: a step that took its answer from the provider cache or
 * the store (`cached`) may have been given one already almost `max_age_days` old, and stamped "now"
 * the entry would serve it for up to `max_age_days` more. Answers this job paid for are no older
 * than the job. Without `max_age_days` the cache's TTL alone decides: stamped now.
 */
export function answerAgeOf(
  job: { created_at: string; steps: readonly { cached: boolean }[] },
  maxAgeDays: number | undefined,
  now = Date.now(),
): number | null {
  if (maxAgeDays === undefined) {
    return now;
  }
  return job.steps.some((step) => step.cached) ? null : Date.parse(job.created_at);
}

/**
 * The answer a cache entry serves to a query with this `max_age_days`: null when the entry was
 * cached longer ago than that (or when its age is unknown, as for an entry cached before entries
 * were stamped); without `max_age_days`, any entry the cache still holds.
 */
export function servedFromCache(
  entry: string,
  maxAgeDays: number | undefined,
  now = Date.now(),
): EnrichAnswer | null {
  const { cached_at: cachedAt, ...answer } = JSON.parse(entry) as CachedEntry;
  if (maxAgeDays !== undefined && (typeof cachedAt !== 'number' || now - cachedAt > maxAgeDays * DAY_MS)) {
    return null;
  }
  // Served from the cache, the answer spends nothing: the credits were the first call's.
  return { ...answer, cached: true, credits_spent: 0 };
}
