import { BadRequestException, NotFoundException } from '@nestjs/common';
import { PROVIDER_NAMES, type ProviderName } from '@sluice/queue';

/** A provider named in a path: one Sluice knows, or a 404 listing those it does. */
export function providerOf(name: string): ProviderName {
  if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
    throw new NotFoundException(`No provider '${name}'; providers: ${PROVIDER_NAMES.join(', ')}.`);
  }
  return name as ProviderName;
}

/** Whether the month has that day: `Date` would take 2026-02-30 for 2 March. */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An optional ISO 8601 date (or date-time) query parameter; malformed, or a day its month does not
 * have, is a 400 naming it.
 */
export function isoDateParam(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const date = new Date(value);
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (
    !day ||
    Number.isNaN(date.getTime()) ||
    !isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))
  ) {
    throw new BadRequestException(
      `${name} must be an ISO 8601 date or date-time, e.g. 2026-12-01T00:00:00Z.`,
    );
  }
  return date;
}

/** Refuses, with a 400 naming them, query parameters not in `allowed`. */
export function refuseUnknownParams(raw: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `Unknown query parameter(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}.`,
    );
  }
}

/**
 * A reader of single-valued query parameters: undefined when absent, a 400 when given more than
 * once (the query parser then hands over a list).
 */
export function singleParams(raw: Record<string, unknown>): (name: string) => string | undefined {
  return (name) => {
    const value = raw[name];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw new BadRequestException(`${name} may be given once.`);
    }
    return value;
  };
}

/** A `limit` query parameter: `fallback` when absent, else a whole number from 1 to `max`. */
export function limitParam(value: string | undefined, fallback: number, max: number): number {
  const limit = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new BadRequestException(`limit must be a whole number from 1 to ${max}.`);
  }
  return limit;
}
