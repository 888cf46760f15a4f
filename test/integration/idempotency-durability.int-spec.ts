import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { call, createWorkspace, type ApiAnswer } from '../support/api';
import { requireEnv, type TestDatabase } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { deletePrefix } from '../support/redis';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';

interface Route {
  path: string;
  body: unknown;
  other: unknown;
  status: number;
}

const JOB = { type: 'company.profile', input: { company_number: '00000001' }, priority: 'bulk' };

/** One of each kind of POST that creates work, each with a request differing in one detail. */
const ROUTES: Route[] = [
  {
    path: '/v1/jobs',
    body: JOB,
    other: { ...JOB, input: { company_number: '00000002' } },
    status: 202,
  },
  {
    path: '/v1/jobs/bulk',
    body: { jobs: [JOB, { type: 'company.officers', input: { company_number: '00000001' } }] },
    other: { jobs: [JOB] },
    status: 202,
  },
  {
    path: '/v1/enrich/enqueue',
    body: { records: [{ email: 'ada@durable.example' }], enrich: ['phone'] },
    other: { records: [{ email: 'grace@durable.example' }], enrich: ['phone'] },
    status: 202,
  },
  {
    path: '/v1/batches',
    body: { name: 'Durable', records: [{ email: 'ada@durable.example' }], enrich: ['phone'] },
    other: { name: 'Durable, again', records: [{ email: 'ada@durable.example' }], enrich: ['phone'] },
    status: 201,
  },
];

/**
 * Answers kept for `Idempotency-Key` replays outlive Redis losing its data (a restart without
 * persistence, a failover): PostgreSQL keeps a copy, read when Redis has nothing for a key, so a
 * retry is answered as before instead of doing (and paying for) the work again.
 */
