import { ProviderError } from '../errors';
import type { ProviderCallRecord } from '../http/provider-http';
import account from './__fixtures__/account.response.200.legacy-sdk-example.json';
import bulkRequest from './__fixtures__/bulk-lookup.request.docs-example.json';
import checkStatusSearching from './__fixtures__/person-checkstatus.response.200.searching.docs-example.json';
import complete from './__fixtures__/person-lookup.response.200.complete.docs-example.json';
import lookupRequest from './__fixtures__/person-lookup.request.webhook.docs-example.json';
import lookupSearching from './__fixtures__/person-lookup.response.200.searching.docs-example.json';
import { RocketReachClient, ROCKETREACH_ENDPOINTS } from './client';
import type { RocketReachPersonMatch } from './types';

const API_KEY = 'rr-live-key-do-not-log';
const REQUEST_ID = '85c36d54-8c43-4a97-8a7d-782d8a0f938f';

interface SeenRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  apiKey: string | null;
  body: unknown;
}

/** `body: undefined`: an answer without a body. */
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** A scripted RocketReach: one answer per path; every request is kept for the test to read. */
function fakeRocketReach(script: Record<string, Answer>) {
  const seen: SeenRequest[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const path = url.pathname.replace('/api/v2', '');
    seen.push({
      method: init?.method ?? 'GET',
      path,
      params: url.searchParams,
      apiKey: new Headers(init?.headers).get('api-key'),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null,
    });
    const answer = script[path];
    if (!answer) {
      return Promise.reject(new Error(`the fake RocketReach has no answer scripted for ${path}`));
    }
    return Promise.resolve(
      new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
      }),
    );
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

function clientWith(script: Record<string, Answer>) {
  const fake = fakeRocketReach(script);
  const calls: ProviderCallRecord[] = [];
  const client = new RocketReachClient({
    baseUrl: 'https://api.rocketreach.co/api/v2',
    apiKey: API_KEY,
    fetch: fake.fetch,
    onCall: (call) => calls.push(call),
  });
  return { client, seen: fake.seen, calls };
}

const people = (count: number): RocketReachPersonMatch[] =>
  Array.from({ length: count }, (_, i) => ({ id: 1000 + i }));

