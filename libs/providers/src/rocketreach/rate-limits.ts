import type { Capability } from '../port';

/**
 * RocketReach limits each API separately, per API key, in minute, hour and day windows, plus a
 * global 10 requests a second across all APIs (docs.rocketreach.co/reference/rate-limits). These
 * are the Custom plan's numbers; a deployment on another plan replaces them through
 * PROVIDER_OVERRIDES or the admin provider-settings API. They are Sluice's default rate-limit rules
 * for RocketReach ({@link rocketReachDefaultRateLimits}), which the shared Redis limiter counts at
 * the moment of each call. RocketReach sends no rate-limit headers: nothing here is learnt live.
 *
 * The published table has no row for company lookups, account reads or status checks: they count
 * against the global per-second limit only. Bulk lookups have their own row (10/min, 100/hour,
 * 1,000/day) but no operation of Sluice calls `/bulkLookup`; an adapter that starts to must add
 * a rule for it here.
 */
export interface RocketReachWindows {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export const ROCKETREACH_DEFAULT_RATE_LIMITS = Object.freeze({
  /** Across all APIs. */
  globalPerSecond: 10,
  /** `/person/lookup` (and `/profile-company/lookup`). */
  personLookup: Object.freeze({ perMinute: 250, perHour: 2_500, perDay: 10_000 }),
  /** `/person/search`. */
  personSearch: Object.freeze({ perMinute: 100, perHour: 1_000, perDay: 10_000 }),
  /** `/searchCompany`: RocketReach applies the person-search row. */
  companySearch: Object.freeze({ perMinute: 100, perHour: 1_000, perDay: 10_000 }),
});

/**
 * The operations whose calls reach each separately limited API, as the adapter makes them: a
 * person lookup, a work e-mail and a phone are all `GET /person/lookup`; people are searched with
 * `POST /person/search` and companies with `POST /searchCompany` (a domain by name too).
 */
export const ROCKETREACH_OPERATIONS_BY_API: Readonly<
  Record<'personLookup' | 'personSearch' | 'companySearch', readonly Capability[]>
> = Object.freeze({
  personLookup: Object.freeze(['lookup_person', 'find_work_email', 'find_phone'] as const),
  personSearch: Object.freeze(['search_people'] as const),
  companySearch: Object.freeze(['search_companies', 'resolve_company_domain'] as const),
});

/** A rule as the provider settings hold it (`operations` absent: every call counts). */
export interface RocketReachRateRule {
  name: string;
  limit: number;
  windowMs: number;
  operations?: Capability[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each rule a window of its own, named after its API and window (names are the limiter's keys). */
export function rocketReachDefaultRateLimits(): RocketReachRateRule[] {
  const limits = ROCKETREACH_DEFAULT_RATE_LIMITS;
  const perApi = (
    prefix: string,
    windows: RocketReachWindows,
    operations: readonly Capability[],
  ): RocketReachRateRule[] => [
    { name: `${prefix}-minute`, limit: windows.perMinute, windowMs: MINUTE, operations: [...operations] },
    { name: `${prefix}-hour`, limit: windows.perHour, windowMs: HOUR, operations: [...operations] },
    { name: `${prefix}-day`, limit: windows.perDay, windowMs: DAY, operations: [...operations] },
  ];
  return [
    { name: 'second', limit: limits.globalPerSecond, windowMs: SECOND },
    ...perApi('person-lookup', limits.personLookup, ROCKETREACH_OPERATIONS_BY_API.personLookup),
    ...perApi('person-search', limits.personSearch, ROCKETREACH_OPERATIONS_BY_API.personSearch),
    ...perApi('company-search', limits.companySearch, ROCKETREACH_OPERATIONS_BY_API.companySearch),
  ];
}
