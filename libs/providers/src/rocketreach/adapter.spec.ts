import { ProviderError } from '../errors';
import checkStatusSearching from './__fixtures__/person-checkstatus.response.200.searching.docs-example.json';
import complete from './__fixtures__/person-lookup.response.200.complete.docs-example.json';
import {
  companyNameKey,
  RocketReachAdapter,
  rocketReachLookupOutcome,
  rocketReachMatchOf,
  rocketReachTeaserSays,
  teaserFacetsOf,
} from './adapter';
import { RocketReachClient } from './client';
import { ROCKETREACH_ATTRIBUTION } from './descriptor';
import { mapRocketReachProfile } from './mapper';
import type { RocketReachProfile } from './types';

type Answer = { status: number; body: unknown };

/** An adapter over a scripted RocketReach (one answer per path); the requested URLs are kept. */
function adapterWith(script: Record<string, Answer>) {
  const urls: URL[] = [];
  const fetchImpl = ((input: string | URL | Request): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    urls.push(url);
    const answer = script[url.pathname.replace('/api/v2', '')];
    return answer
      ? Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }))
      : Promise.reject(new Error(`nothing scripted for ${url.pathname}`));
  }) as typeof fetch;
  const client = new RocketReachClient({
    baseUrl: 'https://api.rocketreach.co/api/v2',
    apiKey: 'key',
    fetch: fetchImpl,
  });
  return { adapter: new RocketReachAdapter(client, { webhookId: 77 }), urls };
}

const withPhone: RocketReachProfile = {
  ...(complete as RocketReachProfile),
  emails: [],
  phones: [{ number: '+44 7400 123456', type: 'mobile' }],
};

describe('rocketReachLookupOutcome', () => {
  it('is pending with the profile id while RocketReach is still searching, and free', () => {
    const [searching] = checkStatusSearching as RocketReachProfile[];
    expect(rocketReachLookupOutcome(searching, 'email')).toEqual({
      status: 'pending',
      taskId: '5244',
      credits: 0,
    });
    expect(rocketReachLookupOutcome({ id: 3, status: 'progress' }, 'person').status).toBe('pending');
  });

  it('is a hit, charged one credit, when a complete profile has what was asked for', () => {
    expect(rocketReachLookupOutcome(complete as RocketReachProfile, 'email')).toEqual({
      status: 'hit',
      data: { email: 'johndoe@google.com', kind: 'work', verdict: 'valid', confidence: 0.85 },
      credits: 1,
      revealed: { profile: mapRocketReachProfile(complete as RocketReachProfile) },
    });
    expect(rocketReachLookupOutcome(withPhone, 'phone')).toMatchObject({
      status: 'hit',
      data: [{ number: '+447400123456', kind: 'mobile' }],
      credits: 1,
    });
  });

  it('keeps the numbers and the profile an e-mail lookup revealed and charged for, found address or not', () => {
    const both: RocketReachProfile = { ...(complete as RocketReachProfile), phones: withPhone.phones };
    const numbers = { phones: [expect.objectContaining({ number: '+447400123456', kind: 'mobile' })] };
    expect(rocketReachLookupOutcome(both, 'email')).toEqual({
      status: 'hit',
      data: { email: 'johndoe@google.com', kind: 'work', verdict: 'valid', confidence: 0.85 },
      credits: 1,
      revealed: { ...numbers, profile: mapRocketReachProfile(both) },
    });
    // A profile with a number and no work address: charged for the number, which is kept.
    expect(rocketReachLookupOutcome(withPhone, 'email')).toMatchObject({
      status: 'miss',
      credits: 1,
      revealed: { ...numbers, profile: mapRocketReachProfile(withPhone) },
    });
    // No numbers revealed when the lookup gave none.
    expect(rocketReachLookupOutcome(complete as RocketReachProfile, 'email')).not.toHaveProperty(
      'revealed.phones',
    );
    // A phone lookup reveals the profile; a lookup that charged nothing reveals nothing.
    expect(rocketReachLookupOutcome(withPhone, 'phone')).toMatchObject({
      revealed: { profile: mapRocketReachProfile(withPhone) },
    });
    expect(rocketReachLookupOutcome(complete as RocketReachProfile, 'phone')).toMatchObject({
      status: 'miss',
      credits: 1,
      revealed: { profile: mapRocketReachProfile(complete as RocketReachProfile) },
    });
    expect(rocketReachLookupOutcome({ id: 1, status: 'complete', emails: [] }, 'email')).not.toHaveProperty(
      'revealed',
    );
  });

  it('is a charged miss when the profile came with contact data but not the kind asked for', () => {
    expect(rocketReachLookupOutcome(withPhone, 'email')).toMatchObject({ status: 'miss', credits: 1 });
    expect(rocketReachLookupOutcome(complete as RocketReachProfile, 'phone')).toMatchObject({
      status: 'miss',
      credits: 1,
    });
  });

  it('is a free miss when the lookup failed or came back empty', () => {
    expect(rocketReachLookupOutcome({ id: 1, status: 'failed' }, 'person')).toMatchObject({
      status: 'miss',
      credits: 0,
    });
    expect(rocketReachLookupOutcome({ id: 1, status: 'complete', emails: [] }, 'email')).toMatchObject({
      status: 'miss',
      credits: 0,
    });
  });
});

