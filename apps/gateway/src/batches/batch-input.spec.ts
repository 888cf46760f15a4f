import { BadRequestException } from '@nestjs/common';
import {
  companySizeBucket,
  parseBatchSettings,
  parseSchedule,
  perRecordCredits,
  selectRecords,
} from './batch-input';
import { companySizeBucketSql } from './batch-summary';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600 * 1000).toISOString();

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestException) {
      return JSON.stringify(error.getResponse());
    }
    throw error;
  }
  throw new Error('expected a 400');
}

describe('batch settings', () => {
  const base = { records: [{ email: 'ada@acme.com' }], enrich: ['business_email'] };

  it('takes a valid body with defaults', () => {
    const settings = parseBatchSettings(base, 100);
    expect(settings).toMatchObject({
      name: null,
      fields: ['business_email'],
      sinceDays: null,
      limit: null,
      priority: 'bulk',
      maxCredits: null,
      schedule: null,
    });
    expect(settings.options.fields).toEqual(['business_email']);
  });

  it.each([
    [{ ...base, colour: 'red' }, /unknown member.*colour/],
    [{ ...base, records: [] }, /records must be a non-empty list/],
    [{ ...base, records: 'x' }, /records must be a non-empty list/],
    [{ ...base, records: Array.from({ length: 101 }, () => ({ email: 'a@b.co' })) }, /at most 100 per batch/],
    [{ ...base, enrich: ['shoe_size'] }, /unknown field.*shoe_size/],
    [{ ...base, since_days: 0 }, /since_days must be an integer from 1 to 3650/],
    [{ ...base, since_days: 3651 }, /since_days must be an integer from 1 to 3650/],
    [{ ...base, since_days: 1.5 }, /since_days/],
    [{ ...base, limit: 0 }, /limit must be an integer from 1 to 100/],
    [{ ...base, limit: 101 }, /limit must be an integer from 1 to 100/],
    [{ ...base, priority: 'urgent' }, /priority must be interactive or bulk/],
    [{ ...base, max_credits: -1 }, /max_credits/],
    [{ ...base, schedule: { every_days: 0 } }, /schedule.every_days must be an integer from 1 to 365/],
    [{ ...base, schedule: { every: 3 } }, /schedule has unknown member.*every/],
    [{ ...base, name: '' }, /name must be a non-empty string/],
  ])('refuses %j', (body, message) => {
    expect(messageOf(() => parseBatchSettings(body, 100))).toMatch(message);
  });

  it('checks a schedule on its own', () => {
    expect(parseSchedule({ every_days: 30 })).toEqual({ every_days: 30 });
    expect(messageOf(() => parseSchedule({ every_days: 366 }, 'body'))).toMatch(/body.every_days/);
  });
});

describe('record selection', () => {
  const settingsOf = (extra: Record<string, unknown>, records: unknown[]) =>
    parseBatchSettings({ records, enrich: ['business_email'], ...extra }, 100);

  it('reports bad records by index and keeps the others', () => {
    const { kept, rejected } = selectRecords(
      settingsOf({}, [
        { email: 'ada@acme.com', external_id: 'd-1' },
        { email: 'not-an-email' },
        'x',
        { email: 'b@acme.com', occurred_at: 'yesterday' },
        { email: 'c@acme.com', colour: 'red' },
        {},
        { email: 'd@acme.com', occurred_at: '2026-02-30' },
      ]),
      NOW,
    );
    expect(kept.map((record) => [record.index, record.externalId])).toEqual([[0, 'd-1']]);
    expect(rejected.map((record) => record.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rejected[0]?.errors.join()).toMatch(
      /^records\[1\]: email "not-an-email" is not an e-mail address/,
    );
    expect(rejected[2]?.errors.join()).toMatch(/records\[3\]: occurred_at must be an ISO 8601/);
    expect(rejected[3]?.errors.join()).toMatch(/records\[4\]: unknown member.*colour/);
    expect(rejected[4]?.errors.join()).toMatch(/records\[5\]: no identifier/);
    // Not 2 March: a day the month lacks is refused by index.
    expect(rejected[5]?.errors.join()).toMatch(/records\[6\]: occurred_at must be an ISO 8601/);
  });

  it('keeps records within since_days, then the most recent up to limit', () => {
    const records = [
      { email: 'a@acme.com', occurred_at: daysAgo(5) },
      { email: 'b@acme.com', occurred_at: daysAgo(40) },
      { email: 'c@acme.com' },
      { email: 'd@acme.com', occurred_at: daysAgo(1) },
      { email: 'e@acme.com', occurred_at: daysAgo(20) },
    ];
    const window = selectRecords(settingsOf({ since_days: 30 }, records), NOW);
    expect(window.kept.map((r) => r.index)).toEqual([0, 3, 4]);
    expect(window.filtered).toEqual([
      { index: 1, reason: 'since_days' },
      { index: 2, reason: 'since_days' },
    ]);
    const both = selectRecords(settingsOf({ since_days: 30, limit: 2 }, records), NOW);
    expect(both.kept.map((r) => r.index)).toEqual([0, 3]);
    expect(both.filtered).toContainEqual({ index: 4, reason: 'limit' });
    // Without since_days, records lacking occurred_at come last for limit.
    const limited = selectRecords(settingsOf({ limit: 4 }, records), NOW);
    expect(limited.kept.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    expect(limited.filtered).toEqual([{ index: 2, reason: 'limit' }]);
  });
});

describe('the batch budget', () => {
  it('splits max_credits over the records, rounded down to 4 decimals', () => {
    expect(perRecordCredits(null, 10)).toBeNull();
    expect(perRecordCredits(10, 4)).toBe(2.5);
    expect(perRecordCredits(1, 3)).toBe(0.3333);
    expect((perRecordCredits(1, 3) as number) * 3).toBeLessThanOrEqual(1);
  });

  it('refuses a budget too small to give each record anything', () => {
    expect(messageOf(() => perRecordCredits(0, 5))).toMatch(/max_credits 0 is for the whole batch/);
    expect(messageOf(() => perRecordCredits(0.0001, 2))).toMatch(/less than 0.0001 credit per record/);
  });
});

describe('company size buckets', () => {
  it.each([
    [1, '1-10'],
    [10, '1-10'],
    [11, '11-50'],
    [50, '11-50'],
    [51, '51-200'],
    [200, '51-200'],
    [201, '201-500'],
    [500, '201-500'],
    [501, '501-1000'],
    [1000, '501-1000'],
    [1001, '1001-5000'],
    [5000, '1001-5000'],
    [5001, '5001+'],
    [250_000, '5001+'],
  ])('puts %d in %s', (size, bucket) => {
    expect(companySizeBucket(size)).toBe(bucket);
  });

  it('has no bucket for no head count', () => {
    expect(companySizeBucket(0)).toBeNull();
    expect(companySizeBucket(Number.NaN)).toBeNull();
  });

  it('builds the SQL from the same table', () => {
    const sql = companySizeBucketSql('n');
    expect(sql).toContain("WHEN floor(n) BETWEEN 11 AND 50 THEN '11-50'");
    expect(sql).toContain("WHEN floor(n) >= 5001 THEN '5001+'");
  });
});
