import { BadRequestException } from '@nestjs/common';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

const id = '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c';
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('keyset cursors', () => {
  it.each([
    '2026-12-02 10:00:02.123456+00',
    '2026-12-02 10:00:02+00',
    '2026-12-02 11:30:02.1+01:30',
    '1850-01-01 00:00:00-00:01:15',
  ])('hands back the position %p to the microsecond', (at) => {
    expect(decodeKeysetCursor(encodeKeysetCursor(at, id))).toEqual({ at, id });
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['an object', base64url('{"x":1}')],
    ['a third member', base64url(JSON.stringify(['2026-12-02 10:00:02+00', id, 'x']))],
    ['an id that is not a UUID', base64url(JSON.stringify(['2026-12-02 10:00:02+00', 'job-1']))],
    // Each of these passes Date.parse, and PostgreSQL would refuse it with a 500.
    ['a day its month lacks', base64url(JSON.stringify(['2026-02-30 10:00:00+00', id]))],
    ['a bare number', base64url(JSON.stringify(['1', id]))],
    ['a hand-written date', base64url(JSON.stringify(['Dec 2 2026', id]))],
    ['an hour past 23', base64url(JSON.stringify(['2026-12-02 24:00:00+00', id]))],
    ['year 0, which PostgreSQL does not have', base64url(JSON.stringify(['0000-12-02 10:00:00+00', id]))],
    ['an offset past 15 hours', base64url(JSON.stringify(['2026-12-02 10:00:00+16', id]))],
    ['more than microseconds', base64url(JSON.stringify(['2026-12-02 10:00:00.1234567+00', id]))],
  ])('refuses %s with a 400 saying to start again', (_, cursor) => {
    expect(() => decodeKeysetCursor(cursor)).toThrow(BadRequestException);
    expect(() => decodeKeysetCursor(cursor)).toThrow(
      'cursor is not a next_cursor of this list; start again without it.',
    );
  });

  it('refuses a millisecond cursor of the earlier form, saying why, rather than skip rows with it', () => {
    const old = base64url(`2026-12-01T09:30:01.900Z|${id}`);
    expect(() => decodeKeysetCursor(old)).toThrow(BadRequestException);
    expect(() => decodeKeysetCursor(old)).toThrow(
      /no longer takes \(it could skip rows created in the same millisecond\); start again without it/,
    );
  });
});
