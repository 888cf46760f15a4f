import { isSupportedRequestType, planRequest } from './request-types';

describe('request types', () => {
  it('accepts company.profile and rejects unknown or non-string types', () => {
    expect(isSupportedRequestType('company.profile')).toBe(true);
    expect(isSupportedRequestType('company.nonsense')).toBe(false);
    expect(isSupportedRequestType(42)).toBe(false);
    expect(isSupportedRequestType(undefined)).toBe(false);
  });

  it('plans a company profile as a single Companies House step', () => {
    expect(planRequest('company.profile', { company_number: '07798925' })).toEqual([
      { provider: 'companies-house', operation: 'company.profile' },
    ]);
  });
});
