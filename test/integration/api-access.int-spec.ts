import { createHash } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { EnrichmentRequest } from '@sluice/db';
import { JOB_NAMES, planJobOptions, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { eventsOf, readEvents } from '../support/events';
import { requireEnv, type TestDatabase } from '../support/database';
import {
  finished,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
  worldCompanies,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

const JOB = { type: 'company.profile', input: { company_number: '00000001' }, priority: 'bulk' };

/** API keys with scopes, per-workspace rate limits and idempotency keys, over real HTTP. */
describe('API access', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;

  afterEach(async () => {
    await tearDown(ctx);
    ctx = undefined;
  });

  const admin = (stack: Stack, method: string, path: string, body?: unknown) =>
    call<Record<string, unknown>>(stack.gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });

  it('creates scoped keys shown once, enforces their scopes, lists them without secrets and revokes them', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { id: workspaceId, apiKey: owner } = await createWorkspace(stack.gatewayUrl, 'Keys Co');
    const created = await admin(stack, 'POST', `/v1/admin/workspaces/${workspaceId}/keys`, {
      name: 'dashboard',
      scopes: ['jobs:read'],
    });
    expect(created.status).toBe(201);
    const readOnly = String(created.body.api_key);
    expect(readOnly).toMatch(/^slk_/);
    for (const [body, problem] of [
      [{ name: 'x', scopes: ['everything'] }, /each scope must be one of/],
      [{ name: 'x', scopes: [] }, /at least one scope/],
      [{ scopes: ['enrich'] }, /name/],
    ] as const) {
      const refused = await admin(stack, 'POST', `/v1/admin/workspaces/${workspaceId}/keys`, body);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.message)).toMatch(problem);
    }
    expect(
      (
        await admin(stack, 'POST', '/v1/admin/workspaces/00000000-0000-4000-8000-000000000000/keys', {
          name: 'x',
          scopes: ['enrich'],
        })
      ).status,
    ).toBe(404);

    // The read-only key reads but cannot submit work; the owner key does both.
    const submitted = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: owner,
      body: JOB,
    });
    expect(submitted.status).toBe(202);
    const refused = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: readOnly,
      body: JOB,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/lacks the scope 'enrich'/);
    expect(
      (await call(stack.gatewayUrl, 'GET', `/v1/jobs/${submitted.body.id}`, { token: readOnly })).status,
    ).toBe(200);
    expect(
      (await call(stack.gatewayUrl, 'POST', '/v1/webhook-secret/rotate', { token: readOnly })).status,
    ).toBe(403);

    const listed = await admin(stack, 'GET', `/v1/admin/workspaces/${workspaceId}/keys`);
    const keys = listed.body.keys as Record<string, unknown>[];
    expect(keys.map((k) => k.name)).toEqual(['default', 'dashboard']);
    expect(keys[0]?.scopes).toEqual(['enrich', 'jobs:read', 'export', 'admin']);
    expect(JSON.stringify(listed.body)).not.toContain(readOnly);
    expect(JSON.stringify(listed.body)).not.toContain(owner);

    // Another workspace cannot revoke it through its own path.
    const other = await createWorkspace(stack.gatewayUrl, 'Other Co');
    const keyId = String(created.body.id);
    expect((await admin(stack, 'DELETE', `/v1/admin/workspaces/${other.id}/keys/${keyId}`)).status).toBe(404);
    const revoked = await admin(stack, 'DELETE', `/v1/admin/workspaces/${workspaceId}/keys/${keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    expect(
      (await call(stack.gatewayUrl, 'GET', `/v1/jobs/${submitted.body.id}`, { token: readOnly })).status,
    ).toBe(401);
  });

  it('records when each key was last used, at most once a minute, cached answers included, and never for a key not used', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { id: workspaceId, apiKey: owner } = await createWorkspace(stack.gatewayUrl, 'Usage Co');
    const keysPath = `/v1/admin/workspaces/${workspaceId}/keys`;
    const newKey = async (name: string, scopes: string[]): Promise<string> =>
      String((await admin(stack, 'POST', keysPath, { name, scopes })).body.api_key);
    const reader = await newKey('reader', ['jobs:read']);
    const cachedOnly = await newKey('cached-only', ['enrich']);
    await newKey('unused', ['jobs:read']);
    const lastUsed = async (): Promise<Record<string, string | null>> =>
      Object.fromEntries(
        (
          (await admin(stack, 'GET', keysPath)).body.keys as { name: string; last_used_at: string | null }[]
        ).map((key) => [key.name, key.last_used_at]),
      );
    expect(await lastUsed()).toEqual({ default: null, reader: null, 'cached-only': null, unused: null });

    const started = Date.now();
    expect((await call(stack.gatewayUrl, 'GET', '/v1/jobs', { token: reader })).status).toBe(200);
    // Written beside the request, not before its answer.
    const first = await eventually(async () => (await lastUsed()).reader, {
      what: "the reader key's last_used_at",
    });
    expect(Date.parse(first)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(first)).toBeLessThanOrEqual(Date.now() + 1000);
    // Within the minute, further requests leave it as it was.
    for (let i = 0; i < 3; i += 1) {
      expect((await call(stack.gatewayUrl, 'GET', '/v1/credits', { token: reader })).status).toBe(200);
    }
    expect((await lastUsed()).reader).toBe(first);

    // A key that only ever gets cached answers, served ahead of Nest and its guard, is noted too.
    const world = await people(stack.sandboxUrl);
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    const question = { ...personInput(person), enrich: ['business_email'] };
    const fresh = await call<{ cached: boolean }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: owner,
      body: { ...question, timeout_ms: 15_000 },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.cached).toBe(false);
    const cached = await call<{ cached: boolean }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: cachedOnly,
      body: question,
    });
    expect(cached.status).toBe(200);
    expect(cached.body.cached).toBe(true);
    await eventually(async () => (await lastUsed())['cached-only'], {
      what: "the cached-only key's last_used_at",
    });
    const after = await lastUsed();
    expect(after.default).toEqual(expect.any(String));
    expect(after.reader).toBe(first);
    expect(after.unused).toBeNull();
  });

  it('limits each workspace across its keys with 429, Retry-After and RateLimit headers; others go on', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Busy Co');
    const second = await admin(stack, 'POST', `/v1/admin/workspaces/${workspaceId}/keys`, {
      name: 'second',
      scopes: ['jobs:read'],
    });
    const set = await admin(stack, 'PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, { per_minute: 5 });
    expect(set.status).toBe(200);
    expect(set.body.rate_limits).toEqual({ per_minute: 5, per_hour: 1_000_000, per_day: 1_000_000 });
    expect(
      (await admin(stack, 'PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, { per_minute: 0 })).status,
    ).toBe(400);
    const quiet = await createWorkspace(stack.gatewayUrl, 'Quiet Co');

    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      // Both keys of the workspace count against the same limit.
      const answer = await call(stack.gatewayUrl, 'GET', '/v1/credits', {
        token: i % 2 === 0 ? apiKey : String(second.body.api_key),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(answer.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await call<{ code: string; message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: JOB,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.body.message).toMatch(/5 requests in the last minute/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    // Refused before anything ran: no request was stored.
    expect(await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);
    // Another workspace is not affected.
    expect((await call(stack.gatewayUrl, 'GET', '/v1/credits', { token: quiet.apiKey })).status).toBe(200);
    // Back to the default: the workspace may go on at once.
    await admin(stack, 'PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, { per_minute: null });
    expect((await call(stack.gatewayUrl, 'GET', '/v1/credits', { token: apiKey })).status).toBe(200);
  });

  it('counts the hour and the day as well, and names the window that refused', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Hourly Co');
    const set = await admin(stack, 'PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, {
      per_minute: 10,
      per_hour: 3,
      per_day: 20,
    });
    expect(set.status).toBe(200);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const answer = await call(stack.gatewayUrl, 'GET', '/v1/credits', { token: apiKey });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(answer.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await call<{ code: string; message: string }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/3 requests in the last hour/);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    // Counted per clock hour, the next hour weighs this one's three: free within 1 h 20 min.
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4_800);
    // The refusal took no slot in the minute or the day.
    const widened = await admin(stack, 'PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, {
      per_hour: 100,
    });
    expect(widened.status).toBe(200);
    const next = await call(stack.gatewayUrl, 'GET', '/v1/credits', { token: apiKey });
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-limit')).toBe('10');
    expect(next.headers.get('ratelimit-remaining')).toBe('6');
  });

  it('keeps every limit of concurrent PATCHes that each set a different one', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db } = ctx;
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Racing Co');
    const path = `/v1/admin/workspaces/${workspaceId}/limits`;
    const stored = async (): Promise<unknown> =>
      (
        await db.dataSource.query<{ rate_limits: unknown }[]>(
          'SELECT rate_limits FROM workspaces WHERE id = $1',
          [workspaceId],
        )
      )[0]?.rate_limits;
    for (let round = 1; round <= 8; round += 1) {
      const wanted = { per_minute: 100 + round, per_hour: 2_000 + round, per_day: 30_000 + round };
      const answers = await Promise.all([
        admin(stack, 'PATCH', path, { per_minute: wanted.per_minute }),
        admin(stack, 'PATCH', path, { per_hour: wanted.per_hour }),
        admin(stack, 'PATCH', path, { per_day: wanted.per_day }),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      // Each answer shows its own change in force, whatever the others did meanwhile.
      expect((answers[0]?.body.rate_limits as Record<string, number>).per_minute).toBe(wanted.per_minute);
      expect((answers[1]?.body.rate_limits as Record<string, number>).per_hour).toBe(wanted.per_hour);
      expect((answers[2]?.body.rate_limits as Record<string, number>).per_day).toBe(wanted.per_day);
      expect(await stored()).toEqual(wanted);
      // Removing keys concurrently with setting another removes exactly those keys.
      const mixed = await Promise.all([
        admin(stack, 'PATCH', path, { per_minute: null }),
        admin(stack, 'PATCH', path, { per_hour: null }),
        admin(stack, 'PATCH', path, { per_day: wanted.per_day + 1 }),
      ]);
      expect(mixed.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(await stored()).toEqual({ per_day: wanted.per_day + 1 });
      const cleared = await admin(stack, 'PATCH', path, { per_day: null });
      expect(cleared.body.rate_limits).toEqual({
        per_minute: 1_000_000,
        per_hour: 1_000_000,
        per_day: 1_000_000,
      });
      // No limit of its own left: the column is back to NULL, as for a workspace never given one.
      expect(await stored()).toBeNull();
    }
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Retry Co');
    const post = (key: string, body: unknown) =>
      call<{ id: string; message?: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body,
        headers: { 'idempotency-key': key },
      });
    const first = await post('order-42', JOB);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await Promise.all([post('order-42', JOB), post('order-42', JOB)]);
    for (const answer of again) {
      expect(answer.status).toBe(202);
      expect(answer.body.id).toBe(first.body.id);
      expect(answer.headers.get('idempotent-replayed')).toBe('true');
    }
    const other = await post('order-42', { ...JOB, input: { company_number: '00000002' } });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/different request/);
    expect(await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(1);

    // A refused request keeps nothing: the same key works once the body is right.
    const bad = await post('order-43', { type: 'company.profile', input: {} });
    expect(bad.status).toBe(400);
    const fixed = await post('order-43', JOB);
    expect(fixed.status).toBe(202);
    expect(fixed.body.id).not.toBe(first.body.id);
    // Keys are per workspace: another workspace's same key is its own.
    const elsewhere = await createWorkspace(stack.gatewayUrl, 'Elsewhere Co');
    const theirs = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: elsewhere.apiKey,
      body: JOB,
      headers: { 'idempotency-key': 'order-42' },
    });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
    expect(
      (
        await call(stack.gatewayUrl, 'POST', '/v1/jobs', {
          token: apiKey,
          body: JOB,
          headers: { 'idempotency-key': 'x'.repeat(300) },
        })
      ).status,
    ).toBe(400);
  });

  it('replays the first answer to the same body with its keys in another order; another value or list order is 409', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db, prefix } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Reorder Co');
    const post = (path: string, key: string, body: unknown) =>
      call<{ id: string; message?: string; jobs?: { id: string }[] }>(stack.gatewayUrl, 'POST', path, {
        token: apiKey,
        body,
        headers: { 'idempotency-key': key },
      });
    const jobs = () => db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId });
    const sent = {
      type: 'company.profile',
      input: { company_number: '00000001' },
      priority: 'bulk',
      options: { max_age_days: 30, wait_for_credits: false },
    };
    // The same request as another serialiser writes it: every object's keys in another order.
    const reordered = {
      options: { wait_for_credits: false, max_age_days: 30 },
      priority: 'bulk',
      input: { company_number: '00000001' },
      type: 'company.profile',
    };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(sent));
    const first = await post('/v1/jobs', 'reorder-1', sent);
    expect(first.status).toBe(202);
    const again = await post('/v1/jobs', 'reorder-1', reordered);
    expect({ status: again.status, id: again.body.id, message: again.body.message }).toEqual({
      status: 202,
      id: first.body.id,
      message: undefined,
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await jobs()).toBe(1);
    // A value that differs is another request, whatever the order of its keys.
    const other = await post('/v1/jobs', 'reorder-1', {
      ...reordered,
      options: { wait_for_credits: false, max_age_days: 31 },
    });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/different request/);
    // Answered from PostgreSQL's copy too, once Redis has lost its own.
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keyOf = (key: string): string =>
        `${prefix}:idempotency:${workspaceId}:${createHash('sha256').update(key).digest('hex')}`;
      expect(await redis.del(keyOf('reorder-1'))).toBe(1);
      const fromPostgres = await post('/v1/jobs', 'reorder-1', reordered);
      expect({ status: fromPostgres.status, id: fromPostgres.body.id }).toEqual({
        status: 202,
        id: first.body.id,
      });
      expect(await jobs()).toBe(1);

      // A list's order is part of the request: the jobs of a bulk request in another order are 409.
      const bulk = {
        jobs: [
          { type: 'company.profile', input: { company_number: '00000002' } },
          { type: 'company.profile', input: { company_number: '00000003' } },
        ],
      };
      expect((await post('/v1/jobs/bulk', 'reorder-2', bulk)).status).toBe(202);
      const swapped = await post('/v1/jobs/bulk', 'reorder-2', { jobs: [...bulk.jobs].reverse() });
      expect(swapped.status).toBe(409);
      expect(await jobs()).toBe(3);

      // An answer kept before the canonical fingerprint (an older gateway's, within its TTL) holds
      // the fingerprint of the body as it was sent: the same body sent again still gets it, from
      // Redis and from PostgreSQL.
      const asSent = createHash('sha256')
        .update(`POST /v1/jobs\n${JSON.stringify(reordered)}`)
        .digest('hex');
      const legacy = await post('/v1/jobs', 'reorder-3', reordered);
      expect(legacy.status).toBe(202);
      const kept = JSON.parse((await redis.get(keyOf('reorder-3'))) ?? 'null') as { fingerprint: string };
      expect(kept.fingerprint).not.toBe(asSent);
      await redis.set(keyOf('reorder-3'), JSON.stringify({ ...kept, fingerprint: asSent }), 'KEEPTTL');
      await db.dataSource.query(
        'UPDATE idempotency_answers SET fingerprint = $3 WHERE workspace_id = $1 AND key_digest = $2',
        [workspaceId, createHash('sha256').update('reorder-3').digest('hex'), asSent],
      );
      for (const from of ['Redis', 'PostgreSQL']) {
        if (from === 'PostgreSQL') {
          expect(await redis.del(keyOf('reorder-3'))).toBe(1);
        }
        const repeat = await post('/v1/jobs', 'reorder-3', reordered);
        expect({ from, status: repeat.status, id: repeat.body.id }).toEqual({
          from,
          status: 202,
          id: legacy.body.id,
        });
      }
      const changed = await post('/v1/jobs', 'reorder-3', { ...reordered, priority: 'interactive' });
      expect(changed.status).toBe(409);
      expect(await jobs()).toBe(4);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps no Idempotency-Key answer for a caller it does not know, nor lets one take the operator’s keys', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, prefix } = ctx;
    // The dashboard's logout is open to anybody and always answers 204.
    for (let i = 0; i < 5; i += 1) {
      const logout = await call(stack.gatewayUrl, 'POST', '/dashboard/logout', {
        headers: { 'idempotency-key': `taken-${i}` },
      });
      expect(logout.status).toBe(204);
    }
    expect(await keptAnswers(prefix)).toEqual([]);
    // The operator's call with one of those keys runs (it was not taken), and is kept.
    const created = await call<{ workspace?: { id: string }; message?: string }>(
      stack.gatewayUrl,
      'POST',
      '/v1/admin/workspaces',
      { token: TEST_ADMIN_TOKEN, body: { name: 'Operator Co' }, headers: { 'idempotency-key': 'taken-0' } },
    );
    expect({ status: created.status, message: created.body.message }).toEqual({
      status: 201,
      message: undefined,
    });
    expect(await keptAnswers(prefix)).toHaveLength(1);
  });

  /** Every answer the gateway keeps for Idempotency-Key replays, as Redis holds it. */
  const keptAnswers = async (prefix: string): Promise<string[]> => {
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keys = await redis.keys(`${prefix}:idempotency:*`);
      return await Promise.all(keys.map(async (key) => (await redis.get(key)) ?? ''));
    } finally {
      redis.disconnect();
    }
  };

  it('replays an answer holding a secret from a sealed copy: Redis never holds the secret', async () => {
    ctx = await setUp({});
    const { stack, prefix } = ctx;
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Sealed Co');
    const create = () =>
      call<{ api_key: string }>(stack.gatewayUrl, 'POST', `/v1/admin/workspaces/${workspaceId}/keys`, {
        token: TEST_ADMIN_TOKEN,
        body: { name: 'ci', scopes: ['jobs:read'] },
        headers: { 'idempotency-key': 'key-once' },
      });
    const first = await create();
    expect(first.status).toBe(201);
    const again = await create();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.api_key).toBe(first.body.api_key);
    const kept = await keptAnswers(prefix);
    expect(kept.length).toBeGreaterThan(0);
    for (const value of kept) {
      expect(value).not.toContain(first.body.api_key);
      expect(value).not.toContain('slk_');
    }
  });

  it('keeps no answer holding a secret when no encryption key is set; a repeat is 409, nothing done twice', async () => {
    ctx = await setUp({ SLUICE_ENCRYPTION_KEY: '' });
    const { stack, prefix } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Plain Co');
    const create = () =>
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
    const first = await create();
    expect(first.status).toBe(201);
    const again = await create();
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/held a secret, which is shown once and not kept/);
    const keys = await call<{ data: unknown[] }>(
      stack.gatewayUrl,
      'GET',
      `/v1/admin/workspaces/${workspaceId}/keys`,
      {
        token: TEST_ADMIN_TOKEN,
      },
    );
    expect(JSON.stringify(keys.body).match(/"name":"ci"/g)).toHaveLength(1);
    for (const value of await keptAnswers(prefix)) {
      expect(value).not.toContain(String(first.body.api_key));
    }
    // Answers without a secret are replayed as before.
    const job = () =>
      call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: JOB,
        headers: { 'idempotency-key': 'job-1' },
      });
    const queued = await job();
    const replayed = await job();
    expect(replayed.status).toBe(202);
    expect(replayed.body.id).toBe(queued.body.id);
  });

  it('lists a workspace’s jobs newest first, page by page with a cursor, filtered; retries a failed one', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'List Co');
    const other = await createWorkspace(stack.gatewayUrl, 'Unlisted Co');
    const world = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=4')
    ).body.map((company) => company.company_number);
    const ids: string[] = [];
    // The fourth is not on the register: that job fails.
    for (const number of [world[0], world[1], world[2], '99999998', world[3]]) {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { ...JOB, input: { company_number: number } },
      });
      ids.push(created.body.id);
    }
    await call(stack.gatewayUrl, 'POST', '/v1/jobs', { token: other.apiKey, body: JOB });
    const views = await Promise.all(ids.map((id) => finished(stack, apiKey, id)));
    const failed = views.find((view) => view.status === 'failed');
    expect(failed?.id).toBe(ids[3]);

    type Page = { data: { id: string; status: string }[]; next_cursor: string | null };
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Page } = await call<Page>(
        stack.gatewayUrl,
        'GET',
        `/v1/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: apiKey },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((job) => job.id));
      cursor = page.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const onlyFailed = await call<Page>(
      stack.gatewayUrl,
      'GET',
      '/v1/jobs?status=failed&type=company.profile',
      {
        token: apiKey,
      },
    );
    expect(onlyFailed.body.data.map((job) => job.id)).toEqual([ids[3]]);
    for (const query of [
      'limit=0',
      'status=done',
      'type=person.anything',
      'cursor=bm9wZQ',
      'colour=red',
      'created_after=soon',
    ]) {
      const refused = await call<{ message: string }>(stack.gatewayUrl, 'GET', `/v1/jobs?${query}`, {
        token: apiKey,
      });
      expect(refused.status).toBe(400);
    }

    const retried = await call<{ id: string; retry_of: string }>(
      stack.gatewayUrl,
      'POST',
      `/v1/jobs/${ids[3]}/retry`,
      { token: apiKey },
    );
    expect(retried.status).toBe(202);
    expect(retried.body.retry_of).toBe(ids[3]);
    expect(retried.body.id).not.toBe(ids[3]);
    expect((await finished(stack, apiKey, retried.body.id)).status).toBe('failed');
    expect((await call(stack.gatewayUrl, 'POST', `/v1/jobs/${ids[0]}/retry`, { token: apiKey })).status).toBe(
      409,
    );
    expect(
      (await call(stack.gatewayUrl, 'POST', `/v1/jobs/${ids[3]}/retry`, { token: other.apiKey })).status,
    ).toBe(404);

    // An input an earlier version stored, that this one refuses (a first name of punctuation only),
    // is not run again: the retry names the field, and no job is made.
    await ctx.db.dataSource.query(`UPDATE enrichment_requests SET type = $2, input = $3 WHERE id = $1`, [
      ids[3],
      'person.email',
      { first_name: '-', last_name: 'Smith', domain: 'example.com' },
    ]);
    const before = await ctx.db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM enrichment_requests',
    );
    const stale = await call<{ message: string }>(stack.gatewayUrl, 'POST', `/v1/jobs/${ids[3]}/retry`, {
      token: apiKey,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(
      /cannot be retried: its input is no longer accepted \(input\.first_name/,
    );
    expect(
      await ctx.db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM enrichment_requests'),
    ).toEqual(before);
  });

  it('lists the jobs of one bulk submission (one created_at) page by page, each exactly once and in order', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Bulk List Co');
    const submitted = await call<{ accepted: { id: string }[] }>(stack.gatewayUrl, 'POST', '/v1/jobs/bulk', {
      token: apiKey,
      body: {
        jobs: Array.from({ length: 5 }, (_, i) => ({ ...JOB, input: { company_number: `1000000${i}` } })),
      },
    });
    expect(submitted.status).toBe(202);
    // One INSERT: the five share one created_at, to the microsecond.
    const [{ instants }] = await db.dataSource.query<{ instants: number }[]>(
      'SELECT count(DISTINCT created_at)::int AS instants FROM enrichment_requests WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(instants).toBe(1);
    // Newest first, then by id descending: with one created_at, the ids' order.
    const expected = submitted.body.accepted
      .map((job) => job.id)
      .sort()
      .reverse();
    expect(expected).toHaveLength(5);

    type Page = { data: { id: string }[]; next_cursor: string | null };
    const page = (query: string) =>
      call<Page>(stack.gatewayUrl, 'GET', `/v1/jobs?${query}`, { token: apiKey });
    for (const limit of [1, 2, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const answer: { status: number; body: Page } = await page(
          `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(answer.status).toBe(200);
        seen.push(...answer.body.data.map((job) => job.id));
        cursor = answer.body.next_cursor;
      } while (cursor);
      expect({ limit, seen }).toEqual({ limit, seen: expected });
    }

    // A cursor of the earlier, millisecond form is refused rather than followed past jobs.
    const [first] = (await page('limit=1')).body.data;
    const createdAt = (
      await db.dataSource.getRepository(EnrichmentRequest).findOneByOrFail({ id: first?.id })
    ).createdAt;
    const old = Buffer.from(`${createdAt.toISOString()}|${first?.id}`, 'utf8').toString('base64url');
    const refused = await call<{ message: string }>(stack.gatewayUrl, 'GET', `/v1/jobs?cursor=${old}`, {
      token: apiKey,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(
      /could skip rows created in the same millisecond\); start again without it/,
    );
    // A forged position PostgreSQL could not read is a 400, not a 500.
    const forged = Buffer.from(JSON.stringify(['2026-02-30 10:00:00+00', first?.id]), 'utf8').toString(
      'base64url',
    );
    const malformed = await call<{ message: string }>(stack.gatewayUrl, 'GET', `/v1/jobs?cursor=${forged}`, {
      token: apiKey,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(
      /cursor is not a next_cursor of this list; start again without it/,
    );
  });

  it('streams a job’s progress as server-sent events until its outcome', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Stream Co');
    const [company] = await worldCompanies(stack.sandboxUrl);
    await sandboxPatch(stack.sandboxUrl, 'companies-house', { latency_ms: 700 });
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { ...JOB, input: { company_number: company?.company_number } },
    });
    const events = await readEvents(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, apiKey);
    const types = events.map((event) => event.event);
    expect(types[0]).toBe('snapshot');
    expect(['queued', 'running']).toContain(events[0]?.data.status);
    expect(types).toContain('step');
    expect(types.at(-1)).toBe('completed');
    const step = events.find((event) => event.event === 'step' && event.data.state === 'completed');
    expect(step?.data).toMatchObject({ provider: 'companies-house', operation: 'company.profile' });
    expect((events.at(-1)?.data.result as { company?: unknown }).company).toBeDefined();

    // Every event has an id; the outcome's tells a reconnect that the client has read it.
    expect(events.map((event) => event.id)).toEqual([
      ...events.slice(0, -1).map((_, index) => String(index + 1)),
      'outcome',
    ]);

    // A finished job: its snapshot and its outcome, then the stream ends.
    const again = await readEvents(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, apiKey);
    expect(again.map((event) => event.event)).toEqual(['snapshot', 'completed']);
    // EventSource reconnects when a stream ends, sending the last id it read: after the outcome it
    // is told 204, which stops it; a reconnect that has not read the outcome gets the job again.
    const reconnect = (lastEventId: string): Promise<Response> =>
      fetch(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, {
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'text/event-stream',
          'last-event-id': lastEventId,
        },
        signal: AbortSignal.timeout(20_000),
      });
    const ended = await reconnect('outcome');
    expect(ended.status).toBe(204);
    expect(await ended.text()).toBe('');
    const midway = await reconnect('1');
    expect(midway.status).toBe(200);
    expect(eventsOf(await midway.text()).map((event) => event.event)).toEqual(['snapshot', 'completed']);
    const stranger = await createWorkspace(stack.gatewayUrl, 'Stranger Co');
    const refused = await fetch(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, {
      headers: { authorization: `Bearer ${stranger.apiKey}` },
    });
    expect(refused.status).toBe(404);
  });

  it('ends a job’s event stream as soon as the job is cancelled', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancel Stream Co');
    const [company] = await worldCompanies(stack.sandboxUrl);
    await sandboxPatch(stack.sandboxUrl, 'companies-house', { latency_ms: 8000 });
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { ...JOB, input: { company_number: company?.company_number } },
    });
    const streamed = readEvents(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, apiKey);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the stream has opened
    const cancelledAt = Date.now();
    const cancel = await call(stack.gatewayUrl, 'POST', `/v1/jobs/${created.body.id}/cancel`, {
      token: apiKey,
    });
    expect(cancel.status).toBe(200);
    const events = await streamed;
    // Announced like a worker's change, not found by the stream's 5 s re-read.
    expect(Date.now() - cancelledAt).toBeLessThan(2500);
    expect(events.at(-1)?.event).toBe('cancelled');
    await sandboxPatch(stack.sandboxUrl, 'companies-house', { latency_ms: 0 });
  });

  it('keeps a quiet event stream alive with comment lines until the job ends', async () => {
    ctx = await setUp({ JOB_EVENTS_KEEPALIVE_MS: '200' });
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Patient Co');
    const [company] = await worldCompanies(stack.sandboxUrl);
    // Nothing changes for 2 s while Companies House answers.
    await sandboxPatch(stack.sandboxUrl, 'companies-house', { latency_ms: 2000 });
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { ...JOB, input: { company_number: company?.company_number } },
    });
    const response = await fetch(`${stack.gatewayUrl}/v1/jobs/${created.body.id}/events`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    expect(text.match(/^: keep-alive$/gm)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(eventsOf(text).at(-1)?.event).toBe('completed');
  });

  it('stores every field of a new job, with the key, tier and request id that submitted it', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Fields Co', 'premium');
    const submitted = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      headers: { 'x-request-id': 'fields-1' },
      body: {
        type: 'person.email',
        input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
        priority: 'bulk',
        max_credits: 2.5,
        options: { accept_catch_all: true },
        callback_url: 'https://hooks.example.com/sluice',
      },
    });
    expect(submitted.status).toBe(202);
    const row = await db.dataSource
      .getRepository(EnrichmentRequest)
      .findOneByOrFail({ id: submitted.body.id });
    const [key] = await db.dataSource.query<{ id: string }[]>(
      'SELECT id FROM api_keys WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(row).toMatchObject({
      workspaceId,
      apiKeyId: key?.id,
      importId: null,
      type: 'person.email',
      input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
      priority: 'bulk',
      maxCredits: '2.5000',
      options: { accept_catch_all: true },
      callbackUrl: 'https://hooks.example.com/sluice',
      tier: 'enterprise',
      correlationId: 'fields-1',
      batchId: null,
      result: null,
    });
    expect(['queued', 'running', 'completed', 'failed']).toContain(row.status);
  });

  it('enqueues a new job’s plan with the plan options, as one command without a pipeline', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Plan Co');
    // Every ioredis pipeline is built by this method; the gateway is the only Redis user here.
    const pipelines = jest.spyOn(Redis.prototype, 'pipeline');
    // A request whose first step is at a paid provider (LOW), then a register lookup (HIGH class work).
    const kinds = [
      {
        first: 'LOW',
        body: { type: 'person.email', input: { full_name: 'Jane Doe', domain: 'acme.co.uk' } },
      },
      { first: 'HIGH', body: JOB },
    ] as const;
    const taken: { id: string; priority: number | undefined }[] = [];
    try {
      for (const [priority, { first, body }] of (['interactive', 'bulk'] as const).flatMap((p) =>
        kinds.map((kind) => [p, kind] as const),
      )) {
        pipelines.mockClear();
        const submitted = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
          token: apiKey,
          headers: { 'x-request-id': `plan-${priority}` },
          body: { ...body, priority },
        });
        expect(submitted.status).toBe(202);
        // One job needs no pipeline: building one copies every script command BullMQ defines.
        expect(pipelines).not.toHaveBeenCalled();
        const queue = stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
        const plan = await queue.getJob(`plan-${submitted.body.id}`);
        const expected = planJobOptions(submitted.body.id, priority, first);
        expect(plan?.name).toBe(JOB_NAMES.enrichmentPlan);
        expect(plan?.data).toEqual({
          requestId: submitted.body.id,
          workspaceId,
          correlationId: `plan-${priority}`,
        });
        expect(plan?.opts).toMatchObject({
          jobId: expected.jobId,
          priority: expected.priority,
          attempts: expected.attempts,
        });
        expect(await plan?.getState()).toBe('prioritized');
        taken.push({ id: submitted.body.id, priority: plan?.opts.priority });
      }
      // Taken interactive first, and within each, the register lookup before the paid provider's
      // request, though each was enqueued after it.
      const queue = stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
      const order = (await queue.getJobs(['prioritized'], 0, -1, true)).map(
        (job) => (job.data as { requestId: string }).requestId,
      );
      expect(order).toEqual([taken[1]?.id, taken[0]?.id, taken[3]?.id, taken[2]?.id]);
    } finally {
      pipelines.mockRestore();
    }
  });

  it('enqueues a bulk list, each job checked on its own, the invalid ones listed by index', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Bulk Co');
    const numbers = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=3')
    ).body.map((company) => company.company_number);
    const bulk = (body: unknown, headers: Record<string, string> = {}) =>
      call<{
        accepted: { index: number; id: string }[];
        rejected: { index: number; errors: string[] }[];
        message?: string;
      }>(stack.gatewayUrl, 'POST', '/v1/jobs/bulk', { token: apiKey, body, headers });
    const jobs = [
      { type: 'company.profile', input: { company_number: numbers[0] } },
      { type: 'company.nothing', input: { company_number: numbers[1] } },
      { type: 'company.profile', input: { company_number: numbers[1] }, colour: 'red' },
      { type: 'company.profile', input: { company_number: numbers[2] }, priority: 'interactive' },
      'not a job',
      { type: 'company.officers', input: { company_number: numbers[0] } },
    ];
    const answer = await bulk({ jobs }, { 'idempotency-key': 'bulk-1' });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted.map((a) => a.index)).toEqual([0, 3, 5]);
    expect(answer.body.rejected.map((r) => r.index)).toEqual([1, 2, 4]);
    expect(answer.body.rejected[0]?.errors.join(' ')).toMatch(/type must be one of/);
    expect(answer.body.rejected[1]?.errors.join(' ')).toMatch(/unknown field colour/);
    expect(answer.body.rejected[2]?.errors).toEqual(['each job must be an object']);
    const views = await Promise.all(answer.body.accepted.map((a) => finished(stack, apiKey, a.id)));
    expect(views.map((view) => view.status)).toEqual(['completed', 'completed', 'completed']);
    expect(views.map((view) => view.priority)).toEqual(['bulk', 'interactive', 'bulk']);
    // Each accepted id is the job at its index.
    expect(views.map((view) => [view.type, view.input])).toEqual([
      ['company.profile', { company_number: numbers[0] }],
      ['company.profile', { company_number: numbers[2] }],
      ['company.officers', { company_number: numbers[0] }],
    ]);
    // The same submission again with its key: the first answer, nothing enqueued twice.
    const replay = await bulk({ jobs }, { 'idempotency-key': 'bulk-1' });
    expect(replay.body.accepted).toEqual(answer.body.accepted);
    expect(await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(3);

    for (const body of [{ jobs: [] }, { jobs: 'all of them' }, [], { jobs: [jobs[0]], extra: 1 }]) {
      expect((await bulk(body)).status).toBe(400);
    }
    const none = await bulk({ jobs: [jobs[1], jobs[4]] });
    expect(none.status).toBe(400);
    expect(none.body.rejected.map((r) => r.index)).toEqual([0, 1]);
    expect(await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(3);
  });
});
