import {
  chainOfficers,
  chainStopReason,
  enrichGoals,
  goalsOf,
  isSupportedRequestType,
  missingIdentifiers,
  officerKeyOf,
  startsAtRegister,
  unreachableFields,
} from './request-types';

describe('request types', () => {
  it('tells the requests whose first step is at the register (Companies House) from the others', () => {
    const number = { company_number: '09414599' };
    expect(startsAtRegister('company.profile', number)).toBe(true);
    expect(startsAtRegister('company.officers', number)).toBe(true);
    expect(startsAtRegister('company.officer_emails', number)).toBe(true);
    // A domain by company number asks the register for the name first; by name, the search alone.
    expect(startsAtRegister('company.domain', number)).toBe(true);
    expect(startsAtRegister('company.domain', { company_name: 'Acme Ltd' })).toBe(false);
    expect(startsAtRegister('person.email', { full_name: 'Jane Doe', domain: 'acme.co.uk' })).toBe(false);
    expect(startsAtRegister('enrich', { domain: 'acme.co.uk' }, { fields: ['industry'] })).toBe(false);
  });

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

  describe('the company → officers → e-mails chain', () => {
    const officers = [
      {
        name: 'SMITH, Jane Anne',
        first_name: 'Jane',
        last_name: 'Smith',
        kind: 'individual',
        role: 'director',
        active: true,
        resigned_on: null,
        officer_id: 'abc',
      },
      {
        name: 'SMITH, Jane Anne',
        first_name: 'Jane',
        last_name: 'Smith',
        kind: 'individual',
        role: 'secretary',
        active: true,
        resigned_on: null,
        officer_id: 'abc',
      },
      {
        name: 'JONES, Tom',
        first_name: 'Tom',
        last_name: 'Jones',
        kind: 'individual',
        role: 'director',
        active: false,
        resigned_on: '2020-01-01',
        officer_id: 'old',
      },
      {
        name: 'ACME SECRETARIES LIMITED',
        first_name: null,
        last_name: null,
        kind: 'corporate',
        role: 'corporate-secretary',
        active: true,
        resigned_on: null,
        officer_id: 'corp',
      },
      {
        name: 'BROWN, Li',
        first_name: 'Li',
        last_name: 'Brown',
        kind: 'individual',
        role: 'director',
        active: true,
        resigned_on: null,
        officer_id: null,
        appointed_on: '2019-05-01',
      },
    ];

    it('searches only active natural persons, each once', () => {
      expect(chainOfficers(officers).map((o) => [o.key, o.firstName, o.lastName])).toEqual([
        ['abc', 'Jane', 'Smith'],
        ['BROWN, Li|2019-05-01', 'Li', 'Brown'],
      ]);
    });

    it('keys an officer by the register id, else by name and appointment', () => {
      expect(officerKeyOf({ officer_id: 'xyz', name: 'A, B' })).toBe('xyz');
      expect(officerKeyOf({ officer_id: null, name: 'A, B', appointed_on: '2001-02-03' })).toBe(
        'A, B|2001-02-03',
      );
    });

    it('plans the register first, then the domain, then one e-mail (and verification) goal per officer', () => {
      const input = { company_number: '07798925' };
      expect(goalsOf('company.officer_emails', input).map((g) => g.id)).toEqual([
        'company',
        'officers',
        'domain',
      ]);
      expect(
        goalsOf('company.officer_emails', input, { verify: true }, { officers }).map((g) => g.id),
      ).toEqual([
        'company',
        'officers',
        'domain',
        'email:abc',
        'verify:abc',
        'email:BROWN, Li|2019-05-01',
        'verify:BROWN, Li|2019-05-01',
      ]);
      // A caller who knows the domain saves the search.
      expect(
        goalsOf('company.officer_emails', { ...input, domain: 'acme.co.uk' }, {}, { officers }).map(
          (g) => g.id,
        ),
      ).toEqual(['company', 'officers', 'email:abc', 'email:BROWN, Li|2019-05-01']);
    });

    it('stops at companies that no longer trade and at striking-off ones, and only those', () => {
      expect(chainStopReason({ company_status: 'dissolved' })).toBe('company_dissolved');
      // The register's other ends of a company (provider-apis.md §3, company_status).
      expect(chainStopReason({ company_status: 'converted-closed' })).toBe('company_converted_closed');
      expect(chainStopReason({ company_status: 'closed' })).toBe('company_closed');
      expect(chainStopReason({ company_status: 'removed' })).toBe('company_removed');
      expect(chainStopReason({ company_status: 'administration' })).toBeNull();
      expect(chainStopReason({ company_status: 'dissolved', company_status_detail: null })).toBe(
        'company_dissolved',
      );
      expect(
        chainStopReason({ company_status: 'active', company_status_detail: 'active-proposal-to-strike-off' }),
      ).toBe('proposed_strike_off');
      expect(chainStopReason({ company_status: 'active', company_status_detail: null })).toBeNull();
      expect(chainStopReason({ company_status: 'liquidation', company_status_detail: null })).toBeNull();
    });

    it('needs a company number', () => {
      expect(missingIdentifiers('company.officer_emails', { domain: 'acme.co.uk' })).toMatch(
        /company_number/,
      );
      expect(missingIdentifiers('company.officer_emails', { company_number: '07798925' })).toBeNull();
    });
  });

  describe('enrich', () => {
    const person = { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' };

    it('plans only the goals the asked fields need, profile first', () => {
      expect(enrichGoals(person, ['title'])).toEqual(['profile']);
      expect(enrichGoals(person, ['business_email'])).toEqual(['email']);
      expect(enrichGoals(person, ['business_email', 'email_status', 'mobile_phone', 'industry'])).toEqual([
        'email',
        'verify',
        'phone',
        'firmographics',
      ]);
      expect(enrichGoals(person, ['title', 'company_size'])).toEqual(['profile', 'firmographics']);
      expect(goalsOf('enrich', person, { fields: ['phone'] }).map((goal) => goal.capability)).toEqual([
        'find_phone',
      ]);
    });

    it('verifies a given e-mail instead of searching for one', () => {
      expect(enrichGoals({ email: 'ada@acme.com' }, ['business_email', 'email_status'])).toEqual(['verify']);
      expect(enrichGoals({ email: 'ada@acme.com' }, ['business_email'])).toEqual([]);
    });

    it('searches the phone for its extension asked alone', () => {
      const named = { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' };
      expect(enrichGoals(named, ['phone_extension'])).toEqual(['phone']);
      expect(unreachableFields({ domain: 'acme.com' }, ['phone_extension'])).toEqual([
        { field: 'phone_extension', needs: expect.stringContaining('linkedin_url') as unknown },
      ]);
    });

    it('looks a person known only by a LinkedIn URL or an e-mail up before searching their phone', () => {
      const byLinkedin = { linkedin_url: 'https://www.linkedin.com/in/ada' };
      expect(enrichGoals(byLinkedin, ['mobile_phone'])).toEqual(['profile', 'phone']);
      expect(enrichGoals({ email: 'ada@acme.com', company_name: 'Acme' }, ['phone'])).toEqual([
        'profile',
        'phone',
      ]);
      expect(
        enrichGoals({ full_name: 'Ada Lovelace', linkedin_url: byLinkedin.linkedin_url }, ['phone']),
      ).toEqual(['phone']);
      expect(goalsOf('person.phone', byLinkedin).map((goal) => goal.key)).toEqual(['profile', 'phone']);
      expect(goalsOf('person.phone', { email: 'ada@acme.com' }).map((goal) => goal.key)).toEqual([
        'profile',
        'phone',
      ]);
      expect(goalsOf('person.phone', person).map((goal) => goal.key)).toEqual(['phone']);
    });

    it('takes the company from the profile when the caller names none', () => {
      const byLinkedin = { linkedin_url: 'https://www.linkedin.com/in/ada' };
      expect(enrichGoals(byLinkedin, ['company_domain'])).toEqual(['profile']);
      expect(enrichGoals(byLinkedin, ['industry'])).toEqual(['profile', 'firmographics']);
      expect(enrichGoals({ domain: 'acme.com' }, ['company_domain', 'industry'])).toEqual(['firmographics']);
    });

    it('names each field the identifiers cannot reach, and what it needs', () => {
      const problems = unreachableFields({ domain: 'acme.com' }, ['industry', 'title', 'business_email']);
      expect(problems.map((problem) => problem.field)).toEqual(['title', 'business_email']);
      expect(problems.every((problem) => problem.needs.includes('linkedin_url'))).toBe(true);
      expect(unreachableFields(person, ['title', 'industry', 'business_email', 'phone'])).toEqual([]);
      // A first name alone identifies nobody.
      expect(unreachableFields({ first_name: 'Ada' }, ['company_name'])).toHaveLength(1);
    });

    it('needs at least one identifier', () => {
      expect(missingIdentifiers('enrich', {})).toMatch(/at least one identifier/);
      expect(missingIdentifiers('enrich', { phone: '+447700900123' })).toBeNull();
    });
  });
});
