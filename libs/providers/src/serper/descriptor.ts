import type { ProviderDescriptor } from '../port';

/** One credit per standard search, found or not (provider-apis.md §5). */
export const SERPER: ProviderDescriptor = Object.freeze({
  name: 'serper',
  capabilities: Object.freeze({
    resolve_company_domain: Object.freeze({ credits: 1, chargedOnMiss: true }),
  }),
});
