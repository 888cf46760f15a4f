import { randomUUID } from 'node:crypto';
import { ApiKey, EnrichmentRequest, Suppression, Workspace } from '@sluice/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, TEST_ADMIN_TOKEN, type Stack } from '../support/stack';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
}

const text = (body: unknown): string => JSON.stringify(body);

interface Route {
  method: 'GET' | 'DELETE';
  path: string;
  token: string;
}

describe('bad input is refused with a 4xx that names the problem, and nothing is written', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let key: string;
  let workspaceId: string;
  let queue: Queue;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    // No worker: every job that got through would stay visible in the queue.
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      worker: false,
      env: { HTTP_BODY_LIMIT_BYTES: '2048' },
    });
    ({ apiKey: key, id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Bad Input Co'));
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue('enrichment', { connection: redis, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  afterEach(async () => {
    // The invariant behind every case: no request row, no job.
    expect(await db.dataSource.getRepository(EnrichmentRequest).count()).toBe(0);
    expect(await queue.count()).toBe(0);
  });

  const post = (
    body: unknown,
    options: { token?: string | null; rawBody?: string; headers?: Record<string, string> } = {},
  ) =>
    call<ErrorBody>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: options.token === null ? undefined : (options.token ?? key),
      ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : { body }),
      ...(options.headers ? { headers: options.headers } : {}),
    });

  /**
   * Every GET or DELETE of the public API as the gateway documents it (so a route added later is
   * held to the same), its path filled in: ids that exist nowhere, a real workspace, a provider.
   */
  const documentedRoutes = async (method: Route['method']): Promise<Route[]> => {
    const document = await call<{ paths: Record<string, Record<string, { security?: object[] }>> }>(
      stack.gatewayUrl,
      'GET',
      '/docs-json',
    );
    const values: Record<string, string> = {
      id: randomUUID(),
      key: randomUUID(),
      workspace: workspaceId,
      name: 'snov',
      provider: 'snov',
    };
    return Object.entries(document.body.paths)
      .filter(([path, item]) => path.startsWith('/v1/') && item[method.toLowerCase()] !== undefined)
      .map(([path, item]) => ({
        method,
        path: path.replace(/\{(\w+)\}/g, (_, name: string) => {
          if (values[name] === undefined) {
            throw new Error(`no value for the path parameter ${name} of ${method} ${path}: add one`);
          }
          return values[name];
        }),
        token: (item[method.toLowerCase()].security ?? []).some((scheme) => 'admin' in scheme)
          ? TEST_ADMIN_TOKEN
          : key,
      }));
  };

  it('a DELETE sent a body is 400 naming its fields, on every DELETE route, and nothing is deleted', async () => {
    const routes = await documentedRoutes('DELETE');
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const answers: [string, number, unknown][] = [];
    for (const route of routes) {
      const answer = await call<ErrorBody>(stack.gatewayUrl, route.method, route.path, {
        token: route.token,
        body: { reason: 'duplicate' },
      });
      answers.push([`${route.method} ${route.path}`, answer.status, answer.body.message]);
    }
    expect(answers).toEqual(
      routes.map((route) => [
        `${route.method} ${route.path}`,
        400,
        'Unknown field(s) reason; this route takes no body.',
      ]),
    );
    // Refused before anything is done: the key is not revoked, the person not erased.
    const created = await call<{ id: string }>(
      stack.gatewayUrl,
      'POST',
      `/v1/admin/workspaces/${workspaceId}/keys`,
      { token: TEST_ADMIN_TOKEN, body: { name: 'kept', scopes: ['jobs:read'] } },
    );
    const revoke = await call<ErrorBody>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/admin/workspaces/${workspaceId}/keys/${created.body.id}`,
      { token: TEST_ADMIN_TOKEN, body: { reason: 'leaked' } },
    );
    expect(revoke.status).toBe(400);
    const kept = await db.dataSource.getRepository(ApiKey).findOneByOrFail({ id: created.body.id });
    expect(kept.revokedAt).toBeNull();
    const erase = await call<ErrorBody>(
      stack.gatewayUrl,
      'DELETE',
      '/v1/persons?email=jane.doe@example.com',
      {
        token: key,
        body: { dry_run: true },
      },
    );
    expect([erase.status, erase.body.message]).toEqual([
      400,
      'Unknown field(s) dry_run; this route takes no body.',
    ]);
    expect(await db.dataSource.getRepository(Suppression).count()).toBe(0);
  });

  it('a query parameter a GET or DELETE route does not take is 400 naming it, on every such route', async () => {
    const routes = [...(await documentedRoutes('GET')), ...(await documentedRoutes('DELETE'))];
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const answers: [string, number, unknown][] = [];
    for (const route of routes) {
      const answer = await call<ErrorBody>(stack.gatewayUrl, route.method, `${route.path}?colour=blue`, {
        token: route.token,
      });
      answers.push([`${route.method} ${route.path}`, answer.status, answer.body.message]);
    }
    expect(answers).toEqual(
      routes.map((route): [string, number, unknown] => [
        `${route.method} ${route.path}`,
        400,
        expect.stringMatching(/^Unknown query parameter\(s\) colour; /),
      ]),
    );
  });

  it('a missing type is 400 and names type', async () => {
    const answer = await post({ input: { company_number: '07798925' } });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('type');
  });

  it('an unknown type is 400 and lists the supported types', async () => {
    const answer = await post({ type: 'company.horoscope', input: { company_number: '07798925' } });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('company.profile');
  });

  it('a malformed company number is 400 and says what a company number looks like', async () => {
    const answer = await post({ type: 'company.profile', input: { company_number: '12-AB-!!' } });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('company_number');
    expect(text(answer.body.message)).toContain('8 digits');
  });

  it('a missing company number is 400', async () => {
    const answer = await post({ type: 'company.profile', input: { name: 'x' } });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain("'name'");
  });

  it('a missing input is 400 and names input', async () => {
    const answer = await post({ type: 'company.profile' });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('input');
  });

  it('an unknown top-level field is 400 and names it', async () => {
    const answer = await post({
      type: 'company.profile',
      input: { company_number: '07798925' },
      colour: 'blue',
    });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('colour');
  });

  it('a name with no letter or digit is refused naming the field, by every route a name enters by', async () => {
    const refused = (answer: { status: number; body: unknown }): [number, string] => [
      answer.status,
      text(answer.body),
    ];
    const job = await post({ type: 'person.email', input: { full_name: ',', domain: 'example.com' } });
    expect(refused(job)).toEqual([400, expect.stringContaining('input.full_name \\",\\" is not a name')]);
    for (const [field, input] of [
      ['first_name', { first_name: '-', last_name: 'Lovelace', domain: 'example.com' }],
      ['last_name', { first_name: 'Ada', last_name: '...', domain: 'example.com' }],
      ['company_name', { full_name: 'Ada Lovelace', company_name: '&' }],
    ] as const) {
      const answer = await post({ type: 'person.email', input });
      expect([field, ...refused(answer)]).toEqual([field, 400, expect.stringContaining(`input.${field} `)]);
    }
    const company = await post({ type: 'company.domain', input: { company_name: '()' } });
    expect(refused(company)).toEqual([
      400,
      expect.stringContaining('input.company_name \\"()\\" is not a name'),
    ]);
    const as = (path: string, body: unknown) => call(stack.gatewayUrl, 'POST', path, { token: key, body });
    const bulk = await as('/v1/jobs/bulk', {
      jobs: [{ type: 'person.email', input: { full_name: '—', domain: 'example.com' } }],
    });
    expect(refused(bulk)).toEqual([400, expect.stringContaining('input.full_name \\"—\\" is not a name')]);
    const enrich = await as('/v1/enrich', {
      full_name: '?!',
      domain: 'example.com',
      enrich: ['business_email'],
    });
    expect(refused(enrich)).toEqual([400, expect.stringContaining('full_name \\"?!\\" is not a name')]);
    const enqueue = await as('/v1/enrich/enqueue', {
      records: [{ first_name: '*', last_name: 'Lovelace', domain: 'example.com' }],
      enrich: ['business_email'],
    });
    expect(refused(enqueue)).toEqual([400, expect.stringContaining('first_name \\"*\\" is not a name')]);
    const batch = await as('/v1/batches', {
      records: [{ full_name: '#', domain: 'example.com' }],
      enrich: ['business_email'],
    });
    expect(refused(batch)).toEqual([
      400,
      expect.stringContaining('records[0]: full_name \\"#\\" is not a name'),
    ]);
    // A CSV row is refused on its own line; the import goes on without it.
    const imported = await call(stack.gatewayUrl, 'POST', '/v1/imports?type=person.email', {
      token: key,
      rawBody: 'full_name,domain\n~,example.com\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.body).toMatchObject({
      rows_accepted: 0,
      rows_rejected: 1,
      errors: [{ line: 2, message: expect.stringContaining('input.full_name "~" is not a name') as string }],
    });
  });

  it('an unknown input field is 400 and names it', async () => {
    const answer = await post({
      type: 'company.profile',
      input: { company_number: '07798925', shoe_size: 44 },
    });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('shoe_size');
  });

  it('an invalid priority or callback_url is 400 and names it', async () => {
    const priority = await post({
      type: 'company.profile',
      input: { company_number: '07798925' },
      priority: 'urgent',
    });
    expect(priority.status).toBe(400);
    expect(text(priority.body.message)).toContain('priority');
    const callback = await post({
      type: 'company.profile',
      input: { company_number: '07798925' },
      callback_url: 'not a url',
    });
    expect(callback.status).toBe(400);
    expect(text(callback.body.message)).toContain('callback_url');
  });

  it('a max_credits finer than the ledger keeps (4 decimals) is 400, not stored as another budget', async () => {
    const answer = await post({
      type: 'company.profile',
      input: { company_number: '07798925' },
      max_credits: 1e-7,
    });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('max_credits must have at most 4 decimal places');
  });

  it('malformed JSON is 400 and says so', async () => {
    const answer = await post(undefined, { rawBody: '{"type": "company.profile", "input": {' });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toMatch(/Malformed JSON/);
  });

  it('a JSON value that is not an object (null, a string, a number) is 400 and says what a body must be', async () => {
    for (const rawBody of ['null', '"text"', ' 42']) {
      const answer = await post(undefined, { rawBody });
      expect(answer.status).toBe(400);
      // Not the parser's "… is not valid JSON", which these are.
      expect(answer.body.message).toBe(
        `Malformed JSON body: a JSON body is an object or an array, not one starting with "${rawBody.trim()[0]}".`,
      );
    }
  });

  it('a JSON array body is 400', async () => {
    const answer = await post(undefined, { rawBody: '[1,2,3]' });
    expect(answer.status).toBe(400);
  });

  it('a lone UTF-16 surrogate escape in a string or a key is 400 and names where it sits', async () => {
    // JSON's "\ud800" parses to half a surrogate pair, which jsonb refuses (it was a 500).
    const value = await post(undefined, {
      rawBody:
        '{"type":"person.email","input":{"first_name":"\\ud800","last_name":"Lovelace","domain":"example.com"}}',
    });
    expect(value.status).toBe(400);
    expect(text(value.body.message)).toContain('input.first_name contains an unpaired UTF-16 surrogate');
    const key = await post(undefined, {
      rawBody: '{"type":"person.email","input":{"first_name":"Ada","x\\udc00":1}}',
    });
    expect(key.status).toBe(400);
    expect(text(key.body.message)).toContain('A key in input contains an unpaired UTF-16 surrogate');
  });

  it('a body whose bytes are not UTF-8 is 400 and says so, not stored with its characters replaced', async () => {
    // "Zoë" in Latin-1 (ë is the single byte 0xEB): decoded as UTF-8 it became "Zo\ufffd".
    // Sent as Latin-1: every other character is ASCII, the same byte in both.
    const body = (json: string): Buffer => Buffer.from(json, 'latin1');
    for (const [path, json] of [
      [
        '/v1/jobs',
        '{"type":"person.email","input":{"first_name":"Zoë","last_name":"Lovelace","domain":"example.com"}}',
      ],
      // The cached-answer path, read ahead of Express, as well.
      [
        '/v1/enrich',
        '{"first_name":"Zoë","last_name":"Lovelace","domain":"example.com","fields":["business_email"]}',
      ],
    ] as const) {
      const answer = await fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body(json),
      });
      const answered = (await answer.json()) as ErrorBody;
      expect({ path, status: answer.status, message: answered.message }).toEqual({
        path,
        status: 400,
        message: expect.stringMatching(/^The body is not valid UTF-8/) as string,
      });
    }
  });

  it('a body that does not decode as its Content-Encoding says is 400 and says so', async () => {
    const answer = await post(undefined, { rawBody: '{}', headers: { 'content-encoding': 'gzip' } });
    expect(answer.status).toBe(400);
    expect(text(answer.body.message)).toContain('Content-Encoding (gzip)');
  });

  it('a body over the size limit is 413 and states the limit', async () => {
    const answer = await post({
      type: 'company.profile',
      input: { company_number: '07798925', pad: 'x'.repeat(5000) },
    });
    expect(answer.status).toBe(413);
    expect(text(answer.body.message)).toContain('2048');
  });

  it('no API key is 401 and says how to send one', async () => {
    const answer = await post(
      { type: 'company.profile', input: { company_number: '07798925' } },
      { token: null },
    );
    expect(answer.status).toBe(401);
    expect(text(answer.body.message)).toContain('Authorization: Bearer');
  });

  it('a wrong API key is 401', async () => {
    const answer = await post(
      { type: 'company.profile', input: { company_number: '07798925' } },
      { token: 'slk_not-a-real-key' },
    );
    expect(answer.status).toBe(401);
    expect(text(answer.body.message)).toContain('Invalid');
  });

  it('a job id that is not a UUID is 400; an unknown UUID is 404', async () => {
    const notUuid = await call<ErrorBody>(stack.gatewayUrl, 'GET', '/v1/jobs/12345', { token: key });
    expect(notUuid.status).toBe(400);
    expect(text(notUuid.body.message)).toContain('UUID');
    const unknown = await call<ErrorBody>(
      stack.gatewayUrl,
      'GET',
      '/v1/jobs/4a7c1c5e-3d44-4b8e-9a55-5b1f7f0a9e11',
      { token: key },
    );
    expect(unknown.status).toBe(404);
  });

  it('admin workspace creation refuses a missing token, a wrong token and a blank name', async () => {
    const workspaces = await db.dataSource.getRepository(Workspace).count();
    const noToken = await call(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', { body: { name: 'x' } });
    expect(noToken.status).toBe(401);
    const wrong = await call(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: key,
      body: { name: 'x' },
    });
    expect(wrong.status).toBe(401);
    const blank = await call<ErrorBody>(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      body: { name: '   ' },
    });
    expect(blank.status).toBe(400);
    expect(text(blank.body.message)).toContain('name');
    const extra = await call<ErrorBody>(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      body: { name: 'ok', plan: 'gold' },
    });
    expect(extra.status).toBe(400);
    expect(text(extra.body.message)).toContain('plan');
    // Stored, a lone surrogate became U+FFFD (a name other than the one answered) and its audit row
    // was lost: jsonb refused it.
    const halfPair = await call<ErrorBody>(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      rawBody: '{"name":"Evil \\ud800 Corp"}',
    });
    expect(halfPair.status).toBe(400);
    expect(text(halfPair.body.message)).toContain('name contains an unpaired UTF-16 surrogate');
    // A zero-width space made a second 'Acme' that lists exactly like the first.
    const invisible = await call<ErrorBody>(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      body: { name: 'Ac\u200Bme' },
    });
    expect(invisible.status).toBe(400);
    expect(text(invisible.body.message)).toContain('name holds U+200B, a control or invisible character');
    expect(await db.dataSource.getRepository(Workspace).count()).toBe(workspaces);
  });

  it('admin key creation refuses a blank name, which was stored as an empty one', async () => {
    const keys = await db.dataSource.getRepository(ApiKey).count();
    const blank = await call<ErrorBody>(
      stack.gatewayUrl,
      'POST',
      `/v1/admin/workspaces/${workspaceId}/keys`,
      {
        token: TEST_ADMIN_TOKEN,
        body: { name: '  \t ', scopes: ['enrich'] },
      },
    );
    expect(blank.status).toBe(400);
    expect(text(blank.body.message)).toContain('name must not be blank');
    const bell = await call<ErrorBody>(stack.gatewayUrl, 'POST', `/v1/admin/workspaces/${workspaceId}/keys`, {
      token: TEST_ADMIN_TOKEN,
      body: { name: 'crm\u0007sync', scopes: ['enrich'] },
    });
    expect(bell.status).toBe(400);
    expect(text(bell.body.message)).toContain('name holds U+0007, a control or invisible character');
    expect(await db.dataSource.getRepository(ApiKey).count()).toBe(keys);
  });
});
