/**
 * How long a step waiting for its provider's task sleeps before the next poll. Without a word from
 * the provider: the provider's poll interval. When the provider asked to be left alone for a while
 * (Apollo's `retry_after_seconds`), no sooner than it asked, since an earlier poll only finds the
 * task unfinished and costs a request its rate limit counts; but never past the task's deadline,
 * so a long (or absurd) wait does not keep the step from its last poll, and never sooner than the
 * poll interval, the least Sluice waits between polls of its own.
 */
export function nextPollDelayMs(
  intervalMs: number,
  suggestedMs: number | undefined,
  untilDeadlineMs: number,
): number {
  if (suggestedMs === undefined || !Number.isFinite(suggestedMs) || suggestedMs <= 0) {
    return intervalMs;
  }
  return Math.max(intervalMs, Math.min(Math.ceil(suggestedMs), Math.max(0, untilDeadlineMs)));
}
