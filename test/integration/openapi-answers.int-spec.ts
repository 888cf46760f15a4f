import { randomBytes } from 'node:crypto';
import { call, createWorkspace } from '../support/api';
import { OpenApiAnswers } from '../support/openapi-answers';
import { finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/**
 * The answers of the provider, batch and import routes, as the running gateway gives them, match
 * the schemas of the OpenAPI document it serves (from which libs/client types them): every field
 * documented is there with its type, and no field is there undocumented.
 */
describe('the answers of /v1/providers, /v1/batches and /v1/imports match their OpenAPI schemas', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let answers: OpenApiAnswers;

  beforeAll(async () => {
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64') });
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
