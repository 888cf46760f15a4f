import { CLOSED_COMPANY_STATUSES, STRIKE_OFF_STATUS_DETAIL } from '@sluice/enrichment';
import enumerations from './__fixtures__/enumerations.subset.json';
import { COMPANIES_HOUSE } from './descriptor';

describe('COMPANIES_HOUSE descriptor', () => {
  it('offers company lookup, search and officers, all free and never charged on a miss', () => {
    expect(COMPANIES_HOUSE.name).toBe('companies-house');
    expect(COMPANIES_HOUSE.capabilities).toEqual({
      lookup_company: { credits: 0, chargedOnMiss: false },
      search_companies: { credits: 0, chargedOnMiss: false },
      list_company_officers: { credits: 0, chargedOnMiss: false },
    });
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(COMPANIES_HOUSE)).toBe(true);
    expect(Object.isFrozen(COMPANIES_HOUSE.capabilities)).toBe(true);
    expect(Object.isFrozen(COMPANIES_HOUSE.capabilities.lookup_company)).toBe(true);
  });
});

describe('closed-company vocabulary against the official Companies House enumerations', () => {
  it('uses only documented company_status values for closed companies', () => {
    for (const status of CLOSED_COMPANY_STATUSES) {
      expect(Object.keys(enumerations.company_status)).toContain(status);
    }
  });

  it('reads strike-off from a documented company_status_detail value, not a status', () => {
    expect(Object.keys(enumerations.company_status_detail)).toContain(STRIKE_OFF_STATUS_DETAIL);
    expect(Object.keys(enumerations.company_status)).not.toContain(STRIKE_OFF_STATUS_DETAIL);
  });
});
