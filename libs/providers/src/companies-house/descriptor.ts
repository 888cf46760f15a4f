import type { CapabilityCost, ProviderDescriptor } from '../port';

// The Companies House public data API is free: no credits, so nothing to reserve or release.
const FREE: CapabilityCost = Object.freeze({ credits: 0, chargedOnMiss: false });

export const COMPANIES_HOUSE: ProviderDescriptor = Object.freeze({
  name: 'companies-house',
  capabilities: Object.freeze({
    lookup_company: FREE,
    search_companies: FREE,
    list_company_officers: FREE,
  }),
});
