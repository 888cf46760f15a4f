import { ProviderError } from '../errors';
import type { ProviderCallRecord } from '../http/provider-http';
import tokenSample from './__fixtures__/oauth.access-token.response.200.json';
import balanceSample from './__fixtures__/get-balance.response.200.json';
import domainStartSample from './__fixtures__/domain-search.start.response.200.json';
import domainResultSample from './__fixtures__/domain-search.result.response.200.completed.json';
import finderStartSample from './__fixtures__/email-finder.start.response.200.json';
import finderResultSample from './__fixtures__/email-finder.result.response.200.completed.json';
import { SnovClient } from './client';

const SECRET = 'client-secret-do-not-log';

interface SeenRequest {
  method: string;
  path: string;
  search: string;
  authorization: string | null;
  contentType: string | null;
  body: string;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A scripted Snov.io: each path answers from its own queue (the last answer repeats), and every
 * request is kept so a test can count token calls and read what was sent.
 */
function fakeSnov(script: Record<string, Answer[]>) {
  const seen: SeenRequest[] = [];
  const queues = new Map(Object.entries(script).map(([path, answers]) => [path, [...answers]]));
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const headers = new Headers(init?.headers);
    seen.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      authorization: headers.get('authorization'),
      contentType: headers.get('content-type'),
      body: typeof init?.body === 'string' ? init.body : '',
    });
    const queue = queues.get(url.pathname);
    if (!queue || queue.length === 0) {
      return Promise.reject(new Error(`the fake Snov.io has no answer scripted for ${url.pathname}`));
    }
    const answer = queue.length > 1 ? queue.shift()! : queue[0];
    return Promise.resolve(
      new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
      }),
    );
  }) as typeof fetch;
  return { fetch: fetchImpl, seen, count: (path: string) => seen.filter((r) => r.path === path).length };
}

const tokenAnswer = (token: string, expiresIn = 3600): Answer => ({
  status: 200,
  body: { ...tokenSample, access_token: token, expires_in: expiresIn },
});
const expired: Answer = { status: 401, body: { success: false, errors: 'The access token has expired' } };
const balance: Answer = { status: 200, body: balanceSample };

function clientOf(
  fake: ReturnType<typeof fakeSnov>,
  options: { now?: () => number; calls?: ProviderCallRecord[] } = {},
) {
  return new SnovClient({
    baseUrl: 'https://api.snov.test',
    clientId: 'client-id',
    clientSecret: SECRET,
    fetch: fake.fetch,
    now: options.now,
    onCall: options.calls ? (record) => options.calls!.push(record) : undefined,
  });
}

