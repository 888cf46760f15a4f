import { BadRequestException, NotFoundException } from '@nestjs/common';
import { PROVIDER_NAMES, type ProviderName } from '@sluice/queue';

/** A provider named in a path: one Sluice knows, or a 404 listing those it does. */
export function providerOf(name: string): ProviderName {
  if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
    throw new NotFoundException(`No provider '${name}'; providers: ${PROVIDER_NAMES.join(', ')}.`);
  }
  return name as ProviderName;
}

/** An optional ISO 8601 date (or date-time) query parameter; malformed is a 400 naming it. */
export function isoDateParam(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new BadRequestException(
      `${name} must be an ISO 8601 date or date-time, e.g. 2026-12-01T00:00:00Z.`,
    );
  }
  return date;
}
