import { goalsOf, isSupportedRequestType, missingIdentifiers } from './request-types';

describe('request types', () => {
  it('accepts the supported types and rejects unknown or non-string types', () => {
    expect(isSupportedRequestType('company.profile')).toBe(true);
    expect(isSupportedRequestType('person.email')).toBe(true);
    expect(isSupportedRequestType('company.nonsense')).toBe(false);
    expect(isSupportedRequestType(42)).toBe(false);
    expect(isSupportedRequestType(undefined)).toBe(false);
  });

  it('plans a company profile as one register goal', () => {
    expect(goalsOf('company.profile', { company_number: '07798925' }).map((g) => g.capability)).toEqual([
      'lookup_company',
    ]);
  });

  it('asks the register for the name before a paid domain search when only the number is known', () => {
    expect(goalsOf('company.domain', { company_number: '07798925' }).map((g) => g.key)).toEqual([
      'company',
      'domain',
    ]);
    expect(goalsOf('company.domain', { company_name: 'Acme Ltd' }).map((g) => g.key)).toEqual(['domain']);
  });

  it('adds a verification goal to person.email only when asked', () => {
    const input = { full_name: 'Ada Lovelace', domain: 'example.com' };
    expect(goalsOf('person.email', input).map((g) => g.key)).toEqual(['email']);
    expect(goalsOf('person.email', input, { verify: true }).map((g) => g.key)).toEqual(['email', 'verify']);
  });

  it('names what is missing from a person input', () => {
    expect(missingIdentifiers('person.email', { full_name: 'Ada Lovelace' })).toMatch(
      /domain or company_name/,
    );
    expect(
      missingIdentifiers('person.email', { full_name: 'Ada Lovelace', domain: 'example.com' }),
    ).toBeNull();
    expect(missingIdentifiers('person.email', { first_name: 'Ada', domain: 'example.com' })).toMatch(
      /first_name and last_name/,
    );
    expect(missingIdentifiers('person.phone', { email: 'ada@example.com' })).toBeNull();
    expect(missingIdentifiers('person.email', { email: 'ada@example.com' })).not.toBeNull();
    expect(missingIdentifiers('email.verify', {})).toMatch(/input.email/);
    expect(missingIdentifiers('company.domain', {})).toMatch(/company_name or input.company_number/);
  });
});
