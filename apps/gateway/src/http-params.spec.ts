import { BadRequestException } from '@nestjs/common';
import { isoDateParam } from './http-params';

describe('isoDateParam', () => {
  it('reads dates and date-times, with or without an offset', () => {
    expect(isoDateParam('2026-11-30', 'at')?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(isoDateParam('2028-02-29', 'at')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(isoDateParam('2026-02-28T23:30:00-05:00', 'at')?.toISOString()).toBe('2026-03-01T04:30:00.000Z');
    expect(isoDateParam(undefined, 'at')).toBeUndefined();
  });

  it('refuses a day the month does not have instead of rolling it over into the next month', () => {
    for (const value of ['2026-02-30', '2026-02-29', '2026-04-31T10:00:00Z', '2026-13-01', '2026-00-10']) {
      expect(() => isoDateParam(value, 'occurred_at')).toThrow(BadRequestException);
      expect(() => isoDateParam(value, 'occurred_at')).toThrow(/occurred_at must be an ISO 8601 date/);
    }
  });
});
