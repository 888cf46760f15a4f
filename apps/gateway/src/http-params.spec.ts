import { BadRequestException } from '@nestjs/common';
import { bodyFields, isoDateParam } from './http-params';

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

describe('bodyFields', () => {
  it('reads the fields a route takes, and no body at all as none', () => {
    expect(bodyFields({ day: '2026-11-30' }, ['day'])).toEqual({ day: '2026-11-30' });
    expect(bodyFields(undefined, ['day'])).toEqual({});
    expect(bodyFields({}, [])).toEqual({});
  });

  it('refuses a field the route does not take by name, rather than ignoring it', () => {
    expect(() => bodyFields({ dya: '2026-11-30' }, ['day'])).toThrow('Unknown field(s) dya; allowed: day.');
    expect(() => bodyFields({ x: 1 }, [])).toThrow('Unknown field(s) x; this route takes no body.');
    expect(() => bodyFields([1], [])).toThrow(/The body must be a JSON object; this route takes no body/);
  });
});
