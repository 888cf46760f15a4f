import { BadRequestException } from '@nestjs/common';
import { isCalendarDay } from './http-params';

/**
 * Where a page of a newest-first list ended: its last row's timestamp and id. The timestamp is the
 * text PostgreSQL printed for the column (`created_at::text`, selected with the page), not a JS
 * `Date`: a `Date` keeps milliseconds, the column microseconds, and a position rounded down to the
 * millisecond makes `(created_at, id) < (position)` pass over every row of the same millisecond —
 * all the jobs of one bulk submission, batch or import chunk.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A timestamptz as PostgreSQL prints it in the ISO DateStyle, e.g. `2026-12-02 10:00:02.123456+00`
 * (the style node-postgres reads dates in). Checked in full, so that a forged cursor is a 400
 * here rather than a cast error from the database.
 */
const PG_TIMESTAMPTZ =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

function isPgTimestamp(text: string): boolean {
  const match = PG_TIMESTAMPTZ.exec(text);
  if (!match) {
    return false;
  }
  // Groups 1–7 always match; the offset's minutes and seconds, when absent, are 0.
  const [
    year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0,
    offsetHours = 0,
    offsetMinutes = 0,
    offsetSeconds = 0,
  ] = match.slice(1).map((part) => Number(part ?? 0));
  // PostgreSQL has no year 0 (1 BC comes before 1 AD): it refuses one as out of range.
  return (
    year >= 1 &&
    isCalendarDay(year, month, day) &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours <= 15 &&
    offsetMinutes < 60 &&
    offsetSeconds < 60
  );
}

/**
 * The cursors `GET /v1/jobs` and `GET /v1/imports` handed out before they carried microseconds:
 * base64url of `<ISO time, milliseconds>|<id>`. Such a cursor can skip rows, so it is refused with
 * its own reason rather than followed.
 */
const MILLISECOND_CURSOR = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\|/;

/** The `next_cursor` of a page: opaque to callers. */
export function encodeKeysetCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

/** A `cursor` query parameter back into a position; anything this API did not hand out is a 400. */
export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (MILLISECOND_CURSOR.test(text)) {
    throw new BadRequestException(
      'cursor is in a form this API no longer takes (it could skip rows created in the same millisecond); start again without it.',
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      isPgTimestamp(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      UUID.test(parsed[1])
    ) {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new BadRequestException('cursor is not a next_cursor of this list; start again without it.');
}
