import { createHash } from 'node:crypto';
import { ApiKey } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, TEST_ADMIN_TOKEN, type Stack } from '../support/stack';

describe('workspaces, keys and the operations surface', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('creates a workspace, returns its key once and stores only its SHA-256', async () => {
    const { id, apiKey } = await createWorkspace(stack.gatewayUrl, 'Hashing Ltd');
    expect(apiKey).toMatch(/^slk_[A-Za-z0-9_-]{40,}$/);
    const stored = await db.dataSource.getRepository(ApiKey).findOneByOrFail({ workspaceId: id });
    expect(stored.keyHash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    const rows = await db.dataSource.query<unknown[]>('SELECT * FROM api_keys');
    expect(JSON.stringify(rows)).not.toContain(apiKey);
  });

  it('refuses a second workspace with the same name with 409', async () => {
    await createWorkspace(stack.gatewayUrl, 'Twin Co');
    const again = await call(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      body: { name: 'Twin Co' },
    });
    expect(again.status).toBe(409);
  });

  it('gives names in other scripts, or with no letter at all, slugs of their own', async () => {
    const slugs: string[] = [];
    for (const name of ['日本語', '中文', 'Ωmega Ltd', '!!!', '😀']) {
      const created = await call<{ workspace: { slug: string } }>(
        stack.gatewayUrl,
        'POST',
        '/v1/admin/workspaces',
        {
          token: TEST_ADMIN_TOKEN,
          body: { name },
        },
      );
      expect(created.status).toBe(201);
      slugs.push(created.body.workspace.slug);
    }
    expect(slugs.slice(0, 3)).toEqual(['日本語', '中文', 'ωmega-ltd']);
    expect(new Set(slugs).size).toBe(slugs.length);
    // The same name twice is still refused.
    const again = await call(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
      token: TEST_ADMIN_TOKEN,
      body: { name: '日本語' },
    });
    expect(again.status).toBe(409);
  });

  it('reports Redis and PostgreSQL up on /health', async () => {
    const health = await call<{ status: string; info: Record<string, { status: string }> }>(
      stack.gatewayUrl,
      'GET',
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.info.redis?.status).toBe('up');
    expect(health.body.info.postgres?.status).toBe('up');
    const worker = await call<{ status: string }>(stack.workerUrl!, 'GET', '/health');
    expect(worker.status).toBe(200);
  });

  it('exposes Prometheus metrics with jobs per queue and state and HTTP latency', async () => {
    await call(stack.gatewayUrl, 'GET', '/health');
    const metrics = await fetch(`${stack.gatewayUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const body = await metrics.text();
    expect(body).toMatch(
      /sluice_queue_jobs\{[^}]*queue="provider.companies-house"[^}]*state="waiting"[^}]*\} \d+/,
    );
    expect(body).toContain('sluice_http_request_duration_seconds_bucket');
  });

  it('serves the OpenAPI document with the jobs endpoints and an example', async () => {
    const spec = await call<{ paths: Record<string, unknown> }>(stack.gatewayUrl, 'GET', '/docs-json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/admin/workspaces']),
    );
    expect(JSON.stringify(spec.body)).toContain('07798925');
    const ui = await fetch(`${stack.gatewayUrl}/docs`);
    expect(ui.status).toBe(200);
  });

  it('guards Bull Board with the admin token (Bearer or Basic)', async () => {
    const anonymous = await fetch(`${stack.gatewayUrl}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    const bearer = await fetch(`${stack.gatewayUrl}/admin/queues`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const basic = Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64');
    const queues = await fetch(`${stack.gatewayUrl}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(queues.status).toBe(200);
    expect(await queues.text()).toContain('provider.companies-house');
  });

  it('echoes the caller’s x-request-id as the correlation id', async () => {
    const answer = await fetch(`${stack.gatewayUrl}/health`, {
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    expect(answer.headers.get('x-request-id')).toBe('trace-abc-123');
  });
});
