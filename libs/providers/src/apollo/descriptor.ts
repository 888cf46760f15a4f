import type { ProviderDescriptor } from '../port';

/**
 * Apollo's prices (provider-apis.md §4): 1 credit for a person's demographics or e-mail, 8 more
 * when a mobile phone is revealed; nothing when nothing credit-bearing is found.
 */
export const APOLLO_COSTS = Object.freeze({ match: 1, mobilePhone: 8 });

/**
 * What Sluice asks of Apollo: its match, answered at once. Not `find_phone`: a phone reveal
 * (`reveal_phone_number`, answered later to a webhook) is in the client, but no waterfall asks
 * Apollo for one, and a capability declared here is one the planner, the quotas and the API take
 * Apollo to serve.
 */
export const APOLLO: ProviderDescriptor = Object.freeze({
  name: 'apollo',
  capabilities: Object.freeze({
    lookup_person: Object.freeze({ credits: APOLLO_COSTS.match, chargedOnMiss: false }),
    find_work_email: Object.freeze({ credits: APOLLO_COSTS.match, chargedOnMiss: false }),
    check_credits: Object.freeze({ credits: 0, chargedOnMiss: false }),
  }),
});