async function refusal(run: () => Promise<unknown>): Promise<ProviderError> {
  const error = await run().then(
    () => new Error('the call was not refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('RocketReachClient requests', () => {
  it('says a broken-off free search or status poll charged nothing, and a broken-off lookup may have', async () => {
    // Nothing scripted: every request breaks off after it was sent.
    const { client } = clientWith({});
    const failed = (run: () => Promise<unknown>): Promise<ProviderError> =>
      run().then(
        () => {
          throw new Error('the call did not fail');
        },
        (error: unknown) => error as ProviderError,
      );
    const search = await failed(() => client.personSearch({ name: ['Ada Lovelace'] }));
    const poll = await failed(() => client.checkStatus([1000]));
    const lookup = await failed(() =>
      client.personLookup({ name: 'Ada Lovelace', current_employer: 'Analytical' }),
    );
    expect([search, poll, lookup].map((error) => [error.kind, error.maybeDelivered])).toEqual([
      ['unavailable', false],
      ['unavailable', false],
      ['unavailable', true],
    ]);
  });

  it('looks a person up with the Api-Key header and the documented query, keeping RR-Request-ID', async () => {
    const { client, seen, calls } = clientWith({
      '/person/lookup': { status: 200, body: complete, headers: { 'RR-Request-ID': REQUEST_ID } },
    });
    const result = await client.personLookup(
      { id: lookupRequest.id },
      { webhookId: lookupRequest.webhook_id },
    );
    expect(result.data).toEqual({ profile: complete, requestId: REQUEST_ID });
    expect(seen[0].apiKey).toBe(API_KEY);
    expect(Object.fromEntries(seen[0].params)).toEqual({
      id: String(lookupRequest.id),
      webhook_id: String(lookupRequest.webhook_id),
    });
    expect(calls).toMatchObject([
      { endpoint: 'GET /person/lookup', credits: 1, providerRequestId: REQUEST_ID, errorKind: null },
    ]);
    expect(JSON.stringify(calls)).not.toContain(API_KEY);
  });

  it('accepts the docs’ one-element list as a lookup answer, and charges nothing while searching', async () => {
    const { client, calls } = clientWith({ '/person/lookup': { status: 200, body: lookupSearching } });
    const result = await client.personLookup({ name: 'Mark Benioff', current_employer: 'Salesforce' });
    expect(result.data.profile).toMatchObject({ id: 5244, status: 'searching' });
    expect(result.data.requestId).toBeNull();
    expect(calls[0].credits).toBe(0);
  });

  it('sends checkStatus ids repeated and reads the list it answers', async () => {
    const { client, seen } = clientWith({
      '/person/checkStatus': { status: 200, body: checkStatusSearching },
    });
    const result = await client.checkStatus([5244, 5245]);
    expect(seen[0].params.getAll('ids')).toEqual(['5244', '5245']);
    expect(result.data).toEqual([{ id: 5244, status: 'searching' }]);
  });

  it('starts a bulk lookup with the documented body and returns its RR-Request-ID', async () => {
    const { client, seen } = clientWith({
      '/bulkLookup': { status: 200, body: {}, headers: { 'RR-Request-ID': REQUEST_ID } },
    });
    const queries = [...bulkRequest.queries, ...people(9)];
    const result = await client.bulkLookup(queries, { webhookId: bulkRequest.webhook_id });
    expect(result.data).toEqual({ requestId: REQUEST_ID, queries: 10 });
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/bulkLookup' });
    expect(Object.keys(seen[0].body as object).sort()).toEqual(Object.keys(bulkRequest).sort());
  });

  it('takes an accepted bulk lookup with no body, as documented: the RR-Request-ID header is the answer', async () => {
    const { client, calls } = clientWith({
      '/bulkLookup': { status: 200, body: undefined, headers: { 'RR-Request-ID': REQUEST_ID } },
    });
    const result = await client.bulkLookup(people(10));
    expect(result.data).toEqual({ requestId: REQUEST_ID, queries: 10 });
    expect(calls).toMatchObject([{ errorKind: null, providerRequestId: REQUEST_ID }]);
  });

  it('reads an unlimited Universal account (credits_remaining "inf")', async () => {
    const { client } = clientWith({
      '/universal/account/': {
        status: 200,
        body: { credit_usage: { credits_allocated: 'inf', credits_used: 3, credits_remaining: 'inf' } },
      },
    });
    const result = await client.universalAccount();
    expect(result.data).toMatchObject({ remaining: Number.POSITIVE_INFINITY, limit: null });
  });

  it('treats an accepted bulk lookup without RR-Request-ID as an invalid answer', async () => {
    const { client } = clientWith({ '/bulkLookup': { status: 200, body: {} } });
    expect(await refusal(() => client.bulkLookup(people(10)))).toMatchObject({ kind: 'invalid_response' });
  });

  it('uses the OpenAPI paths, trailing slashes included, and POSTs searches with paging', async () => {
    const pagination = { start: 1, next: null, total: 0 };
    const { client, seen } = clientWith({
      '/account/': { status: 200, body: account },
      '/account/key/': { status: 200, body: { api_key: 'new-key-value' } },
      '/company/lookup/': { status: 200, body: { id: 7, name: 'Acme', domain: 'acme.io' } },
      '/searchCompany': { status: 201, body: { companies: [], pagination } },
      '/person/search': { status: 201, body: { profiles: [], pagination } },
    });
    const accountResult = await client.account();
    expect(accountResult.data.remaining).toBe(123);
    // The legacy account echoes the API key: it must not be kept with the payload.
    expect(accountResult.raw).not.toHaveProperty('api_key');
    expect(accountResult.raw).toHaveProperty('lookup_credit_balance', 123);
    expect((await client.createApiKey()).data.apiKey).toBe('new-key-value');
    expect((await client.companyLookup({ domain: 'acme.io' })).data.domain).toBe('acme.io');
    await client.companySearch({ domain: ['acme.io'] }, { pageSize: 5 });
    await client.personSearch({ name: ['Ann Lee'] }, { start: 11, pageSize: 10, orderBy: 'relevance' });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /account/',
      'POST /account/key/',
      'GET /company/lookup/',
      'POST /searchCompany',
      'POST /person/search',
    ]);
    expect(seen[3].body).toEqual({ query: { domain: ['acme.io'] }, start: 1, page_size: 5 });
    expect(seen[4].body).toEqual({
      query: { name: ['Ann Lee'] },
      start: 11,
      page_size: 10,
      order_by: 'relevance',
    });
  });

  it('sends the Universal reveal flags and counts each revealed kind at its price', async () => {
    const { client, seen, calls } = clientWith({
      '/universal/person/lookup': {
        status: 200,
        body: {
          id: 5,
          status: 'complete',
          emails: [{ email: 'ann@acme.io', type: 'professional' }],
          phones: [{ number: '+447400123456', type: 'mobile' }],
        },
      },
    });
    await client.universalPersonLookup({ email: 'ann@acme.io' }, { professionalEmail: true, phone: true });
    expect(seen[0].params.get('reveal_professional_email')).toBe('true');
    expect(seen[0].params.get('reveal_personal_email')).toBe('false');
    expect(seen[0].params.get('reveal_phone')).toBe('true');
    expect(calls[0].credits).toBe(2 + 6);
  });

  it('turns an error answer into the taxonomy and reports it with its request id', async () => {
    const { client, calls } = clientWith({
      '/person/lookup': {
        status: 404,
        body: { detail: 'Not found.' },
        headers: { 'RR-Request-ID': REQUEST_ID },
      },
    });
    expect(await refusal(() => client.personLookup({ email: 'nobody@acme.io' }))).toMatchObject({
      kind: 'not_found',
      status: 404,
    });
    expect(calls).toMatchObject([{ errorKind: 'not_found', credits: 0, providerRequestId: REQUEST_ID }]);
  });
});