describe('what a RocketReach lookup charges', () => {
  const graded = (emailGrade: string | null, phoneGrade?: string | null): RocketReachProfile => ({
    id: 9,
    status: 'complete',
    emails: [
      {
        email: 'ann.lee@acme.com',
        smtp_valid: emailGrade === 'A' ? 'valid' : 'invalid',
        type: 'professional',
        ...(emailGrade === null ? {} : { grade: emailGrade }),
      },
    ],
    phones:
      phoneGrade === undefined
        ? []
        : [
            {
              number: '+44 7400 123456',
              type: 'mobile',
              ...(phoneGrade === null ? {} : { grade: phoneGrade }),
            },
          ],
  });

  it('is nothing for an e-mail graded B or worse with no phone: only A/A- e-mails and phones are charged', () => {
    expect(rocketReachLookupOutcome(graded('B'), 'email')).toMatchObject({ credits: 0 });
    expect(rocketReachLookupOutcome(graded('C'), 'email')).toMatchObject({ credits: 0 });
    expect(rocketReachLookupOutcome(graded('B', 'B'), 'phone')).toMatchObject({ credits: 0 });
  });

  it('is one credit for an A or A- e-mail, or a well-graded phone beside a poor e-mail', () => {
    expect(rocketReachLookupOutcome(graded('A'), 'email')).toMatchObject({ status: 'hit', credits: 1 });
    expect(rocketReachLookupOutcome(graded('A-'), 'email')).toMatchObject({ credits: 1 });
    expect(rocketReachLookupOutcome(graded('B', 'A'), 'email')).toMatchObject({ credits: 1 });
  });

  it('is one credit for entries with no grade (older answers): an unknown is counted as spent', () => {
    expect(rocketReachLookupOutcome(graded(null), 'email')).toMatchObject({ credits: 1 });
    expect(rocketReachLookupOutcome(graded('B', null), 'phone')).toMatchObject({ credits: 1 });
  });

  it('is recorded the same way in the call log as in the outcome', async () => {
    const { adapter } = adapterWith({ '/person/lookup': { status: 200, body: graded('B') } });
    const calls: { credits: number }[] = [];
    const logged = new RocketReachAdapter(
      new RocketReachClient({
        baseUrl: 'https://api.rocketreach.co/api/v2',
        apiKey: 'key',
        fetch: () => Promise.resolve(new Response(JSON.stringify(graded('B')), { status: 200 })),
        onCall: (call) => calls.push(call),
      }),
      { webhookId: 77 },
    );
    const query = { linkedinUrl: 'https://www.linkedin.com/in/ann' };
    expect((await adapter.findWorkEmail(query)).data).toMatchObject({ credits: 0 });
    await logged.findWorkEmail(query);
    expect(calls.map((call) => call.credits)).toEqual([0]);
  });
});

