/**
 * RocketReach's per-key limits depend on the plan (docs.rocketreach.co/reference/rate-limits).
 * Sluice's defaults are the Custom plan's per-minute numbers; a deployment on another plan overrides
 * them. The shared Redis limiter reads these per endpoint; RocketReach sends no rate-limit headers.
 */
export interface RocketReachRateLimits {
  /**
   * Calls per minute to endpoints without a limit of their own (account, key creation, status
   * checks, company lookups).
   * @defaultValue 100
   */
  perMinute: number;
  /**
   * Person lookups per minute (`/person/lookup`, `/profile-company/lookup` and their Universal forms).
   * @defaultValue 250
   */
  personLookupPerMinute: number;
  /**
   * Person searches per minute.
   * @defaultValue 100
   */
  personSearchPerMinute: number;
  /**
   * Company searches per minute (RocketReach applies the person-search row).
   * @defaultValue 100
   */
  companySearchPerMinute: number;
  /**
   * Bulk lookup jobs per minute.
   * @defaultValue 10
   */
  bulkLookupPerMinute: number;
  /**
   * RocketReach's global ceiling across all APIs, per second.
   * @defaultValue 10
   */
  globalPerSecond: number;
}

export const ROCKETREACH_DEFAULT_RATE_LIMITS: Readonly<RocketReachRateLimits> = Object.freeze({
  perMinute: 100,
  personLookupPerMinute: 250,
  personSearchPerMinute: 100,
  companySearchPerMinute: 100,
  bulkLookupPerMinute: 10,
  globalPerSecond: 10,
});

/** Which limit each kind of endpoint counts against. */
export type RocketReachLimitedAction =
  'personLookup' | 'personSearch' | 'companySearch' | 'bulkLookup' | 'other';

/** The plan's limits with the defaults filled in; refuses numbers a limiter could not use. */
export function resolveRocketReachRateLimits(
  overrides: Partial<RocketReachRateLimits> = {},
): Readonly<RocketReachRateLimits> {
  const limits = { ...ROCKETREACH_DEFAULT_RATE_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(
        `RocketReach rate limit ${name} must be a positive integer, got ${String(value)}; use your plan's numbers from RocketReach's rate-limit page.`,
      );
    }
  }
  return Object.freeze(limits);
}

/** Calls per minute allowed for one kind of endpoint. */
export function perMinuteLimitOf(limits: RocketReachRateLimits, action: RocketReachLimitedAction): number {
  switch (action) {
    case 'personLookup':
      return limits.personLookupPerMinute;
    case 'personSearch':
      return limits.personSearchPerMinute;
    case 'companySearch':
      return limits.companySearchPerMinute;
    case 'bulkLookup':
      return limits.bulkLookupPerMinute;
    case 'other':
      return limits.perMinute;
  }
}
