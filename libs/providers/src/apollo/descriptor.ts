import type { ProviderDescriptor } from '../port';

/**
 * Apollo's prices (provider-apis.md §4): 1 credit for a person's demographics or e-mail, 8 more
 * when a mobile phone is revealed; nothing when nothing credit-bearing is found. A phone reveal is
 * priced at the most it can cost, the match and the mobile (1 + 8): a capability's price is what its
 * credits are reserved and a request's `max_credits` checked against before the call.
 */
export const APOLLO_COSTS = Object.freeze({ match: 1, mobilePhone: 8 });

export const APOLLO: ProviderDescriptor = Object.freeze({
  name: 'apollo',
  capabilities: Object.freeze({
    lookup_person: Object.freeze({ credits: 1, chargedOnMiss: false }),
    find_work_email: Object.freeze({ credits: 1, chargedOnMiss: false }),
    find_phone: Object.freeze({
      credits: APOLLO_COSTS.match + APOLLO_COSTS.mobilePhone,
      chargedOnMiss: false,
      async: true,
    }),
    check_credits: Object.freeze({ credits: 0, chargedOnMiss: false }),
  }),
});