describe('Idempotency-Key answers when Redis loses its data', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    redis = undefined;
    await tearDown(ctx);
    ctx = undefined;
  });

  /** Everything the stack keeps in Redis gone at once, as after a restart without persistence. */
  const wipe = async (prefix: string): Promise<void> => {
    await deletePrefix(requireEnv('REDIS_URL'), prefix);
    expect(await redis?.keys(`${prefix}:*`)).toEqual([]);
  };

  const count = async (db: TestDatabase, sql: string, params: unknown[]): Promise<number> =>
    Number((await db.dataSource.query<{ n: string }[]>(sql, params))[0].n);

  it('replays the first answer of jobs, bulk, enqueue, batches and imports, creating nothing again; another body is 409', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'));
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Durable Co');
    const post = (route: Route, body: unknown): Promise<ApiAnswer> =>
      call(stack.gatewayUrl, 'POST', route.path, {
        token: apiKey,
        body,
        headers: { 'idempotency-key': `durable:${route.path}` },
      });
    const importKey = 'durable-import-1';
    const importCsv = (text: string): Promise<ApiAnswer> =>
      call(stack.gatewayUrl, 'POST', '/v1/imports?type=company.profile', {
        token: apiKey,
        rawBody: text,
        headers: { 'content-type': 'text/csv', 'idempotency-key': importKey },
      });
    const csv = 'company_number\n70000001\n70000002\n';
    const work = async (): Promise<Record<string, number>> => ({
      jobs: await count(db, 'SELECT count(*) AS n FROM enrichment_requests WHERE workspace_id = $1', [
        workspaceId,
      ]),
      batches: await count(db, 'SELECT count(*) AS n FROM batches WHERE workspace_id = $1', [workspaceId]),
      imports: await count(db, 'SELECT count(*) AS n FROM imports WHERE workspace_id = $1', [workspaceId]),
    });

    const firsts: ApiAnswer[] = [];
    for (const route of ROUTES) {
      const first = await post(route, route.body);
      expect({ path: route.path, status: first.status }).toEqual({ path: route.path, status: route.status });
      firsts.push(first);
    }
    const imported = await importCsv(csv);
    expect(imported.status).toBe(201);
    const before = await work();
    // Two single jobs of the bulk, one of each record (enqueue, batch), one per CSV row.
    expect(before).toEqual({ jobs: 1 + 2 + 1 + 1 + 2, batches: 1, imports: 1 });

    // PostgreSQL holds each answer under the digest of its key, sealed (the stack sets an
    // encryption key): neither the key nor the answer in the clear.
    const rows = await db.dataSource.query<Record<string, unknown>[]>(
      'SELECT * FROM idempotency_answers WHERE workspace_id = $1 ORDER BY created_at',
      [workspaceId],
    );
    expect(rows).toHaveLength(ROUTES.length + 1);
    expect(rows.map((row) => row.key_digest).sort()).toEqual(
      [...ROUTES.map((route) => `durable:${route.path}`), importKey]
        .map((key) => createHash('sha256').update(key).digest('hex'))
        .sort(),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ body: null, withheld: false });
      expect(typeof row.sealed).toBe('string');
      expect(JSON.stringify(row)).not.toContain('durable');
      const ttl =
        (new Date(String(row.expires_at)).getTime() - new Date(String(row.created_at)).getTime()) / 1000;
      expect(ttl).toBe(24 * 3600);
    }

    await wipe(prefix);
    const agains: ApiAnswer[] = [];
    for (const route of ROUTES) {
      agains.push(await post(route, route.body));
    }
    const reimported = await importCsv(csv);
    // Nothing was created again...
    expect(await work()).toEqual(before);
    // ...and each retry got its first answer, marked as a replay.
    for (const [i, route] of ROUTES.entries()) {
      expect({
        path: route.path,
        status: agains[i].status,
        replayed: agains[i].headers.get('idempotent-replayed'),
      }).toEqual({ path: route.path, status: route.status, replayed: 'true' });
      expect(agains[i].body).toEqual(firsts[i].body);
    }
    expect(reimported.status).toBe(201);
    expect(reimported.headers.get('idempotent-replayed')).toBe('true');
    expect(reimported.body).toEqual(imported.body);
    // Redis holds the answers again, for what was left of their TTL: the next repeat is served there.
    const warmed = await redis.keys(`${prefix}:idempotency:${workspaceId}:*`);
    expect(warmed).toHaveLength(ROUTES.length + 1);
    for (const key of warmed) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(24 * 3600 - 120);
      expect(ttl).toBeLessThanOrEqual(24 * 3600);
    }

    // The same keys with another request, after another loss: refused, nothing created.
    await wipe(prefix);
    for (const route of ROUTES) {
      const other = await post(route, route.other);
      expect({ path: route.path, status: other.status, message: other.body.message }).toEqual({
        path: route.path,
        status: 409,
        message: expect.stringMatching(/different request/) as unknown,
      });
    }
    const otherFile = await importCsv('company_number\n70000003\n');
    expect(otherFile.status).toBe(409);
    expect(await work()).toEqual(before);

    // A POST without the header keeps nothing, in Redis or PostgreSQL.
    const plain = await call(stack.gatewayUrl, 'POST', '/v1/jobs', { token: apiKey, body: JOB });
    expect(plain.status).toBe(202);
    expect(
      await count(db, 'SELECT count(*) AS n FROM idempotency_answers WHERE workspace_id = $1', [workspaceId]),
    ).toBe(ROUTES.length + 1);
  });

  it('keeps the operator’s answers apart, replays a sealed secret after a loss, and a withheld one stays withheld', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'));
    const createWorkspaceOnce = () =>
      call<{ workspace: { id: string }; api_key: string }>(stack.gatewayUrl, 'POST', '/v1/admin/workspaces', {
        token: TEST_ADMIN_TOKEN,
        body: { name: 'Operator Durable Co' },
        headers: { 'idempotency-key': 'operator-1' },
      });
    const first = await createWorkspaceOnce();
    expect(first.status).toBe(201);
    // A workspace's call with the same key is its own (the operator's answers are apart).
    const theirs = await call(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: first.body.api_key,
      body: JOB,
      headers: { 'idempotency-key': 'operator-1' },
    });
    expect(theirs.status).toBe(202);
    await wipe(prefix);
    const again = await createWorkspaceOnce();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The first key of the workspace, a secret shown once, replayed from its sealed copy.
    expect(again.body).toEqual(first.body);
    expect(await count(db, 'SELECT count(*) AS n FROM workspaces', [])).toBe(1);
    const [operatorRow] = await db.dataSource.query<{ sealed: string | null; body: string | null }[]>(
      'SELECT sealed, body FROM idempotency_answers WHERE workspace_id IS NULL',
    );
    expect(operatorRow.body).toBeNull();
    expect(operatorRow.sealed).not.toContain(first.body.api_key);
  });

  it('with no encryption key, keeps an answer holding a secret withheld through a loss: 409, nothing done twice', async () => {
    ctx = await setUp({ SLUICE_ENCRYPTION_KEY: '' }, { worker: false });
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'));
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Plain Durable Co');
    const createKey = () =>
      call<{ api_key?: string; message?: string }>(
        stack.gatewayUrl,
        'POST',
        `/v1/admin/workspaces/${workspaceId}/keys`,
        {
          token: TEST_ADMIN_TOKEN,
          body: { name: 'ci', scopes: ['jobs:read'] },
          headers: { 'idempotency-key': 'k' },
        },
      );
    const created = await createKey();
    expect(created.status).toBe(201);
    const job = () =>
      call(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: JOB,
        headers: { 'idempotency-key': 'plain-job' },
      });
    const queued = await job();
    expect(queued.status).toBe(202);
    const rows = await db.dataSource.query<Record<string, unknown>[]>(
      'SELECT workspace_id, body, sealed, withheld FROM idempotency_answers ORDER BY created_at',
    );
    // The operator's answer held the new key: withheld, kept nowhere; the job's is kept in the clear.
    expect(rows).toEqual([
      { workspace_id: null, body: null, sealed: null, withheld: true },
      { workspace_id: workspaceId, body: JSON.stringify(queued.body), sealed: null, withheld: false },
    ]);
    expect(JSON.stringify(rows)).not.toContain(String(created.body.api_key));

    await wipe(prefix);
    const again = await createKey();
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/held a secret, which is shown once and not kept/);
    expect(
      await count(db, `SELECT count(*) AS n FROM api_keys WHERE workspace_id = $1 AND name = 'ci'`, [
        workspaceId,
      ]),
    ).toBe(1);
    const replayed = await job();
    expect(replayed.status).toBe(202);
    expect(replayed.body).toEqual(queued.body);
    expect(
      await count(db, 'SELECT count(*) AS n FROM enrichment_requests WHERE workspace_id = $1', [workspaceId]),
    ).toBe(1);
  });
});
