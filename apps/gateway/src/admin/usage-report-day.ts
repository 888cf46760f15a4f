import { BadRequestException } from '@nestjs/common';
import { isCalendarDate } from '../http-params';

/**
 * The first day a usage report may cover: Sluice's database schema (its first migration) dates
 * from that day, so no installation has a provider call from before it. A report for an earlier
 * day (0000-01-01, or 0026-11-30 for 2026-11-30) could only say "0 calls", and it would go to
 * every ops channel as if that were the usage of a real day.
 */
export const FIRST_USAGE_DAY = '2026-11-22';

/**
 * Refuses (400, naming why) a `day` that cannot be the day of a usage report sent at `now`. It must
 * be a YYYY-MM-DD day (UTC) from {@link FIRST_USAGE_DAY} to today: today's report is allowed, and
 * counts the calls made so far (the daily schedule sends yesterday's, complete); a later day has
 * no calls yet, so its report would announce "0 calls" for a day still to come.
 */
export function checkUsageReportDay(day: unknown, now: Date): asserts day is string {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !isCalendarDate(day)) {
    throw new BadRequestException('day must be a date as YYYY-MM-DD.');
  }
  // Same-length YYYY-MM-DD strings compare as the days they name.
  const today = now.toISOString().slice(0, 10);
  if (day > today) {
    throw new BadRequestException(
      `day must not be after today (${today}, UTC): a report counts the calls made that day, and today's counts those so far.`,
    );
  }
  if (day < FIRST_USAGE_DAY) {
    throw new BadRequestException(
      `day must be ${FIRST_USAGE_DAY} or later: Sluice's database schema dates from that day, so there is no usage before it.`,
    );
  }
}
