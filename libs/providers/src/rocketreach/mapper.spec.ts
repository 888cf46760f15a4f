import account from './__fixtures__/account.response.200.legacy-sdk-example.json';
import checkStatusSearching from './__fixtures__/person-checkstatus.response.200.searching.docs-example.json';
import complete from './__fixtures__/person-lookup.response.200.complete.docs-example.json';
import lookupSearching from './__fixtures__/person-lookup.response.200.searching.docs-example.json';
import {
  accountBalance,
  lookupState,
  mapRocketReachCompany,
  mapRocketReachProfile,
  universalAccountBalance,
} from './mapper';
import { isUnlimited, UNLIMITED_CREDITS } from '../port';
import type { RocketReachAccount, RocketReachProfile } from './types';

describe('mapRocketReachProfile', () => {
  it('reads the documented complete lookup, its legacy valid flag as the verdict', () => {
    expect(mapRocketReachProfile(complete as RocketReachProfile)).toEqual({
      firstName: 'John',
      lastName: 'Doe',
      fullName: 'John Doe',
      title: 'Software Engineer',
      seniority: null,
      department: null,
      linkedinUrl: null,
      companyName: 'Google',
      companyDomain: null,
      location: null,
      emails: [{ email: 'johndoe@google.com', kind: 'work', verdict: 'valid', confidence: 0.85 }],
      phones: [],
    });
  });

  it('reads the documented searching lookup as a person without contact data yet', () => {
    const [profile] = lookupSearching as RocketReachProfile[];
    expect(lookupState(profile.status)).toBe('running');
    expect(mapRocketReachProfile(profile)).toMatchObject({
      fullName: 'Mark Benioff',
      companyName: 'Salesforce',
      title: 'CEO',
      emails: [],
      phones: [],
    });
  });

  it('maps smtp_valid and grades, puts work e-mails first, and keeps unknown phone types as unknown', () => {
    const person = mapRocketReachProfile({
      id: 1,
      status: 'complete',
      name: 'Ann Lee',
      linkedin_url: 'https://www.linkedin.com/in/ann-lee/',
      current_employer_domain: 'WWW.Acme.io',
      city: 'Leeds',
      country: 'United Kingdom',
      job_history: [{ title: 'CTO', department: 'Engineering', is_current: true }],
      emails: [
        { email: 'Ann@Gmail.com', type: 'personal', smtp_valid: 'valid', grade: 'A' },
        { email: 'ann@acme.io', type: 'professional', smtp_valid: 'accept-all', grade: 'B' },
        { email: 'info@acme.io', type: 'role-based', smtp_valid: 'strange-new-value', grade: null },
      ],
      phones: [
        { number: '+44 7400 123456', type: 'mobile' },
        { e164: '+442071234567', type: 'fax' },
        { number: '+44 20 7946 0000', type: 'direct dial' },
        { number: 'not a phone', type: null },
      ],
    });
    expect(person.emails.map((e) => [e.email, e.kind, e.verdict, e.confidence])).toEqual([
      ['ann@acme.io', 'work', 'catch_all', 0.7],
      ['info@acme.io', 'work', 'unknown', null],
      ['ann@gmail.com', 'personal', 'valid', 0.95],
    ]);
    expect(person.phones).toEqual([
      { number: '+447400123456', extension: null, kind: 'mobile', country: 'GB' },
      { number: '+442071234567', extension: null, kind: 'unknown', country: 'GB' },
      { number: '+442079460000', extension: null, kind: 'direct', country: 'GB' },
    ]);
    expect(person).toMatchObject({
      companyDomain: 'acme.io',
      department: 'Engineering',
      // RocketReach names the country here; Sluice writes its ISO code.
      location: { locality: 'Leeds', region: null, country: 'GB' },
    });
    expect(person.linkedinUrl).toContain('linkedin.com/in/ann-lee');
  });

  it('keeps the extension RocketReach gives beside the E.164 number, or within an international number', () => {
    const person = mapRocketReachProfile({
      id: 2,
      status: 'complete',
      name: 'Ann Lee',
      phones: [
        // The documented shape: `e164` (no room for an extension) and `extension` beside it.
        {
          number: '+44 20 7946 0958',
          e164: '+442079460958',
          country_code: 'GB',
          extension: '123',
          type: 'direct dial',
        },
        // An older answer: no `e164`, the extension written in `number`.
        { number: '+44 20 7946 0000 ext. 45', type: 'professional' },
        { number: '+44 7400 123456', e164: '+447400123456', extension: null, type: 'mobile' },
        // An extension libphonenumber cannot read is left out; the number is kept.
        { e164: '+442079461111', extension: 'reception', type: 'other' },
      ],
    });
    expect(person.phones).toEqual([
      { number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' },
      { number: '+442079460000', extension: '45', kind: 'unknown', country: 'GB' },
      { number: '+447400123456', extension: null, kind: 'mobile', country: 'GB' },
      { number: '+442079461111', extension: null, kind: 'unknown', country: 'GB' },
    ]);
  });
});

describe("a profile's country", () => {
  const profile = (fields: Partial<RocketReachProfile>): RocketReachProfile => ({
    id: 2,
    status: 'complete',
    name: 'Ann Lee',
    ...fields,
  });

  it('is the ISO code, from the code RocketReach gives or else from its name', () => {
    expect(mapRocketReachProfile(profile({ country: 'United States', country_code: 'us' })).location).toEqual(
      {
        locality: null,
        region: null,
        country: 'US',
      },
    );
    expect(
      mapRocketReachProfile(profile({ region: 'Scotland', country: 'Scotland' })).location?.country,
    ).toBe('GB');
    expect(mapRocketReachProfile(profile({ country: 'Germany', country_code: '' })).location?.country).toBe(
      'DE',
    );
  });
});

describe('lookupState', () => {
  it('treats every status but complete and failed as still running', () => {
    const statuses = ['complete', 'failed', 'searching', 'progress', 'waiting', 'queued', 'not queued'];
    expect(statuses.map(lookupState)).toEqual([
      'complete',
      'failed',
      'running',
      'running',
      'running',
      'running',
      'running',
    ]);
    expect((checkStatusSearching as RocketReachProfile[]).map((p) => lookupState(p.status))).toEqual([
      'running',
    ]);
  });
});

describe('mapRocketReachCompany', () => {
  it('takes the first domain it has and the office phone in E.164', () => {
    expect(
      mapRocketReachCompany({
        id: 7,
        name: 'Acme Ltd',
        email_domain: 'Acme.io',
        industry: 'Software',
        num_employees: 42,
        revenue: 1_000_000,
        phone: '020 7946 0000',
        city: 'London',
        country_code: 'GB',
        techstack: ['React'],
      }),
    ).toEqual({
      name: 'Acme Ltd',
      domain: 'acme.io',
      industry: 'Software',
      employees: 42,
      revenueUsd: 1_000_000,
      technologies: ['React'],
      linkedinUrl: null,
      phone: '+442079460000',
      location: { locality: 'London', region: null, postalCode: null, country: 'GB' },
    });
  });

  it('reads a lookup answer as the OpenAPI shapes it: the place (with its postal code) in address, LinkedIn in links', () => {
    // GET /company/lookup/ (CompiledCompanyAPISerializerWithExtendedCompanyAttributes): no top-level
    // city, region, country_code or linkedin_url.
    expect(
      mapRocketReachCompany({
        id: 8,
        name: 'Acme Ltd',
        domain: 'acme.io',
        links: { linkedin: 'https://www.linkedin.com/company/acme', facebook: null, twitter: null },
        address: {
          street: '1 Main Street',
          city: 'Leeds',
          region: 'England',
          postal_code: 'LS1 1AA',
          country: 'United Kingdom',
          country_code: 'GB',
        },
      }),
    ).toMatchObject({
      linkedinUrl: 'https://www.linkedin.com/company/acme',
      location: { locality: 'Leeds', region: 'England', postalCode: 'LS1 1AA', country: 'GB' },
    });
  });
});

describe('account balances', () => {
  it('reads the legacy SDK account example through lookup_credit_balance', () => {
    expect(accountBalance(account as RocketReachAccount)).toEqual({
      remaining: 123,
      limit: 600,
      renewsAt: null,
      details: {},
    });
  });

  it('prefers credit_usage, reads inf as unlimited and skips credit types the plan lacks', () => {
    expect(
      accountBalance({
        id: 1,
        lookup_credit_balance: 5,
        credit_usage: [
          { credit_type: 'person_export', allocated: 0, used: 0, remaining: 0 },
          { credit_type: 'premium_lookup', allocated: 'inf', used: 3, remaining: 'inf' },
        ],
      }),
    ).toEqual({
      remaining: Number.POSITIVE_INFINITY,
      limit: null,
      renewsAt: null,
      details: { premium_lookup: Number.POSITIVE_INFINITY },
    });
    expect(
      accountBalance({
        id: 1,
        credit_usage: [{ credit_type: 'standard_lookup', allocated: 500, used: 20, remaining: 480 }],
      }),
    ).toMatchObject({ remaining: 480, limit: 500 });
  });

  it('reads the Universal pool and what each action spent', () => {
    expect(
      universalAccountBalance({
        credit_usage: { credits_allocated: 1000, credits_used: 40, credits_remaining: 960 },
        credit_usage_by_action: [
          { credit_action: 'PhoneEnrichment', attempted_count: 5, succeeded_count: 4, credits_used: 24 },
        ],
      }),
    ).toEqual({
      remaining: 960,
      limit: 1000,
      renewsAt: null,
      details: { credits_used: 40, PhoneEnrichment: 24 },
    });
  });

  it('reads an unlimited Universal pool (inf) as unlimited, without an allowance', () => {
    const balance = universalAccountBalance({
      credit_usage: { credits_allocated: 'inf', credits_used: 7, credits_remaining: 'inf' },
    });
    expect(balance).toEqual({
      remaining: UNLIMITED_CREDITS,
      limit: null,
      renewsAt: null,
      details: { credits_used: 7 },
    });
    expect(isUnlimited(balance)).toBe(true);
  });

  it('tells an unlimited balance from a limited one, however large', () => {
    const unlimited = accountBalance({
      id: 1,
      credit_usage: [{ credit_type: 'premium_lookup', allocated: 'inf', used: 3, remaining: 'inf' }],
    });
    expect(isUnlimited(unlimited)).toBe(true);
    expect(isUnlimited(unlimited.remaining)).toBe(true);
    expect(isUnlimited({ ...unlimited, remaining: Number.MAX_SAFE_INTEGER })).toBe(false);
    expect(isUnlimited(0)).toBe(false);
  });
});