describe('SnovClient access token', () => {
  it('asks for a client-credentials token with form fields and sends it as a Bearer header', async () => {
    const fake = fakeSnov({ '/v1/oauth/access_token': [tokenAnswer('tok-1')], '/v1/get-balance': [balance] });
    await clientOf(fake).getBalance();
    const [tokenCall, balanceCall] = fake.seen;
    expect(tokenCall).toMatchObject({ method: 'POST', contentType: 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(tokenCall.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-id',
      client_secret: SECRET,
    });
    expect(balanceCall.authorization).toBe('Bearer tok-1');
  });

  it('is requested once for many calls, concurrent ones included', async () => {
    const fake = fakeSnov({ '/v1/oauth/access_token': [tokenAnswer('tok-1')], '/v1/get-balance': [balance] });
    const snov = clientOf(fake);
    await Promise.all([snov.getBalance(), snov.getBalance(), snov.getBalance()]);
    await snov.getBalance();
    expect(fake.count('/v1/oauth/access_token')).toBe(1);
    expect(fake.count('/v1/get-balance')).toBe(4);
  });

  it('is renewed shortly before expires_in runs out, not after', async () => {
    let now = 1_000_000;
    const fake = fakeSnov({
      '/v1/oauth/access_token': [tokenAnswer('tok-1'), tokenAnswer('tok-2')],
      '/v1/get-balance': [balance],
    });
    const snov = clientOf(fake, { now: () => now });
    await snov.getBalance();
    now += 3_500_000;
    await snov.getBalance();
    expect(fake.count('/v1/oauth/access_token')).toBe(1);
    now += 60_000;
    await snov.getBalance();
    expect(fake.count('/v1/oauth/access_token')).toBe(2);
    expect(fake.seen.at(-1)?.authorization).toBe('Bearer tok-2');
  });

  it('says when the next call will fetch a token first (a call of its own to count), and not while one is on its way', async () => {
    let now = 1_000_000;
    const fake = fakeSnov({
      '/v1/oauth/access_token': [tokenAnswer('tok-1'), tokenAnswer('tok-2')],
      '/v1/get-balance': [balance],
    });
    const snov = clientOf(fake, { now: () => now });
    expect(snov.tokenDue()).toBe(true);
    const first = snov.getBalance();
    // The fetch under way is shared: a call made now makes none of its own.
    expect(snov.tokenDue()).toBe(false);
    await first;
    expect(snov.tokenDue()).toBe(false);
    now += 3_560_000;
    expect(snov.tokenDue()).toBe(true);
    await snov.getBalance();
    expect(snov.tokenDue()).toBe(false);
    expect(fake.count('/v1/oauth/access_token')).toBe(2);
  });

  it('is refreshed once when a call meets a 401, and the call repeated with the new token', async () => {
    const fake = fakeSnov({
      '/v1/oauth/access_token': [tokenAnswer('tok-1'), tokenAnswer('tok-2')],
      '/v1/get-balance': [balance, expired, balance],
    });
    const snov = clientOf(fake);
    await snov.getBalance();
    const result = await snov.getBalance();
    expect(result.data.remaining).toBe(25000);
    expect(fake.seen.map((r) => `${r.path} ${r.authorization ?? ''}`)).toEqual([
      '/v1/oauth/access_token ',
      '/v1/get-balance Bearer tok-1',
      '/v1/get-balance Bearer tok-1',
      '/v1/oauth/access_token ',
      '/v1/get-balance Bearer tok-2',
    ]);
  });

  it('gives up as unauthorized on a second 401, after exactly one refresh', async () => {
    const fake = fakeSnov({
      '/v1/oauth/access_token': [tokenAnswer('tok-1'), tokenAnswer('tok-2')],
      '/v1/get-balance': [expired],
    });
    const error = (await clientOf(fake)
      .getBalance()
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('unauthorized');
    expect(error.retryable).toBe(false);
    expect(fake.count('/v1/oauth/access_token')).toBe(2);
    expect(fake.count('/v1/get-balance')).toBe(2);
  });

  it('fails as unauthorized without retrying when the credentials are refused', async () => {
    const fake = fakeSnov({
      '/v1/oauth/access_token': [
        { status: 401, body: { success: false, errors: 'Invalid client credentials' } },
      ],
    });
    await expect(clientOf(fake).getBalance()).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(fake.seen).toHaveLength(1);
  });

  it('never lets the client secret or a token into messages, bodies or the call log', async () => {
    const calls: ProviderCallRecord[] = [];
    const fake = fakeSnov({
      '/v1/oauth/access_token': [tokenAnswer('tok-secret-1'), tokenAnswer('tok-secret-2')],
      '/v1/get-balance': [
        { status: 401, body: { success: false, errors: 'token tok-secret-1 has expired' } },
        { status: 400, body: { success: false, errors: `bad token tok-secret-2 for ${SECRET}` } },
      ],
    });
    const error = (await clientOf(fake, { calls })
      .getBalance()
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('bad_request');
    const leaked = JSON.stringify({ message: error.message, body: error.body, calls });
    for (const secret of [SECRET, 'tok-secret-1', 'tok-secret-2']) {
      expect(leaked).not.toContain(secret);
    }
  });

  it('refuses to start without credentials, saying which settings to configure', () => {
    expect(
      () => new SnovClient({ baseUrl: 'https://api.snov.test', clientId: 'id', clientSecret: '' }),
    ).toThrow(/SNOV_CLIENT_SECRET/);
  });
});

describe('SnovClient tasks', () => {
  const withToken = (script: Record<string, Answer[]>) =>
    fakeSnov({ '/v1/oauth/access_token': [tokenAnswer('tok-1')], ...script });

  it('starts a domain search with a JSON body and returns its task hash', async () => {
    const fake = withToken({ '/v2/domain-search/start': [{ status: 200, body: domainStartSample }] });
    const started = await clientOf(fake).startDomainSearch(' Snov.IO ', 'https://hooks.example/snov/abc');
    expect(started.data.taskHash).toBe(domainStartSample.meta.task_hash);
    expect(JSON.parse(fake.seen[1].body)).toEqual({
      domain: 'snov.io',
      webhook_url: 'https://hooks.example/snov/abc',
    });
  });

  it('reads a finished domain search as a hit charged 1 credit, in the result and the call log', async () => {
    const calls: ProviderCallRecord[] = [];
    const hash = domainResultSample.meta.task_hash;
    const fake = withToken({
      [`/v2/domain-search/result/${hash}`]: [{ status: 200, body: domainResultSample }],
    });
    const result = await clientOf(fake, { calls }).getDomainSearchResult(hash);
    expect(result.data).toMatchObject({ status: 'hit', credits: 1, data: { name: 'Snov.io' } });
    expect(calls.at(-1)).toMatchObject({ endpoint: 'GET /v2/domain-search/result/{task_hash}', credits: 1 });
  });

  it('treats a domain search "in progress" as pending and one with no results as a free miss', async () => {
    const hash = 'abc123';
    const fake = withToken({
      [`/v2/domain-search/result/${hash}`]: [
        { status: 200, body: { data: [], meta: { task_hash: hash }, links: {}, status: 'in progress' } },
        {
          status: 200,
          body: { data: [], meta: { task_hash: hash, domain: 'a.io' }, links: {}, status: 'completed' },
        },
      ],
    });
    const snov = clientOf(fake);
    expect((await snov.getDomainSearchResult(hash)).data).toEqual({
      status: 'pending',
      taskId: hash,
      credits: 0,
    });
    expect((await snov.getDomainSearchResult(hash)).data).toEqual({
      status: 'miss',
      credits: 0,
      reason: 'no results',
    });
  });

  it('starts an e-mail finder for up to 10 people and reads 1 credit per e-mail returned', async () => {
    const calls: ProviderCallRecord[] = [];
    const fake = withToken({
      '/v2/emails-by-domain-by-name/start': [{ status: 200, body: finderStartSample }],
      '/v2/emails-by-domain-by-name/result': [{ status: 200, body: finderResultSample }],
    });
    const snov = clientOf(fake, { calls });
    const started = await snov.startEmailFinder(finderStartSample.meta.rows);
    expect(JSON.parse(fake.seen[1].body)).toEqual({ rows: finderStartSample.meta.rows });
    const result = await snov.getEmailFinderResult(started.data.taskHash);
    expect(fake.seen[2].search).toBe(`?task_hash=${started.data.taskHash}`);
    expect(result.data).toMatchObject({ status: 'hit', credits: 2 });
    expect(calls.at(-1)).toMatchObject({ credits: 2 });
  });

  it('reads an e-mail finder in_progress as pending and not_enough_credits as out_of_credits', async () => {
    const fake = withToken({
      '/v2/emails-by-domain-by-name/result': [
        { status: 200, body: { status: 'in_progress', data: [], meta: { task_hash: 'h1' } } },
        { status: 200, body: { status: 'not_enough_credits', data: [], meta: { task_hash: 'h1' } } },
      ],
    });
    const snov = clientOf(fake);
    expect((await snov.getEmailFinderResult('h1')).data).toEqual({
      status: 'pending',
      taskId: 'h1',
      credits: 0,
    });
    await expect(snov.getEmailFinderResult('h1')).rejects.toMatchObject({ kind: 'out_of_credits' });
  });

  it('charges nothing for a finished e-mail search whose rows are not lists of e-mails, and calls it invalid', async () => {
    const calls: ProviderCallRecord[] = [];
    const fake = withToken({
      '/v2/emails-by-domain-by-name/result': [
        {
          status: 200,
          body: { status: 'completed', data: [{ people: 'Jane Doe', result: 'jane@acme.io' }], meta: {} },
        },
      ],
    });
    await expect(clientOf(fake, { calls }).getEmailFinderResult('h1')).rejects.toMatchObject({
      kind: 'invalid_response',
    });
    expect(calls.every((call) => call.credits === 0)).toBe(true);
  });

  it.each([['abc'], [''], ['  '], ['Infinity']])(
    'calls a balance that is no number (%j) an invalid response, not an empty account',
    async (garbled) => {
      // Read as 0, it would pause Snov.io's queue as out of credits until the next good reading.
      const fake = withToken({
        '/v1/get-balance': [{ status: 200, body: { success: true, data: { balance: garbled } } }],
      });
      await expect(clientOf(fake).getBalance()).rejects.toMatchObject({ kind: 'invalid_response' });
    },
  );

  it('calls a body without the documented fields an invalid response', async () => {
    const fake = withToken({ '/v2/domain-search/start': [{ status: 200, body: { data: [], meta: {} } }] });
    await expect(clientOf(fake).startDomainSearch('snov.io')).rejects.toMatchObject({
      kind: 'invalid_response',
    });
  });

  it.each([
    ['a domain that is not one', (snov: SnovClient) => snov.startDomainSearch('not a domain')],
    ['no people', (snov: SnovClient) => snov.startEmailFinder([])],
    [
      'more than 10 people',
      (snov: SnovClient) =>
        snov.startEmailFinder(
          Array.from({ length: 11 }, () => ({ first_name: 'A', last_name: 'B', domain: 'a.io' })),
        ),
    ],
    [
      'a person without a last name',
      (snov: SnovClient) => snov.startEmailFinder([{ first_name: 'A', last_name: ' ', domain: 'a.io' }]),
    ],
    ['a task hash with a slash', (snov: SnovClient) => snov.getDomainSearchResult('../get-balance')],
    ['an empty task hash', (snov: SnovClient) => snov.getEmailFinderResult('')],
  ])('refuses %s before any request', async (_case, call) => {
    const fake = fakeSnov({});
    await expect(call(clientOf(fake))).rejects.toMatchObject({ kind: 'bad_request' });
    expect(fake.seen).toHaveLength(0);
  });
});
