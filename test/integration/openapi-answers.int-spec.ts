import { randomBytes } from 'node:crypto';
import { call, createWorkspace } from '../support/api';
import { OpenApiAnswers } from '../support/openapi-answers';
import { enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/**
 * The answers of the provider, batch and import routes, and the error answers of the API, as the
 * running gateway gives them, match the schemas of the OpenAPI document it serves (from which
 * libs/client types them): every field documented is there with its type, and no field is there
 * undocumented.
 */
describe('the answers of /v1/providers, /v1/batches and /v1/imports, and error answers, match their OpenAPI schemas', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let answers: OpenApiAnswers;

  beforeAll(async () => {
    // A short IMPORT_MAX_ROWS, for an upload refused part-way (its error answer holds the import).
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'), IMPORT_MAX_ROWS: '3' });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Typed Answers Co')).apiKey;
    const document = await call<{ paths: Record<string, unknown> }>(
      ctx.stack.gatewayUrl,
      'GET',
      '/docs-json',
    );
    expect(document.status).toBe(200);
    answers = new OpenApiAnswers(document.body);
  });
  afterAll(() => tearDown(ctx));

  /** Calls the route and checks its answer: the status expected, and a body its schema admits. */
  async function checked<T>(
    method: string,
    route: string,
    path: string,
    status: number,
    body?: unknown,
  ): Promise<T> {
    const answer = await call<T>(ctx.stack.gatewayUrl, method, path, { token: apiKey, body });
    expect({ route: `${method} ${route}`, status: answer.status }).toEqual({
      route: `${method} ${route}`,
      status,
    });
    expect(answers.problems(method, route, status, answer.body)).toEqual([]);
    return answer.body;
  }

  it('the checker refuses a missing, mistyped or undocumented field', () => {
    const batch = { cancelled: 0, batch: {} };
    expect(answers.problems('POST', '/v1/batches/{id}/cancel', 200, batch).join('\n')).toMatch(
      /\/batch must have required property 'id'/,
    );
    expect(answers.problems('DELETE', '/v1/providers/{name}/credentials', 200, {}).length).toBeGreaterThan(0);
    const removed = { provider: 'apollo', removed: 'yes', configured: true, credentials: null };
    expect(answers.problems('DELETE', '/v1/providers/{name}/credentials', 200, removed)).toEqual([
      'DELETE /v1/providers/{name}/credentials 200: /removed must be boolean',
    ]);
    expect(
      answers.problems('DELETE', '/v1/providers/{name}/credentials', 200, {
        ...removed,
        removed: true,
        secret: 'x',
      }),
    ).toEqual([
      'DELETE /v1/providers/{name}/credentials 200: (the answer) must NOT have additional properties (secret)',
    ]);
    // Error answers too: the three fields, typed, and nothing the document does not name.
    const missing = { statusCode: 404, error: 'Not Found', message: 'No batch x in this workspace.' };
    expect(answers.problems('GET', '/v1/batches/{id}', 404, missing)).toEqual([]);
    expect(answers.problems('GET', '/v1/batches/{id}', 404, { ...missing, statusCode: '404' })).toEqual([
      'GET /v1/batches/{id} 404: /statusCode must be integer',
    ]);
    expect(answers.problems('GET', '/v1/batches/{id}', 404, { ...missing, rejected: [] })).toEqual([
      'GET /v1/batches/{id} 404: (the answer) must NOT have additional properties (rejected)',
    ]);
    // An answer with a status the operation does not document is refused, whatever its body.
    expect(answers.problems('GET', '/v1/batches/{id}', 418, { ...missing, statusCode: 418 })).toEqual([
      'GET /v1/batches/{id} 418: the document gives this answer no typed JSON schema',
    ]);
  });

  /** Calls the route and checks its error answer: the status expected, and a body its schema admits. */
  async function refused<T = { message: unknown }>(
    method: string,
    route: string,
    path: string,
    status: number,
    options: Parameters<typeof call>[3] = { token: apiKey },
  ): Promise<T> {
    const answer = await call<T>(ctx.stack.gatewayUrl, method, path, options);
    const statusCode = (answer.body as { statusCode?: unknown } | null)?.statusCode;
    expect({ route: `${method} ${route}`, status: answer.status, statusCode }).toEqual({
      route: `${method} ${route}`,
      status,
      statusCode: status,
    });
    expect(answers.problems(method, route, status, answer.body)).toEqual([]);
    return answer.body;
  }

  it('error answers: validation, malformed JSON, credentials, scope, missing, idempotency, quota, rate limit', async () => {
    const { gatewayUrl } = ctx.stack;
    const admin = (method: string, path: string, body?: unknown) =>
      call<Record<string, unknown>>(gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });

    // 400: the validation pipe (every problem listed), and the JSON parsers, the fast path's and Express's.
    const invalid = await refused('POST', '/v1/jobs', '/v1/jobs', 400, {
      token: apiKey,
      body: { type: 'company.nothing', input: {}, colour: 'red' },
    });
    expect(Array.isArray(invalid.message)).toBe(true);
    await refused('POST', '/v1/enrich', '/v1/enrich', 400, { token: apiKey, rawBody: '{"domain":' });
    await refused('POST', '/v1/batches', '/v1/batches', 400, { token: apiKey, rawBody: '{"records":[' });
    // 400s that list what was refused.
    const bulk = await refused<{ rejected: unknown[] }>('POST', '/v1/jobs/bulk', '/v1/jobs/bulk', 400, {
      token: apiKey,
      body: { jobs: [{ type: 'company.nothing', input: {} }] },
    });
    expect(bulk.rejected).toHaveLength(1);
    const enqueued = await refused<{ rejected: unknown[] }>(
      'POST',
      '/v1/enrich/enqueue',
      '/v1/enrich/enqueue',
      400,
      { token: apiKey, body: { records: [{ email: 'not-an-email' }], enrich: ['business_email'] } },
    );
    expect(enqueued.rejected).toHaveLength(1);
    const batch = await refused<{ rejected: unknown[]; filtered_out: unknown[] }>(
      'POST',
      '/v1/batches',
      '/v1/batches',
      400,
      { token: apiKey, body: { records: [{ email: 'not-an-email' }], enrich: ['business_email'] } },
    );
    expect(batch.rejected).toHaveLength(1);
    expect(batch.filtered_out).toEqual([]);
    // 400 part-way through an upload: the failed import is in the answer.
    const upload = await fetch(`${gatewayUrl}/v1/imports?type=company.profile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
      body: 'company_number\n00000001\n00000002\n00000003\n00000004\n00000005\n',
      signal: AbortSignal.timeout(30_000),
    });
    const failed = (await upload.json()) as { import?: { status?: string } };
    expect({ status: upload.status, import: failed.import?.status }).toEqual({
      status: 400,
      import: 'failed',
    });
    expect(answers.problems('POST', '/v1/imports', 400, failed)).toEqual([]);

    // 401 and 403, from the API-key guard.
    await refused('GET', '/v1/batches', '/v1/batches', 401, {});
    await refused('GET', '/v1/batches', '/v1/batches', 401, { token: 'slk_not-a-key' });
    const workspace = await createWorkspace(gatewayUrl, 'Typed Errors Co');
    const reader = await admin('POST', `/v1/admin/workspaces/${workspace.id}/keys`, {
      name: 'reader',
      scopes: ['jobs:read'],
    });
    expect(reader.status).toBe(201);
    await refused('POST', '/v1/batches', '/v1/batches', 403, {
      token: String(reader.body.api_key),
      body: { records: [{ email: 'ada@example.com' }], enrich: ['business_email'] },
    });

    // 404: a missing batch, and a missing job's event stream (answered as JSON, not as a stream).
    const nobody = '00000000-0000-4000-8000-000000000000';
    await refused('GET', '/v1/batches/{id}', `/v1/batches/${nobody}`, 404);
    await refused('GET', '/v1/jobs/{id}/events', `/v1/jobs/${nobody}/events`, 404);
    await refused('PUT', '/v1/providers/{name}/credentials', '/v1/providers/nobody/credentials', 404, {
      token: apiKey,
      body: { api_key: 'x' },
    });

    // 409: an Idempotency-Key sent again with another body.
    const once = { 'idempotency-key': `typed-errors-${randomBytes(4).toString('hex')}` };
    const first = await call(gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      headers: once,
      body: { format: 'csv' },
    });
    expect(first.status).toBe(201);
    await refused('POST', '/v1/exports', '/v1/exports', 409, {
      token: apiKey,
      headers: once,
      body: { format: 'jsonl' },
    });

    // 402: every provider that can answer is out of quota; the answer lists the quotas.
    const listed = await call<{ providers: { name: string }[] }>(gatewayUrl, 'GET', '/v1/providers', {
      token: workspace.apiKey,
    });
    for (const { name } of listed.body.providers) {
      const set = await admin('PUT', `/v1/admin/workspaces/${workspace.id}/quotas/${name}`, {
        monthly_credits: 0,
        policy: 'refuse',
      });
      expect({ name, status: set.status }).toEqual({ name, status: 200 });
    }
    const quota = await refused<{ code: string; quotas: unknown[] }>('POST', '/v1/jobs', '/v1/jobs', 402, {
      token: workspace.apiKey,
      body: {
        type: 'person.email',
        input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
      },
    });
    expect(quota.code).toBe('quota_exceeded');
    expect(quota.quotas.length).toBeGreaterThan(0);

    // 429: over the workspace's rate limit (one request a minute: the first is let through).
    expect(
      (await admin('PATCH', `/v1/admin/workspaces/${workspace.id}/limits`, { per_minute: 1 })).status,
    ).toBe(200);
    await call(gatewayUrl, 'GET', '/v1/batches', { token: workspace.apiKey });
    const limited = await refused<{ code: string }>('GET', '/v1/batches', '/v1/batches', 429, {
      token: workspace.apiKey,
    });
    expect(limited.code).toBe('rate_limited');
  });

  it('error answers: a malformed id in the path is a 400 naming the problem, as each route documents', async () => {
    const admin = { token: TEST_ADMIN_TOKEN };
    const malformed: [string, string, string, Parameters<typeof call>[3]?][] = [
      ['GET', '/v1/jobs/{id}', '/v1/jobs/not-a-uuid'],
      ['POST', '/v1/jobs/{id}/cancel', '/v1/jobs/42/cancel'],
      ['GET', '/v1/jobs/{id}/callback/deliveries', '/v1/jobs/not-a-uuid/callback/deliveries'],
      ['GET', '/v1/batches/{id}', '/v1/batches/not-a-uuid'],
      ['GET', '/v1/batches/{id}/summary', '/v1/batches/not-a-uuid/summary'],
      ['POST', '/v1/batches/{id}/cancel', '/v1/batches/42/cancel'],
      [
        'PUT',
        '/v1/batches/{id}/schedule',
        '/v1/batches/not-a-uuid/schedule',
        { token: apiKey, body: { every_days: 7 } },
      ],
      ['DELETE', '/v1/batches/{id}/schedule', '/v1/batches/not-a-uuid/schedule'],
      ['GET', '/v1/imports/{id}', '/v1/imports/not-a-uuid'],
      ['GET', '/v1/exports/{id}', '/v1/exports/not-a-uuid'],
      ['GET', '/v1/admin/workspaces/{workspace}/quotas', '/v1/admin/workspaces/not-a-uuid/quotas', admin],
      [
        'DELETE',
        '/v1/admin/workspaces/{workspace}/keys/{key}',
        '/v1/admin/workspaces/not-a-uuid/keys/42',
        admin,
      ],
    ];
    for (const [method, route, path, options] of malformed) {
      const refusal = await refused(method, route, path, 400, options ?? { token: apiKey });
      expect({ route: `${method} ${route}`, message: String(refusal.message) }).toEqual({
        route: `${method} ${route}`,
        message: expect.stringMatching(/uuid/i) as string,
      });
    }
  });

  it('error answers: a JSON body in a charset the parser does not read, or a body POST /v1/imports does not take (415), a person erased (422)', async () => {
    const { gatewayUrl } = ctx.stack;
    const job = { type: 'company.profile', input: { company_number: '07798925' } };
    for (const route of ['/v1/jobs', '/v1/enrich', '/v1/batches', '/v1/admin/reports/usage']) {
      const charset = await refused('POST', route, route, 415, {
        token: route.startsWith('/v1/admin') ? TEST_ADMIN_TOKEN : apiKey,
        headers: { 'content-type': 'application/json; charset=latin1' },
        rawBody: JSON.stringify(job),
      });
      expect(String(charset.message)).toMatch(/charset/i);
    }
    // POST /v1/imports reads its own body: a media type or a Content-Encoding it does not take is its 415.
    const notTaken: [Record<string, string>, string][] = [
      [{ 'content-type': 'application/json' }, JSON.stringify(job)],
      [{ 'content-type': 'text/csv', 'content-encoding': 'compress' }, 'company_number\n07798925\n'],
    ];
    for (const [headers, rawBody] of notTaken) {
      await refused('POST', '/v1/imports', '/v1/imports?type=company.profile', 415, {
        token: apiKey,
        headers,
        rawBody,
      });
    }

    const email = `erased-${randomBytes(4).toString('hex')}@example.com`;
    const erased = await call(gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    const suppressed = await refused('POST', '/v1/jobs', '/v1/jobs', 422, {
      token: apiKey,
      body: { type: 'email.verify', input: { email } },
    });
    expect(String(suppressed.message)).toMatch(/^suppressed/);
    await refused('POST', '/v1/enrich', '/v1/enrich', 422, {
      token: apiKey,
      body: { email, enrich: ['business_email'], timeout_ms: 0 },
    });
  });

  it('credit figures with a fraction (a step at 2.5 credits) match the schemas of jobs, credits and usage', async () => {
    const { gatewayUrl, sandboxUrl } = ctx.stack;
    const price = await call(gatewayUrl, 'PUT', '/v1/admin/providers/snov/settings', {
      token: TEST_ADMIN_TOKEN,
      body: { costs: { find_work_email: { credits: 2.5 } } },
    });
    expect(price.status).toBe(200);
    // People Snov.io finds that no other test asked for, so no cache answers them for free.
    const fresh = (await people(sandboxUrl))
      .filter((person) => person.emails.snov === person.email)
      .slice(-8);
    let asked = 0;
    try {
      // The workers apply the new price within moments of the change: ask until one has.
      const job = await eventually(
        async () => {
          const person = fresh[asked];
          asked += 1;
          if (!person) {
            throw new Error('the sandbox world has too few people Snov.io finds');
          }
          const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
          const view = await finished(ctx.stack, apiKey, id, 60_000);
          return view.steps.some((step) => step.provider === 'snov' && step.credits === 2.5) ? view : null;
        },
        { timeoutMs: 60_000, what: 'a Snov.io step charged 2.5 credits' },
      );
      const view = await checked<{ credits_spent: number }>(
        'GET',
        '/v1/jobs/{id}',
        `/v1/jobs/${job.id}`,
        200,
      );
      expect(Number.isInteger(view.credits_spent)).toBe(false);
      const credits = await checked<{ providers: { provider: string; spent_today: number }[] }>(
        'GET',
        '/v1/credits',
        '/v1/credits',
        200,
      );
      const snov = credits.providers.find((row) => row.provider === 'snov');
      expect(Number.isInteger(snov?.spent_today)).toBe(false);
      const usage = await checked<{ by_provider: { provider: string; credits: number }[] }>(
        'GET',
        '/v1/credits/usage',
        '/v1/credits/usage',
        200,
      );
      expect(Number.isInteger(usage.by_provider.find((row) => row.provider === 'snov')?.credits)).toBe(false);
    } finally {
      await call(gatewayUrl, 'DELETE', '/v1/admin/providers/snov/settings', { token: TEST_ADMIN_TOKEN });
    }
  });

  it("admin: provider settings (costs keyed by each provider's capabilities) and the compliance report (every kind of suppression counted)", async () => {
    const { gatewayUrl } = ctx.stack;
    const admin = async (method: string, route: string, path: string, body?: unknown) => {
      const answer = await call<Record<string, unknown>>(gatewayUrl, method, path, {
        token: TEST_ADMIN_TOKEN,
        body,
      });
      expect({ route: `${method} ${route}`, status: answer.status }).toEqual({
        route: `${method} ${route}`,
        status: 200,
      });
      expect(answers.problems(method, route, 200, answer.body)).toEqual([]);
      return answer.body;
    };
    // Every provider's costs, each under its own capabilities (Companies House's, the verifier's).
    await admin('GET', '/v1/admin/providers/settings', '/v1/admin/providers/settings');
    try {
      const changed = await admin(
        'PUT',
        '/v1/admin/providers/{name}/settings',
        '/v1/admin/providers/email-verifier/settings',
        {
          costs: { verify_email: { credits: 1.5 } },
          credit_warning: null,
        },
      );
      expect(changed.from_database).toEqual(['costs']);
    } finally {
      await admin(
        'DELETE',
        '/v1/admin/providers/{name}/settings',
        '/v1/admin/providers/email-verifier/settings',
      );
    }
    // Suppressions by kind: each kind counted, 0 before any erasure of that kind.
    const report = await admin('GET', '/v1/admin/compliance', '/v1/admin/compliance');
    expect(Object.keys((report.suppressions as { by_kind: object }).by_kind).sort()).toEqual([
      'email',
      'linkedin_url',
    ]);
  });

  it('providers: the list (paused or not), credentials stored and removed', async () => {
    const paused = await call(ctx.stack.gatewayUrl, 'POST', '/v1/admin/providers/snov/pause', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(paused.status).toBe(200);
    const stored = await checked<Record<string, unknown>>(
      'PUT',
      '/v1/providers/{name}/credentials',
      '/v1/providers/apollo/credentials',
      200,
      { api_key: 'sandbox-typed-answers-apollo-key' },
    );
    expect(JSON.stringify(stored)).not.toContain('sandbox-typed-answers');
    const list = await checked<{
      providers: { name: string; pause: unknown; workspace_credentials: unknown }[];
    }>('GET', '/v1/providers', '/v1/providers', 200);
    // Both shapes of the nullable parts were checked: a pause and none, own credentials and none.
    expect(list.providers.find((p) => p.name === 'snov')?.pause).not.toBeNull();
    expect(list.providers.find((p) => p.name === 'apollo')?.pause).toBeNull();
    expect(list.providers.find((p) => p.name === 'apollo')?.workspace_credentials).not.toBeNull();
    await checked('DELETE', '/v1/providers/{name}/credentials', '/v1/providers/apollo/credentials', 200);
    await call(ctx.stack.gatewayUrl, 'POST', '/v1/admin/providers/snov/resume', { token: TEST_ADMIN_TOKEN });
  });

  it('batches: created, listed, read with its records, summarised, scheduled, unscheduled and cancelled', async () => {
    const world = await people(ctx.stack.sandboxUrl);
    const chosen = world.filter((person) => person.emails.snov === person.email).slice(0, 3);
    const records: unknown[] = chosen.map((person, i) => ({
      ...personInput(person),
      external_id: `deal-${i}`,
      occurred_at: daysAgo(i + 1),
    }));
    records.push({ email: 'not-an-email' }, { ...personInput(world[10]), occurred_at: daysAgo(400) });
    const created = await checked<{ batch: { id: string }; accepted: { job_id: string }[] }>(
      'POST',
      '/v1/batches',
      '/v1/batches',
      201,
      {
        name: 'Typed',
        records,
        enrich: ['business_email', 'industry', 'company_size', 'seniority', 'department'],
        since_days: 30,
        max_credits: 50,
        schedule: { every_days: 30 },
      },
    );
    for (const { job_id } of created.accepted) {
      await finished(ctx.stack, apiKey, job_id, 60_000);
    }
    const id = created.batch.id;
    await checked('GET', '/v1/batches', '/v1/batches?limit=5', 200);
    const detail = await checked<{ records: { data: { steps: unknown[] }[] } }>(
      'GET',
      '/v1/batches/{id}',
      `/v1/batches/${id}?limit=2`,
      200,
    );
    expect(detail.records.data[0]?.steps.length).toBeGreaterThan(0);
    await checked('GET', '/v1/batches/{id}/summary', `/v1/batches/${id}/summary`, 200);
    await checked('DELETE', '/v1/batches/{id}/schedule', `/v1/batches/${id}/schedule`, 200);
    await checked('PUT', '/v1/batches/{id}/schedule', `/v1/batches/${id}/schedule`, 200, { every_days: 7 });
    await checked('POST', '/v1/batches/{id}/cancel', `/v1/batches/${id}/cancel`, 200);
  });

  it('imports: uploaded with a bad row, read and listed', async () => {
    const csv = 'First Name,Last Name,Work Domain\nAda,Lovelace,acme.com\nGrace,Hopper,not a domain\n';
    const response = await fetch(
      `${ctx.stack.gatewayUrl}/v1/imports?type=person.email&reference=typed-answers&mapping=${encodeURIComponent(
        JSON.stringify({ 'First Name': 'first_name', 'Last Name': 'last_name', 'Work Domain': 'domain' }),
      )}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
        body: csv,
        signal: AbortSignal.timeout(30_000),
      },
    );
    const created = (await response.json()) as { id: string; errors: { column?: string }[] };
    expect(response.status).toBe(201);
    expect(answers.problems('POST', '/v1/imports', 201, created)).toEqual([]);
    expect(created.errors[0]?.column).toBe('Work Domain');
    await checked('GET', '/v1/imports/{id}', `/v1/imports/${created.id}`, 200);
    await checked('GET', '/v1/imports', '/v1/imports?reference=typed-answers', 200);
  });
});
