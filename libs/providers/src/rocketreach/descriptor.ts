import type { ProviderDescriptor } from '../port';

/** Attribution RocketReach's terms require wherever its data is shown. */
export const ROCKETREACH_ATTRIBUTION = 'Powered by RocketReach';

/**
 * RocketReach charges a lookup only when contact data comes back (a 404 is free), a company lookup
 * when company data comes back; searches spend no lookup credits on legacy plans (provider-apis.md §1).
 */
export const ROCKETREACH: ProviderDescriptor = Object.freeze({
  name: 'rocketreach',
  capabilities: Object.freeze({
    find_work_email: Object.freeze({ credits: 1, chargedOnMiss: false, async: true }),
    find_phone: Object.freeze({ credits: 1, chargedOnMiss: false, async: true }),
    lookup_person: Object.freeze({ credits: 1, chargedOnMiss: false, async: true }),
    search_people: Object.freeze({ credits: 0, chargedOnMiss: false }),
    lookup_company: Object.freeze({ credits: 1, chargedOnMiss: false }),
    search_companies: Object.freeze({ credits: 0, chargedOnMiss: false }),
    check_credits: Object.freeze({ credits: 0, chargedOnMiss: false }),
  }),
});

/** Requests per minute, per plan; Sluice's defaults are RocketReach's Custom plan. */
export interface RocketReachRateLimits {
  /** @defaultValue 100 */
  perMinute: number;
  /** @defaultValue 250 */
  personLookupPerMinute: number;
}

export const ROCKETREACH_DEFAULT_RATE_LIMITS: RocketReachRateLimits = Object.freeze({
  perMinute: 100,
  personLookupPerMinute: 250,
});
