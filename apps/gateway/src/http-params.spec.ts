import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { validateSync } from 'class-validator';
import type { ExecutionContext } from '@nestjs/common';
import {
  bodyFields,
  IsCalendarDate,
  isoDateParam,
  NoBodyGuard,
  NoQueryGuard,
  refuseUnknownParams,
} from './http-params';

describe('isoDateParam', () => {
  it('reads dates and date-times, with or without an offset', () => {
    expect(isoDateParam('2026-11-30', 'at')?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(isoDateParam('2028-02-29', 'at')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(isoDateParam('2026-02-28T23:30:00-05:00', 'at')?.toISOString()).toBe('2026-03-01T04:30:00.000Z');
    expect(isoDateParam(undefined, 'at')).toBeUndefined();
  });

  it('reads a date-time without an offset as UTC, whatever time zone the server runs in', () => {
    // A process of its own: the time zone is fixed when a process starts.
    const read = (zone: string, values: string[]): string[] =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
            '-e',
            `const { isoDateParam } = require(${JSON.stringify(join(__dirname, 'http-params'))});
             console.log(JSON.stringify([new Date(${JSON.stringify(values[0])}).toISOString(),
               ...${JSON.stringify(values)}.map((value) => isoDateParam(value, 'from').toISOString())]));`,
          ],
          { env: { ...process.env, TZ: zone, TS_NODE_PROJECT: 'tsconfig.json' }, encoding: 'utf8' },
        ),
      ) as string[];
    const values = [
      '2026-12-01T00:00:00',
      '2026-12-01T00:00',
      '2026-12-01 23:59:59.5',
      '2026-12-01T00:00:00+01:00',
      '2026-12-01',
    ];
    expect(read('America/Los_Angeles', values)).toEqual([
      // Date itself reads the text in the server's zone: the zone is in effect.
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T23:59:59.500Z',
      '2026-11-30T23:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
  }, 30_000);

  it('refuses a day the month does not have instead of rolling it over into the next month', () => {
    for (const value of ['2026-02-30', '2026-02-29', '2026-04-31T10:00:00Z', '2026-13-01', '2026-00-10']) {
      expect(() => isoDateParam(value, 'occurred_at')).toThrow(BadRequestException);
      expect(() => isoDateParam(value, 'occurred_at')).toThrow(/occurred_at must be an ISO 8601 date/);
    }
  });
});

describe('IsCalendarDate', () => {
  class Filter {
    @IsCalendarDate({ message: 'since must be an ISO 8601 date or date-time' })
    since!: unknown;
  }
  const problems = (since: unknown): string[] =>
    validateSync(Object.assign(new Filter(), { since })).flatMap((error) =>
      Object.values(error.constraints ?? {}),
    );

  it('takes the dates and date-times isoDateParam takes', () => {
    for (const since of [
      '2026-11-30',
      '2028-02-29',
      '2026-12-01T00:00:00Z',
      '2026-02-28T23:30:00.123-05:00',
    ]) {
      expect(problems(since)).toEqual([]);
    }
  });

  it('refuses ISO 8601 forms Date cannot read or reads as another day, naming the field', () => {
    for (const since of [
      '2026-W01-1',
      '2026-123',
      '20261201',
      '2026-12-01T10',
      '-2026-01-01',
      '2026-02-30',
      '2026-12-01T10:00:00Z, 2026-12-02',
      1796432837887,
    ]) {
      expect({ since, problems: problems(since) }).toEqual({
        since,
        problems: ['since must be an ISO 8601 date or date-time'],
      });
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

describe('NoBodyGuard', () => {
  const withBody = (body: unknown): ExecutionContext =>
    ({ switchToHttp: () => ({ getRequest: () => ({ body }) }) }) as unknown as ExecutionContext;

  it('lets a request without a body (or an empty object) through', () => {
    expect(new NoBodyGuard().canActivate(withBody(undefined))).toBe(true);
    expect(new NoBodyGuard().canActivate(withBody({}))).toBe(true);
  });

  it('refuses a body with fields by name, before the handler runs', () => {
    expect(() => new NoBodyGuard().canActivate(withBody({ reason: 'dup' }))).toThrow(
      'Unknown field(s) reason; this route takes no body.',
    );
  });
});

describe('refuseUnknownParams', () => {
  it('names the parameters a route does not take, and those it does', () => {
    expect(() => refuseUnknownParams({ limit: '5' }, ['limit'])).not.toThrow();
    expect(() => refuseUnknownParams({ limt: '5', colour: 'x' }, ['limit', 'after'])).toThrow(
      'Unknown query parameter(s) limt, colour; allowed: limit, after.',
    );
    expect(() => refuseUnknownParams({ provider: 'snov' }, [])).toThrow(
      'Unknown query parameter(s) provider; this route takes none.',
    );
  });
});

describe('NoQueryGuard', () => {
  const withQuery = (query: Record<string, unknown>): ExecutionContext =>
    ({ switchToHttp: () => ({ getRequest: () => ({ query }) }) }) as unknown as ExecutionContext;

  it('lets a request without query parameters through', () => {
    expect(new NoQueryGuard().canActivate(withQuery({}))).toBe(true);
  });

  it('refuses any query parameter by name, before the handler runs', () => {
    expect(() => new NoQueryGuard().canActivate(withQuery({ provider: 'snov' }))).toThrow(
      'Unknown query parameter(s) provider; this route takes none.',
    );
  });
});