describe('RocketReachClient input checks (refused before any request)', () => {
  const { client, seen } = clientWith({});

  it.each<[string, () => Promise<unknown>]>([
    ['a bulk lookup of 9', () => client.bulkLookup(people(9))],
    ['a bulk lookup of 101', () => client.bulkLookup(people(101))],
    ['a Universal bulk lookup of 0', () => client.universalBulkLookup([])],
    ['a bulk query that identifies no one', () => client.bulkLookup([...people(9), { title: 'CEO' }])],
    ['a name without current_employer', () => client.personLookup({ name: 'Jane Doe' })],
    ['no identifier at all', () => client.profileCompanyLookup({})],
    ['a blank e-mail', () => client.personLookup({ email: '  ' })],
    ['a negative profile id', () => client.personLookup({ id: -4 })],
    ['a status check of no ids', () => client.checkStatus([])],
    ['a status check of a fractional id', () => client.universalCheckStatus([1.5])],
    ['a search without facets', () => client.personSearch({})],
    ['a search facet without values', () => client.companySearch({ name: [] })],
    ['a search starting at 0', () => client.personSearch({ name: ['x'] }, { start: 0 })],
    ['a search starting past 10000', () => client.personSearch({ name: ['x'] }, { start: 10_001 })],
    ['a page of 101', () => client.universalCompanySearch({ name: ['x'] }, { pageSize: 101 })],
    ['a company lookup without identifiers', () => client.companyLookup({ domain: ' ' })],
  ])('refuses %s', async (_what, run) => {
    expect(await refusal(run)).toMatchObject({ kind: 'bad_request', call: null });
    expect(seen).toEqual([]);
  });

  it('needs an API key', () => {
    expect(() => new RocketReachClient({ baseUrl: 'https://api.rocketreach.co/api/v2', apiKey: '' })).toThrow(
      /ROCKETREACH_API_KEY/,
    );
  });
});

describe('RocketReachClient endpoints', () => {
  it('names every endpoint it serves', () => {
    expect(Object.keys(ROCKETREACH_ENDPOINTS)).toHaveLength(16);
  });
});