describe('rocketReachMatchOf', () => {
  it('sends every strong identifier, and a name only with an employer', () => {
    expect(
      rocketReachMatchOf({ email: 'a@acme.io', firstName: 'Ann', lastName: 'Lee', domain: 'acme.io' }),
    ).toEqual({ email: 'a@acme.io', name: 'Ann Lee', current_employer: 'acme.io' });
    expect(rocketReachMatchOf({ fullName: 'Ann Lee' })).toBeNull();
    expect(rocketReachMatchOf({ fullName: 'Ann Lee', companyName: 'Acme' })).toEqual({
      name: 'Ann Lee',
      current_employer: 'Acme',
    });
  });
});

describe('RocketReachAdapter', () => {
  it('carries RocketReach’s attribution', () => {
    expect(adapterWith({}).adapter.attribution).toBe(ROCKETREACH_ATTRIBUTION);
    expect(ROCKETREACH_ATTRIBUTION).toBe('Powered by RocketReach');
  });

  it('looks a person up through the configured webhook and answers pending while searching', async () => {
    const { adapter, urls } = adapterWith({
      '/person/lookup': { status: 200, body: { id: 5244, status: 'searching' } },
    });
    const result = await adapter.lookupPerson({ linkedinUrl: 'https://www.linkedin.com/in/ann' });
    expect(result.data).toEqual({ status: 'pending', taskId: '5244', credits: 0 });
    expect(urls[0].searchParams.get('webhook_id')).toBe('77');
  });

  it('completes a pending lookup from checkStatus', async () => {
    const { adapter, urls } = adapterWith({
      '/person/checkStatus': { status: 200, body: [complete] },
    });
    const result = await adapter.completeLookup('5244', 'email');
    expect(result.data).toMatchObject({ status: 'hit', data: { email: 'johndoe@google.com' }, credits: 1 });
    expect(urls[0].searchParams.getAll('ids')).toEqual(['5244']);
  });

  it('treats a checkStatus answer without the profile as invalid', async () => {
    const { adapter } = adapterWith({ '/person/checkStatus': { status: 200, body: [] } });
    await expect(adapter.completeLookup('5244', 'person')).rejects.toMatchObject({
      kind: 'invalid_response',
    });
  });

  it('answers a free miss for a person or company RocketReach does not know', async () => {
    const { adapter } = adapterWith({
      '/person/lookup': { status: 404, body: { detail: 'Not found.' } },
      '/company/lookup/': { status: 404, body: { detail: 'Not found.' } },
    });
    expect((await adapter.findWorkEmail({ email: 'nobody@acme.io' })).data).toMatchObject({
      status: 'miss',
      credits: 0,
    });
    expect((await adapter.lookupCompany({ domain: 'acme.io' })).data).toMatchObject({
      status: 'miss',
      credits: 0,
    });
  });

  it('lets other errors through', async () => {
    const { adapter } = adapterWith({
      '/person/lookup': { status: 401, body: { status: 401, message: 'x' } },
    });
    await expect(adapter.findPhone({ email: 'a@acme.io' })).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('searches people by name, company and domain, and companies by name and domain, for free', async () => {
    const pagination = { start: 1, next: null, total: 1 };
    const { adapter } = adapterWith({
      '/person/search': {
        status: 201,
        body: { profiles: [{ id: 1, status: 'complete', name: 'Ann Lee' }], pagination },
      },
      '/searchCompany': { status: 201, body: { companies: [], pagination: { ...pagination, total: 0 } } },
    });
    const found = await adapter.searchPeople({
      fullName: 'Ann Lee',
      companyName: 'Acme',
      domain: 'acme.io',
      limit: 5,
    });
    expect(found.data).toMatchObject({ status: 'hit', credits: 0, data: [{ fullName: 'Ann Lee' }] });
    expect((await adapter.searchCompanies({ name: 'Acme' })).data).toEqual({ status: 'miss', credits: 0 });
  });

  it.each<[string, (adapter: RocketReachAdapter) => Promise<unknown>]>([
    ['a lookup with only a name', (a) => a.lookupPerson({ fullName: 'Ann Lee' })],
    ['a people search with nothing to search by', (a) => a.searchPeople({ email: 'a@acme.io' })],
    ['a company lookup with neither domain nor name', (a) => a.lookupCompany({})],
    ['a company search with neither name nor domain', (a) => a.searchCompanies({ limit: 5 })],
  ])('refuses %s before any request', async (_what, run) => {
    const { adapter, urls } = adapterWith({});
    const error = await run(adapter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'bad_request' });
    expect(urls).toEqual([]);
  });
});

describe("a company's domain from RocketReach's free company search", () => {
  const searchAnswering = (companies: Record<string, unknown>[]) =>
    adapterWith({
      '/searchCompany': {
        status: 201,
        body: { companies, pagination: { start: 1, next: null, total: companies.length } },
      },
    });

  it('is the domain of the company of exactly that name, free, whatever else the search found', async () => {
    const { adapter, urls } = searchAnswering([
      { id: 1, name: 'Greystone Estates Holdings Ltd', domain: 'greystone-holdings.com' },
      { id: 2, name: 'GREYSTONE ESTATES PLC', domain: null, email_domain: 'www.GreystoneEstates.co.uk' },
    ]);
    const found = await adapter.resolveCompanyDomain({ companyName: 'Greystone Estates plc' });
    expect(found.data).toEqual({
      status: 'hit',
      data: { domain: 'greystoneestates.co.uk', companyName: 'GREYSTONE ESTATES PLC' },
      credits: 0,
    });
    expect(urls.map((url) => url.pathname)).toEqual(['/api/v2/searchCompany']);
  });

  it('is a free miss for a near name only, or for the company without a domain', async () => {
    const near = searchAnswering([
      { id: 1, name: 'Greystone Estates Holdings Ltd', domain: 'greystone.com' },
    ]);
    expect((await near.adapter.resolveCompanyDomain({ companyName: 'Greystone Estates Ltd' })).data).toEqual({
      status: 'miss',
      credits: 0,
      reason: 'no company of that name with a domain',
    });
    const bare = searchAnswering([{ id: 2, name: 'Greystone Estates Ltd', domain: null }]);
    expect(
      (await bare.adapter.resolveCompanyDomain({ companyName: 'Greystone Estates Ltd' })).data,
    ).toMatchObject({
      status: 'miss',
      credits: 0,
    });
  });

  it('refuses a blank name before any request', async () => {
    const { adapter, urls } = adapterWith({});
    await expect(adapter.resolveCompanyDomain({ companyName: '  ' })).rejects.toMatchObject({
      kind: 'bad_request',
    });
    expect(urls).toEqual([]);
  });

  it('compares names by what names them: case, punctuation and register suffixes aside', () => {
    expect(companyNameKey('ACME LIMITED')).toBe(companyNameKey('Acme Ltd.'));
    expect(companyNameKey('Orchard Brewing Co Ltd')).toBe(companyNameKey('ORCHARD BREWING COMPANY LIMITED'));
    expect(companyNameKey('Smith & Sons LLP')).toBe(companyNameKey('Smith and Sons'));
    expect(companyNameKey('Acme Holdings Ltd')).not.toBe(companyNameKey('Acme Ltd'));
  });
});

describe('a work e-mail from RocketReach: its free search first', () => {
  const pagination = { start: 1, next: null, total: 1 };
  const teased = (teaser: RocketReachProfile['teaser']): Answer => ({
    status: 201,
    body: { profiles: [{ id: 5, status: 'complete', name: 'John Doe', teaser }], pagination },
  });
  const teaser = (professional: string[], phone = false): RocketReachProfile['teaser'] => ({
    emails: [],
    professional_emails: professional,
    personal_emails: [],
    phones: [],
    is_premium_phone_available: phone,
  });
  const byName = { firstName: 'John', lastName: 'Doe', domain: 'google.com' };

  it('looks up nobody, and charges nothing, when the search shows no work address', async () => {
    const { adapter, urls } = adapterWith({
      '/person/search': teased(teaser([], true)),
      '/person/lookup': { status: 200, body: withPhone },
    });
    const result = await adapter.findWorkEmail(byName);
    expect(result.data).toMatchObject({ status: 'miss', credits: 0 });
    expect(urls.map((url) => url.pathname)).toEqual(['/api/v2/person/search']);
  });

  it('looks up nobody when the search finds nobody by that name at the domain', async () => {
    const { adapter, urls } = adapterWith({
      '/person/search': { status: 201, body: { profiles: [], pagination: { ...pagination, total: 0 } } },
    });
    expect((await adapter.findWorkEmail(byName)).data).toMatchObject({ status: 'miss', credits: 0 });
    expect(urls).toHaveLength(1);
  });

  it('looks the person up when the search shows a work address at the domain', async () => {
    const { adapter, urls } = adapterWith({
      '/person/search': teased(teaser(['google.com'])),
      '/person/lookup': { status: 200, body: complete },
    });
    const result = await adapter.findWorkEmail(byName);
    expect(result.data).toMatchObject({ status: 'hit', data: { email: 'johndoe@google.com' }, credits: 1 });
    expect(urls.map((url) => url.pathname)).toEqual(['/api/v2/person/search', '/api/v2/person/lookup']);
  });

  it('leaves it to the lookup when the search cannot tell, or cannot find the person that way', async () => {
    const noTeaser: Answer = {
      status: 201,
      body: { profiles: [{ id: 5, status: 'complete', name: 'John Doe' }], pagination },
    };
    const { adapter, urls } = adapterWith({
      '/person/search': noTeaser,
      '/person/lookup': { status: 200, body: complete },
    });
    expect((await adapter.findWorkEmail(byName)).data).toMatchObject({ status: 'hit', credits: 1 });
    expect(urls.map((url) => url.pathname)).toEqual(['/api/v2/person/search', '/api/v2/person/lookup']);
    // By LinkedIn URL: the lookup matches it, the search's facets do not.
    urls.length = 0;
    await adapter.findWorkEmail({ ...byName, linkedinUrl: 'https://www.linkedin.com/in/johndoe' });
    expect(urls.map((url) => url.pathname)).toEqual(['/api/v2/person/lookup']);
  });

  it('reads the teasers: a work address at the domain asked about, or any when none was', () => {
    const profile = (t: RocketReachProfile['teaser']): RocketReachProfile => ({
      id: 1,
      status: 'complete',
      teaser: t,
    });
    expect(rocketReachTeaserSays([profile(teaser(['Google.com']))], 'google.com')).toBe('present');
    expect(rocketReachTeaserSays([profile(teaser(['@google.com']))], 'google.com')).toBe('present');
    expect(rocketReachTeaserSays([profile(teaser(['alphabet.com']))], 'google.com')).toBe('absent');
    expect(rocketReachTeaserSays([profile(teaser(['alphabet.com']))], undefined)).toBe('present');
    expect(rocketReachTeaserSays([profile(teaser([])), profile(teaser(['google.com']))], 'google.com')).toBe(
      'present',
    );
    expect(rocketReachTeaserSays([profile(teaser([])), profile(null)], 'google.com')).toBe('unknown');
    expect(rocketReachTeaserSays([], 'google.com')).toBe('absent');
  });

  it('cannot tell from a teaser without professional_emails (optional in the OpenAPI): the lookup decides', () => {
    const profile = (t: RocketReachProfile['teaser']): RocketReachProfile => ({
      id: 1,
      status: 'complete',
      teaser: t,
    });
    // An older or shorter teaser: the e-mail domains and a preview, no professional/personal split.
    const short = { emails: ['google.com'], preview: ['j***@google.com'] };
    expect(rocketReachTeaserSays([profile(short)], 'google.com')).toBe('unknown');
    expect(rocketReachTeaserSays([profile(short), profile({ professional_emails: [] })], 'google.com')).toBe(
      'unknown',
    );
    expect(
      rocketReachTeaserSays([profile(short), profile({ professional_emails: ['google.com'] })], 'google.com'),
    ).toBe('present');
  });

  it('searches by name at the domain, else at the company, and not at all without both', () => {
    expect(teaserFacetsOf(byName)).toEqual({ name: ['John Doe'], company_domain: ['google.com'] });
    expect(teaserFacetsOf({ fullName: 'John Doe', companyName: 'Google' })).toEqual({
      name: ['John Doe'],
      company_name: ['Google'],
    });
    expect(teaserFacetsOf({ fullName: 'John Doe' })).toBeNull();
    expect(teaserFacetsOf({ domain: 'google.com' })).toBeNull();
    expect(teaserFacetsOf({ ...byName, email: 'john@google.com' })).toBeNull();
    expect(teaserFacetsOf({ ...byName, phone: '+447400123456' })).toBeNull();
  });
});
