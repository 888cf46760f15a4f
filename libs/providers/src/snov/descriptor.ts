import type { CapabilityCost, ProviderDescriptor } from '../port';

/**
 * Snov.io's prices (provider-apis.md §2): the e-mail finder charges 1 credit per e-mail returned
 * (valid or unknown), a domain search 1 credit per request that finds results, the balance is free.
 * Both searches are asynchronous (start, then result or webhook).
 */
export const SNOV_COSTS = Object.freeze({
  emailFinderPerEmail: 1,
  domainSearchWithResults: 1,
});

const PER_FOUND: CapabilityCost = Object.freeze({ credits: 1, chargedOnMiss: false, async: true });

export const SNOV: ProviderDescriptor = Object.freeze({
  name: 'snov',
  capabilities: Object.freeze({
    find_work_email: PER_FOUND,
    lookup_company: PER_FOUND,
    check_credits: Object.freeze({ credits: 0, chargedOnMiss: false }),
  }),
});
