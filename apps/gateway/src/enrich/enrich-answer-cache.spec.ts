import type { EnrichAnswer } from './enrich-answer';
import { answerAgeOf, answerCacheTtlS, cacheEntryOf, servedFromCache } from './enrich-answer-cache';

describe('the real-time answer cache and max_age_days', () => {
  const DAY = 24 * 3600 * 1000;
  const NOW = Date.UTC(2026, 5, 1);
  const answer = {
    job_id: 'job-1',
    status: 'completed',
    cached: false,
    data: { business_email: 'ada@example.com' },
    credits_spent: 2,
  } as unknown as EnrichAnswer;

  it('keeps an answer for ENRICH_CACHE_TTL_S, never longer than the query accepts, and not at all for 0', () => {
    expect(answerCacheTtlS(86_400, undefined)).toBe(86_400);
    expect(answerCacheTtlS(30 * 86_400, 2)).toBe(2 * 86_400);
    expect(answerCacheTtlS(3600, 2)).toBe(3600);
    expect(answerCacheTtlS(86_400, 0)).toBe(0);
  });

  it('serves an entry only when it was cached at most max_age_days ago, marked cached, without its stamp', () => {
    const entry = cacheEntryOf(answer, NOW - 3 * DAY);
    expect(servedFromCache(entry, undefined, NOW)).toEqual({ ...answer, cached: true, credits_spent: 0 });
    expect(servedFromCache(entry, 3, NOW)).toEqual({ ...answer, cached: true, credits_spent: 0 });
    expect(servedFromCache(entry, 2, NOW)).toBeNull();
    expect(servedFromCache(entry, 0, NOW)).toBeNull();
    expect(servedFromCache(cacheEntryOf(answer, NOW), 0, NOW)).toEqual({
      ...answer,
      cached: true,
      credits_spent: 0,
    });
  });

  it('does not serve an entry of unknown age to a query that limits the age', () => {
    const unstamped = JSON.stringify(answer);
    expect(servedFromCache(unstamped, undefined, NOW)).toEqual({ ...answer, cached: true, credits_spent: 0 });
    expect(servedFromCache(unstamped, 3650, NOW)).toBeNull();
  });

  it('stamps an answer for max_age_days with the age of what it was made of, not the time it is cached', () => {
    const job = (cached: boolean[]) => ({
      created_at: new Date(NOW - 5000).toISOString(),
      steps: cached.map((flag) => ({ cached: flag })),
    });
    // Without max_age_days the TTL alone decides.
    expect(answerAgeOf(job([true]), undefined, NOW)).toBe(NOW);
    // Paid for by the job: as old as the job.
    expect(answerAgeOf(job([false, false]), 1, NOW)).toBe(NOW - 5000);
    // A step answered from the provider cache or the store: its age is not known, so not kept.
    expect(answerAgeOf(job([false, true]), 1, NOW)).toBeNull();
  });
});
