import { companiesHouse } from '../companies-house/companies-house.provider';
import { rocketreach } from '../rocketreach/rocketreach.provider';
import { rateLimitedApiOf, windowsForCall, windowsOfKey } from './rate-limit-windows';

const SETTING = {
  limit: 10,
  window_seconds: 1,
  per_api: {
    person_search: [
      { limit: 100, window_seconds: 60 },
      { limit: 1000, window_seconds: 3600 },
    ],
    bulk_lookup: [{ limit: 10, window_seconds: 60 }],
  },
};

describe('rate-limit windows of a call', () => {
  it('finds the API an endpoint counts against, and none for endpoints without a budget of their own', () => {
    expect(rateLimitedApiOf(rocketreach, 'POST /person/search')).toBe('person_search');
    expect(rateLimitedApiOf(rocketreach, 'POST /universal/person/search')).toBe('person_search');
    expect(rateLimitedApiOf(rocketreach, 'GET /profile-company/lookup')).toBe('person_lookup');
    expect(rateLimitedApiOf(rocketreach, 'POST /searchCompany')).toBe('company_search');
    expect(rateLimitedApiOf(rocketreach, 'POST /bulkLookup')).toBe('bulk_lookup');
    expect(rateLimitedApiOf(rocketreach, 'GET /account/')).toBeNull();
    expect(rateLimitedApiOf(rocketreach, 'GET /person/checkStatus')).toBeNull();
    expect(rateLimitedApiOf(companiesHouse, 'GET /company/{company_number}')).toBeNull();
  });

  it('counts a call in the key’s global window and its API’s windows, each keyed by the API key', () => {
    expect(windowsForCall(rocketreach, 'POST /person/search', 'sandbox-a', SETTING)).toEqual([
      { key: 'sandbox-a', api: null, limit: { limit: 10, window_seconds: 1 } },
      { key: 'sandbox-a\nperson_search\n0', api: 'person_search', limit: { limit: 100, window_seconds: 60 } },
      {
        key: 'sandbox-a\nperson_search\n1',
        api: 'person_search',
        limit: { limit: 1000, window_seconds: 3600 },
      },
    ]);
    // An API with no windows configured, and an endpoint of no API: the global window only.
    expect(windowsForCall(rocketreach, 'GET /person/lookup', 'sandbox-a', SETTING)).toHaveLength(1);
    expect(windowsForCall(rocketreach, 'GET /account/', 'sandbox-b', SETTING)).toEqual([
      { key: 'sandbox-b', api: null, limit: { limit: 10, window_seconds: 1 } },
    ]);
  });

  it('lists every window of a key, for the account’s usage report', () => {
    expect(windowsOfKey('k', SETTING).map((w) => [w.api, w.limit.window_seconds])).toEqual([
      [null, 1],
      ['person_search', 60],
      ['person_search', 3600],
      ['bulk_lookup', 60],
    ]);
    expect(windowsOfKey('k', { limit: 600, window_seconds: 300 })).toEqual([
      { key: 'k', api: null, limit: { limit: 600, window_seconds: 300 } },
    ]);
  });
});
