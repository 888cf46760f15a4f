import type { Firmographics, Person } from '../records/person';
import { selectProviders, type ProviderCandidate, type ProviderStats } from './select-providers';
import { chooseStats, requestSegments, segmentKey, statsKey, type ProviderStatsTable } from './segments';

function person(country: string | null): Person {
  return {
    firstName: 'Ada',
    lastName: 'Lovelace',
    fullName: 'Ada Lovelace',
    title: null,
    seniority: null,
    department: null,
    linkedinUrl: null,
    companyName: 'Acme',
    companyDomain: 'acme.com',
    location: { locality: 'London', region: null, country },
    emails: [],
    phones: [],
  };
}

function firmographics(industry: string | null, country: string | null = null): Firmographics {
  return {
    name: 'Acme',
    domain: 'acme.com',
    industry,
    employees: null,
    revenueUsd: null,
    technologies: [],
    linkedinUrl: null,
    phone: null,
    location: country ? { locality: null, region: null, country } : null,
  };
}

const stats = (calls: number, hits: number, credits: number): ProviderStats => ({ calls, hits, credits });

describe('segmentKey', () => {
  it('folds the value as the call log query does: trimmed, spaces collapsed, lower-cased', () => {
    expect(segmentKey('industry', '  Computer   Software ')).toBe('industry:computer software');
    expect(segmentKey('country', 'GB')).toBe('country:gb');
  });

  it('is one segment for a country however a provider wrote it, and for the country of a number', () => {
    for (const written of ['GB', 'gb', 'United Kingdom', 'UK', 'England', ' great  britain ']) {
      expect(segmentKey('country', written)).toBe('country:gb');
    }
    expect(requestSegments({}, { person: person('United Kingdom') })).toEqual(
      requestSegments({ phone: '+447400123456' }),
    );
    // A name no table knows stays a segment of its own.
    expect(segmentKey('country', 'Atlantis')).toBe('country:atlantis');
  });

  it('has no segment for a missing or blank value', () => {
    expect(segmentKey('industry', null)).toBeNull();
    expect(segmentKey('industry', '  ')).toBeNull();
    expect(segmentKey('country', 44)).toBeNull();
  });
});

describe('requestSegments', () => {
  it('knows nothing of a request whose input and answers say nothing of industry or country', () => {
    expect(requestSegments({ first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' })).toEqual([]);
  });

  it("takes the country of the caller's E.164 phone number", () => {
    expect(requestSegments({ phone: '+447400123456' })).toEqual(['country:gb']);
    expect(requestSegments({ phone: '+12025550143' })).toEqual(['country:us']);
  });

  it('does not guess the country of a number without its country code', () => {
    expect(requestSegments({ phone: '07700 900123' })).toEqual([]);
  });

  it("takes the industry and country of the request's firmographics answer, industry first", () => {
    expect(requestSegments({}, { firmographics: firmographics('Retail', 'US') })).toEqual([
      'industry:retail',
      'country:us',
    ]);
  });

  it("prefers an answer's country to the caller's phone number, the firmographics' to the profile's", () => {
    expect(requestSegments({ phone: '+447400123456' }, { person: person('FR') })).toEqual(['country:fr']);
    expect(requestSegments({}, { person: person('FR'), firmographics: firmographics(null, 'DE') })).toEqual([
      'country:de',
    ]);
  });

  it('takes the country of a number the phone goal found when nothing else names one', () => {
    expect(
      requestSegments(
        {},
        {
          person: person(null),
          phones: [{ number: '+33612345678', extension: null, kind: 'mobile', country: 'FR' }],
        },
      ),
    ).toEqual(['country:fr']);
  });
});

describe('chooseStats', () => {
  const table: ProviderStatsTable = {
    byOperation: new Map([
      [statsKey('apollo', 'person.email'), stats(200, 100, 200)],
      [statsKey('apollo', 'person.phone'), stats(50, 5, 50)],
    ]),
    bySegment: new Map([
      [statsKey('apollo', 'person.email', 'industry:retail'), stats(40, 36, 40)],
      [statsKey('apollo', 'person.email', 'country:gb'), stats(10, 1, 10)],
    ]),
  };

  it("uses the segment's figures for the provider and operation when they have enough calls", () => {
    expect(chooseStats(table, 'apollo', 'person.email', ['industry:retail'], 30)).toEqual({
      stats: stats(40, 36, 40),
      basis: 'segment',
      segment: 'industry:retail',
    });
  });

  it("falls back to the operation's figures when the segment has too few calls or none", () => {
    expect(chooseStats(table, 'apollo', 'person.email', ['country:gb'], 30)).toEqual({
      stats: stats(200, 100, 200),
      basis: 'operation',
      segment: null,
    });
    expect(chooseStats(table, 'apollo', 'person.email', ['industry:mining'], 30).basis).toBe('operation');
  });

  it('takes the first segment with enough calls, in the order given', () => {
    expect(chooseStats(table, 'apollo', 'person.email', ['country:gb', 'industry:retail'], 5).segment).toBe(
      'country:gb',
    );
    expect(chooseStats(table, 'apollo', 'person.email', ['country:gb', 'industry:retail'], 30).segment).toBe(
      'industry:retail',
    );
  });

  it("never uses another operation's figures: an unmeasured operation has none (the prior alone)", () => {
    expect(chooseStats(table, 'apollo', 'email.verify', [], 30)).toEqual({
      stats: null,
      basis: 'none',
      segment: null,
    });
    expect(chooseStats(table, 'snov', 'person.email', ['industry:retail'], 30).basis).toBe('none');
  });
});

describe('measured ordering by segment', () => {
  // Overall Snov.io answers e-mails more cheaply; in retail Apollo does.
  const table: ProviderStatsTable = {
    byOperation: new Map([
      [statsKey('snov', 'person.email'), stats(200, 160, 200)],
      [statsKey('apollo', 'person.email'), stats(200, 80, 200)],
    ]),
    bySegment: new Map([
      [statsKey('snov', 'person.email', 'industry:retail'), stats(40, 4, 40)],
      [statsKey('apollo', 'person.email', 'industry:retail'), stats(40, 36, 40)],
    ]),
  };
  const candidate = (name: string, segments: readonly string[]): ProviderCandidate => ({
    name,
    cost: 1,
    chargedOnMiss: true,
    enabled: true,
    hasCredentials: true,
    creditsBalance: null,
    paused: false,
    circuit: 'closed',
    rateBudgetLeft: null,
    minimumTier: null,
    priority: name === 'snov' ? 1 : 2,
    stats: chooseStats(table, name, 'person.email', segments, 30).stats,
  });
  const first = (segments: readonly string[]): string | undefined =>
    selectProviders([candidate('apollo', segments), candidate('snov', segments)], {
      tier: 'pro',
      ordering: 'cost_per_success',
      budgetLeft: null,
      tried: [],
      waitForCredits: false,
    }).ordered[0]?.name;

  it("orders a request of the segment by the segment's figures", () => {
    expect(first(['industry:retail'])).toBe('apollo');
  });

  it("orders a request of no segment, or of one too little measured, by the operation's figures", () => {
    expect(first([])).toBe('snov');
    expect(first(['industry:mining', 'country:gb'])).toBe('snov');
  });
});
