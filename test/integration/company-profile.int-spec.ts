import { CompanyRecord, EnrichmentRequest, ProviderCall } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import Redis from 'ioredis';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

interface JobAnswer {
  id: string;
  status: string;
  result: { company?: Record<string, unknown> } | null;
  error: string | null;
  steps: {
    provider: string;
    operation: string;
    state: string;
    reason: string | null;
    latency_ms: number | null;
    credits: number;
    error: string | null;
    cached: boolean;
  }[];
}

interface WorldCompany {
  company_number: string;
  company_name: string;
  company_status: string;
  company_status_detail: string | null;
}

describe('company.profile, end to end over the sandbox', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let keyA: string;
  let workspaceA: string;
  let keyB: string;
  let world: WorldCompany[];

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      // A request is taken for stranded once 3 s old: well past the 600 ms at which the stranded
      // request's test checks that a fresh one is left alone, even when a loaded machine is late.
      env: { REQUEST_RECOVERY_INTERVAL_MS: '300', REQUEST_RECOVERY_AFTER_MS: '3000' },
    });
    ({ apiKey: keyA, id: workspaceA } = await createWorkspace(stack.gatewayUrl, 'Workspace A'));
    keyB = (await createWorkspace(stack.gatewayUrl, 'Workspace B')).apiKey;
    world = (await call<WorldCompany[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=50')).body;
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  const waitForTerminal = (id: string, key: string): Promise<JobAnswer> =>
    eventually(
      async () => {
        const answer = await call<JobAnswer>(stack.gatewayUrl, 'GET', `/v1/jobs/${id}`, { token: key });
        return ['completed', 'failed', 'cancelled'].includes(answer.body.status) ? answer.body : undefined;
      },
      { what: `job ${id} to finish` },
    );

  it('fetches the profile from the sandbox over HTTP, stores the company and shows the step', async () => {
    const company = world.find((c) => c.company_status === 'active' && !c.company_status_detail);
    expect(company).toBeDefined();
    const before = await call<{ total: number; by_endpoint: Record<string, number> }>(
      stack.sandboxUrl,
      'GET',
      '/_sandbox/providers/companies-house/calls',
    );

    const created = await call<{ id: string; status: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.profile', input: { company_number: company!.company_number } },
    });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('queued');
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);

    const job = await waitForTerminal(created.body.id, keyA);
    expect(job.status).toBe('completed');
    expect(job.result?.company).toMatchObject({
      company_number: company!.company_number,
      company_name: company!.company_name,
      company_status: 'active',
      source: 'companies-house',
    });
    expect(job.steps).toHaveLength(1);
    expect(job.steps[0]).toMatchObject({
      provider: 'companies-house',
      operation: 'company.profile',
      state: 'completed',
      credits: 0,
      error: null,
    });
    expect(job.steps[0].latency_ms).toEqual(expect.any(Number));

    const stored = await db.dataSource
      .getRepository(CompanyRecord)
      .findOneByOrFail({ companyNumber: company!.company_number });
    expect(stored.name).toBe(company!.company_name);
    expect(stored.source).toBe('companies-house');
    expect(stored.raw).toMatchObject({ company_number: company!.company_number });

    const calls = await db.dataSource.getRepository(ProviderCall).findBy({ requestId: created.body.id });
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'companies-house',
        operation: 'company.profile',
        endpoint: 'GET /company/{company_number}',
        outcome: 'hit',
        httpStatus: 200,
        creditsCharged: '0.0000',
      }),
    ]);
    expect(calls[0].stepId).toMatch(/^[0-9a-f-]{36}$/);

    const after = await call<{ total: number; by_endpoint: Record<string, number> }>(
      stack.sandboxUrl,
      'GET',
      '/_sandbox/providers/companies-house/calls',
    );
    const key = 'GET /company/{company_number}';
    expect((after.body.by_endpoint[key] ?? 0) - (before.body.by_endpoint[key] ?? 0)).toBe(1);
  });

  it('answers the profile again from the store once the cache has forgotten it, without renewing the stored row’s age', async () => {
    const company = world.find((c) => c.company_status === 'active' && !c.company_status_detail);
    const ask = async (): Promise<JobAnswer> => {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: keyA,
        body: { type: 'company.profile', input: { company_number: company!.company_number } },
      });
      return waitForTerminal(created.body.id, keyA);
    };
    await ask(); // stored (by the test above, or now)
    // Fetched 10 days ago, and forgotten by the Redis cache.
    await db.dataSource.query(
      `UPDATE companies SET fetched_at = now() - interval '10 days' WHERE company_number = $1`,
      [company!.company_number],
    );
    const redis = new Redis(redisUrl);
    try {
      const keys = await redis.keys(`${prefix}:pipeline:cache:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const ageOf = async (): Promise<number> =>
      (
        await db.dataSource.query<{ days: number }[]>(
          `SELECT extract(epoch FROM now() - fetched_at) / 86400 AS days FROM companies WHERE company_number = $1`,
          [company!.company_number],
        )
      ).map((row) => Number(row.days))[0];
    const calls = async (): Promise<number> =>
      (await call<{ total: number }>(stack.sandboxUrl, 'GET', '/_sandbox/providers/companies-house/calls'))
        .body.total;
    const before = await calls();

    const job = await ask();
    expect(job.steps.map((s) => [s.state, s.cached])).toEqual([['completed', true]]);
    expect(job.result?.company).toMatchObject({
      company_number: company!.company_number,
      source: 'companies-house',
    });
    expect(job.result?.company).not.toHaveProperty('found_by');
    expect(await calls()).toBe(before);
    // Served from the store, the row is not written again as a new fetch: it still ages, and the
    // store stops answering with it once it is older than STORE_FRESH_DAYS.
    expect(await ageOf()).toBeGreaterThan(9.9);
  });

  it('normalises a short company number before looking it up', async () => {
    const company = world.find((c) => /^0\d{7}$/.test(c.company_number));
    expect(company).toBeDefined();
    const short = company!.company_number.replace(/^0+/, '');
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.profile', input: { company_number: short } },
    });
    expect(created.status).toBe(202);
    const job = await waitForTerminal(created.body.id, keyA);
    expect(job.status).toBe('completed');
    expect(job.result?.company?.company_number).toBe(company!.company_number);
  });

  it('drops spaces written inside a company number: looked up, stored and cached as the number', async () => {
    const active = (c: WorldCompany): boolean => c.company_status === 'active' && !c.company_status_detail;
    // One no other test here asks for, so that its first lookup is this test's.
    const taken = new Set(
      [
        world[0],
        world[3],
        world[5],
        world.find(active),
        world.find((c) => /^0\d{7}$/.test(c.company_number)),
      ].map((c) => c?.company_number),
    );
    const company = world.find((c) => active(c) && !taken.has(c.company_number));
    expect(company).toBeDefined();
    const number = company!.company_number;
    const written = [
      ` ${number.slice(0, 2)} ${number.slice(2)} `,
      `${number.slice(0, 2)} ${number.slice(2, 5)} ${number.slice(5)}`,
      number,
    ];
    const calls = async (): Promise<number> =>
      (
        await call<{ by_endpoint: Record<string, number> }>(
          stack.sandboxUrl,
          'GET',
          '/_sandbox/providers/companies-house/calls',
        )
      ).body.by_endpoint['GET /company/{company_number}'] ?? 0;
    const before = await calls();
    // Sent together: one question, however it is written, so one lookup for all three.
    const created = await Promise.all(
      written.map((given) =>
        call<{ id: string; message?: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
          token: keyA,
          body: { type: 'company.profile', input: { company_number: given } },
        }),
      ),
    );
    expect(created.map((answer) => [answer.status, answer.body.message])).toEqual(
      written.map(() => [202, undefined]),
    );
    for (const answer of created) {
      const job = await waitForTerminal(answer.body.id, keyA);
      expect(job.status).toBe('completed');
      expect(job.result?.company).toMatchObject({
        company_number: number,
        company_name: company!.company_name,
      });
      const request = await db.dataSource
        .getRepository(EnrichmentRequest)
        .findOneByOrFail({ id: answer.body.id });
      expect(request.input).toEqual({ company_number: number });
    }
    expect(await calls()).toBe(before + 1);
    expect(await db.dataSource.getRepository(CompanyRecord).countBy({ companyNumber: number })).toBe(1);

    // What is no company number once its spaces are gone is still refused, naming the field.
    for (const given of [`${number} 1`, '0779 892A', 'XX 123456']) {
      const refused = await call<{ message: unknown }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: keyA,
        body: { type: 'company.profile', input: { company_number: given } },
      });
      expect({ given, status: refused.status }).toEqual({ given, status: 400 });
      expect(JSON.stringify(refused.body.message)).toContain('input.company_number');
    }
  });

  it('hides a job from another workspace (404, not 403)', async () => {
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.profile', input: { company_number: world[0].company_number } },
    });
    const own = await call(stack.gatewayUrl, 'GET', `/v1/jobs/${created.body.id}`, { token: keyA });
    expect(own.status).toBe(200);
    const other = await call<{ message: string }>(stack.gatewayUrl, 'GET', `/v1/jobs/${created.body.id}`, {
      token: keyB,
    });
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('company_number');
  });

  it('fails the job with reason not_found when the register has no such company, without retrying', async () => {
    const unknown = '09999999';
    expect(world.some((c) => c.company_number === unknown)).toBe(false);
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.profile', input: { company_number: unknown } },
    });
    const job = await waitForTerminal(created.body.id, keyA);
    expect(job.status).toBe('failed');
    expect(job.error).toContain(unknown);
    expect(job.steps[0]).toMatchObject({ state: 'failed', reason: 'not_found' });
    // The sandbox's miss is marked as the sandbox's, as its answers are.
    const marked = job.result as { sandbox?: boolean; notice?: string } | null;
    expect(marked?.sandbox).toBe(true);
    expect(marked?.notice).toMatch(/sandbox/i);
    const calls = await db.dataSource.getRepository(ProviderCall).findBy({ requestId: created.body.id });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: 'miss', httpStatus: 404, errorKind: 'not_found' });
    expect(await db.dataSource.getRepository(CompanyRecord).countBy({ companyNumber: unknown })).toBe(0);
  });

  it('says what a goal lacked when an earlier goal could not give it (company.domain of an unknown company)', async () => {
    const unknown = '09999998';
    expect(world.some((c) => c.company_number === unknown)).toBe(false);
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.domain', input: { company_number: unknown } },
    });
    const job = await waitForTerminal(created.body.id, keyA);
    // The register has no such company, so no name to search a domain for: no search was made.
    expect(job.steps.map((step) => [step.provider, step.state, step.reason])).toEqual([
      ['companies-house', 'failed', 'not_found'],
    ]);
    const result = job.result as { unresolved?: { goal: string; reason: string }[] } | null;
    expect(result?.unresolved).toEqual([
      { goal: 'company', reason: 'not_found' },
      { goal: 'domain', reason: 'no company name to search for' },
    ]);
  });

  it('retries through a provider outage and completes once the provider is back', async () => {
    const company = world[3];
    await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/companies-house', { body: { outage: true } });
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: keyA,
      body: { type: 'company.profile', input: { company_number: company.company_number } },
    });
    await eventually(
      async () =>
        (await db.dataSource
          .getRepository(ProviderCall)
          .countBy({ requestId: created.body.id, outcome: 'error' })) >= 1,
      { what: 'a failed call during the outage' },
    );
    const during = await call<JobAnswer>(stack.gatewayUrl, 'GET', `/v1/jobs/${created.body.id}`, {
      token: keyA,
    });
    expect(['queued', 'running']).toContain(during.body.status);
    await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/companies-house', { body: { outage: false } });
    const job = await waitForTerminal(created.body.id, keyA);
    expect(job.status).toBe('completed');
    const request = await db.dataSource
      .getRepository(EnrichmentRequest)
      .findOneByOrFail({ id: created.body.id });
    expect(request.status).toBe('completed');
  });

  it('finds a request stored without its plan job (gateway died before enqueueing) and completes it', async () => {
    const company = world[5];
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    const stranded = await requests.save(
      requests.create({
        workspaceId: workspaceA,
        apiKeyId: null,
        type: 'company.profile',
        input: { company_number: company.company_number },
        priority: 'interactive',
        status: 'queued',
        callbackUrl: null,
        correlationId: 'stranded-request',
      }),
    );
    // Fresh requests are left alone: the gateway may still be enqueueing them.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await requests.findOneByOrFail({ id: stranded.id })).status).toBe('queued');

    const job = await waitForTerminal(stranded.id, keyA);
    expect(job.status).toBe('completed');
    expect(job.result?.company?.company_number).toBe(company.company_number);
  });
});
