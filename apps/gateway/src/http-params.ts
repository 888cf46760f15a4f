import {
  BadRequestException,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  NotFoundException,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isISO8601, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import type { Observable } from 'rxjs';
import { PROVIDER_NAMES, type ProviderName } from '@sluice/queue';

/** A provider named in a path: one Sluice knows, or a 404 listing those it does. */
export function providerOf(name: string): ProviderName {
  if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
    throw new NotFoundException(`No provider '${name}'; providers: ${PROVIDER_NAMES.join(', ')}.`);
  }
  return name as ProviderName;
}

/** Whether the month has that day: `Date` would take 2026-02-30 for 2 March. */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A date-time written without an offset (no `Z`, no `+01:00`). */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The instant a date or date-time given as text names. A date-time without an offset is read as
 * UTC, as a date alone is: `new Date` reads it in the server's time zone, so the same
 * `from=2026-12-01T00:00:00` would name another instant on a gateway not run in UTC, and miss the
 * UTC month that quotas and `spent_this_month` count in.
 */
export function utcDate(value: string): Date {
  return new Date(ZONELESS_DATE_TIME.test(value) ? `${value.replace(' ', 'T')}Z` : value);
}

/**
 * Whether `value` starts with a YYYY-MM-DD day its month has, and reads as a date (or date-time).
 * The one check of a date given as text: `Date.parse` and `new Date` alone take 2026-02-30 for
 * 2 March, so an impossible day would run as another.
 */
export function isCalendarDate(value: string): boolean {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return (
    day !== null &&
    !Number.isNaN(utcDate(value).getTime()) &&
    isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))
  );
}

/**
 * A filter that may be left out, but not sent as null: class-validator's `@IsOptional()` skips
 * null too, and a filter read as "none" widens what an operation touches (every provider's cache
 * cleared, every workspace's failed jobs paid for again) where the caller meant to narrow it. The
 * property's other checks then refuse null by name.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * {@link isCalendarDate} as a DTO check, on top of class-validator's strict ISO 8601 one, which
 * alone takes forms `Date` cannot read (week dates such as 2026-W01-1, ordinal dates such as
 * 2026-123, the basic form 20261201, an hour without minutes: an Invalid Date, a 500 further on)
 * or reads as another day (-2026-01-01, which `Date` takes for 2026).
 */
export function IsCalendarDate(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isISO8601(value, { strict: true }) && isCalendarDate(value),
      },
    },
    options,
  );
}

/**
 * An optional ISO 8601 date (or date-time) query parameter; malformed, or a day its month does not
 * have, is a 400 naming it.
 */
export function isoDateParam(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (!isCalendarDate(value)) {
    throw new BadRequestException(
      `${name} must be an ISO 8601 date or date-time, e.g. 2026-12-01T00:00:00Z.`,
    );
  }
  return utcDate(value);
}

/**
 * Refuses, with a 400 naming them, query parameters not in `allowed`: a filter or option a route
 * does not have (status=failed, dry_run=true) must not answer or act as if it had applied.
 */
export function refuseUnknownParams(raw: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const takes = allowed.length === 0 ? 'this route takes none' : `allowed: ${allowed.join(', ')}`;
    throw new BadRequestException(`Unknown query parameter(s) ${unknown.join(', ')}; ${takes}.`);
  }
}

/**
 * Refuses any query parameter on a route that takes none ({@link refuseUnknownParams} with nothing
 * allowed), before its handler runs; routes declared `ApiNoQuery()` have it. The routes that take
 * some refuse the others themselves.
 */
@Injectable()
export class NoQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    refuseUnknownParams(
      context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {},
      [],
    );
    return true;
  }
}

const TAKES_QUERY = 'sluice:takesQuery';

/**
 * Marks a write route (POST, PUT, PATCH, DELETE) that reads query parameters: it checks them itself
 * (with {@link refuseUnknownParams}), so {@link WriteQueryInterceptor} leaves them to it.
 */
export const TakesQuery = (): MethodDecorator => SetMetadata(TAKES_QUERY, true);

/**
 * Refuses any query parameter on a write route that reads none (one not marked {@link TakesQuery}),
 * with the 400 of {@link refuseUnknownParams}, before its handler runs and after authentication.
 * A write that ignored a parameter would act as if it had applied — `POST
 * /v1/admin/retention/runs?dry_run=true` deleted for real. Every write route has it (registered
 * for the whole app), so a new one cannot forget it; `GET` routes check their own parameters.
 */
@Injectable()
export class WriteQueryInterceptor implements NestInterceptor {
  private static readonly READS = new Set(['GET', 'HEAD', 'OPTIONS']);

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context
        .switchToHttp()
        .getRequest<{ method: string; query?: Record<string, unknown> }>();
      const takesQuery = this.reflector.getAllAndOverride<boolean | undefined>(TAKES_QUERY, [
        context.getHandler(),
        context.getClass(),
      ]);
      if (!WriteQueryInterceptor.READS.has(request.method) && !takesQuery) {
        refuseUnknownParams(request.query ?? {}, []);
      }
    }
    return next.handle();
  }
}

/**
 * A JSON body's fields, refusing with a 400 naming them any not in `allowed`, and a body that is not
 * an object. A route that takes no body allows none: a field sent to it would otherwise be dropped
 * without a word, and the caller would believe it had been applied.
 */
export function bodyFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined) {
    return {};
  }
  const takes = allowed.length === 0 ? 'this route takes no body' : `allowed: ${allowed.join(', ')}`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException(`The body must be a JSON object; ${takes}.`);
  }
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(`Unknown field(s) ${unknown.join(', ')}; ${takes}.`);
  }
  return body as Record<string, unknown>;
}

/**
 * Refuses a body with fields on a route that takes none ({@link bodyFields} with nothing allowed),
 * before its handler runs; routes declared `ApiPost({ body: false })` and every DELETE
 * (`ApiDelete()`) have it.
 */
@Injectable()
export class NoBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    bodyFields(context.switchToHttp().getRequest<{ body?: unknown }>().body, []);
    return true;
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
  // Digits only: Number() also reads `1e2`, `0x10` and ` 5`, which the other lists refuse.
  if ((value !== undefined && !/^\d+$/.test(value)) || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new BadRequestException(`limit must be a whole number from 1 to ${max}.`);
  }
  return limit;
}
