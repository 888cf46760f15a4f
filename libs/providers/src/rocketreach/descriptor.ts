import type { ProviderDescriptor } from '../port';

/** Attribution RocketReach's terms require wherever its data is shown. */
export const ROCKETREACH_ATTRIBUTION = 'Powered by RocketReach';

/**
 * The legacy credit model (provider-apis.md §1, "Credits"): a person lookup costs one credit only
 * when contact data comes back (a 404 or an empty profile is free), a company lookup one credit when
 * company data comes back, searches and status checks none. A lookup may finish later, hence `async`.
 * A work e-mail is looked up only when a search (free) shows RocketReach has one.
 */
export const ROCKETREACH: ProviderDescriptor = Object.freeze({
  name: 'rocketreach',
  capabilities: Object.freeze({
    // Looked up only when the free person search shows a work address (see the adapter).
    find_work_email: Object.freeze({
      credits: 1,
      chargedOnMiss: false,
      async: true,
      precheck: 'search_people',
    }),
    // A lookup is charged when it returns contact data, a landline alone included.
    find_phone: Object.freeze({ credits: 1, chargedOnMiss: false, chargedOnLandline: true, async: true }),
    lookup_person: Object.freeze({ credits: 1, chargedOnMiss: false, async: true }),
    search_people: Object.freeze({ credits: 0, chargedOnMiss: false }),
    lookup_company: Object.freeze({ credits: 1, chargedOnMiss: false }),
    search_companies: Object.freeze({ credits: 0, chargedOnMiss: false }),
    // By name, with the (free) company search: see the adapter's resolveCompanyDomain.
    resolve_company_domain: Object.freeze({ credits: 0, chargedOnMiss: false }),
    check_credits: Object.freeze({ credits: 0, chargedOnMiss: false }),
  }),
});

/**
 * Universal credits per action (provider-apis.md §1; secondary sources only, so kept in one place
 * to correct when RocketReach publishes them): searches per page of up to 100, lookups per revealed
 * kind of data, charged only when that data comes back.
 */
export const ROCKETREACH_UNIVERSAL_PRICES = Object.freeze({
  personSearchPage: 1,
  companySearchPage: 2,
  professionalEmail: 2,
  personalEmail: 3,
  phone: 6,
  detailedPersonEnrichment: 1,
  healthcareEnrichment: 1,
  company: 1,
});
