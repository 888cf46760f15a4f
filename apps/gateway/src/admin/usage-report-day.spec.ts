import { BadRequestException } from '@nestjs/common';
import { MIGRATIONS } from '@sluice/db';
import { checkUsageReportDay, FIRST_USAGE_DAY } from './usage-report-day';

const NOON = new Date('2026-12-06T12:00:00Z');

describe('checkUsageReportDay', () => {
  it('takes every day from the first one Sluice could have usage on to today, today included', () => {
    for (const day of [FIRST_USAGE_DAY, '2026-12-01', '2026-12-05', '2026-12-06']) {
      expect(() => checkUsageReportDay(day, NOON)).not.toThrow();
    }
    // Today is the day in UTC, whatever the hour.
    expect(() => checkUsageReportDay('2026-12-06', new Date('2026-12-06T00:00:00Z'))).not.toThrow();
    expect(() => checkUsageReportDay('2026-12-06', new Date('2026-12-05T23:59:59Z'))).toThrow(
      /after today \(2026-12-05, UTC\)/,
    );
  });

  it('refuses a day still to come, naming today', () => {
    for (const day of ['2026-12-07', '2027-01-01', '9999-12-31']) {
      expect(() => checkUsageReportDay(day, NOON)).toThrow(BadRequestException);
      expect(() => checkUsageReportDay(day, NOON)).toThrow(
        "day must not be after today (2026-12-06, UTC): a report counts the calls made that day, and today's counts those so far.",
      );
    }
  });

  it('refuses a day before Sluice could have usage, naming the first one', () => {
    for (const day of ['2026-11-21', '2000-01-01', '0026-11-30', '0000-01-01']) {
      expect(() => checkUsageReportDay(day, NOON)).toThrow(BadRequestException);
      expect(() => checkUsageReportDay(day, NOON)).toThrow(
        "day must be 2026-11-22 or later: Sluice's database schema dates from that day, so there is no usage before it.",
      );
    }
  });

  it('refuses what is not a YYYY-MM-DD day as before', () => {
    for (const day of ['monday', '2026-02-30', '2026-12-1', '2026-12-01T00:00:00Z', 20261201, null]) {
      expect(() => checkUsageReportDay(day, NOON)).toThrow('day must be a date as YYYY-MM-DD.');
    }
  });

  it('starts on the day of the first migration: the schema, and so any usage, dates from it', () => {
    const first = Math.min(...MIGRATIONS.map((migration) => Number(/(\d{13})$/.exec(migration.name)?.[1])));
    expect(new Date(first).toISOString().slice(0, 10)).toBe(FIRST_USAGE_DAY);
  });
});
