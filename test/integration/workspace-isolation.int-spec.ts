import { randomBytes, randomUUID } from 'node:crypto';
import { createSluiceClient, type SluiceClient } from '@sluice/client';
import {
  Alert,
  Batch,
  CreditLedgerEntry,
  EnrichmentRequest,
  WorkspaceProviderCredential,
  WorkspaceWebhookSecret,
} from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import type { TestDatabase } from '../support/database';

/** What one workspace owns in this suite; add the objects of new routes here. */
interface Objects {
  /** A job that finished. */
  completedJob: string;
  /** A job that failed (retryable). */
  failedJob: string;
  /** A job still waiting (its provider is paused): cancellable. */
  waitingJob: string;
  /** An API key besides the workspace's first. */
  extraKeyId: string;
  /** A batch whose jobs all finished. */
  batch: string;
  /** A CSV import (one row) whose job finished. */
  csvImport: string;
  /** A saved export of that import. */
  savedExport: string;
}

interface Tenant {
  id: string;
  apiKey: string;
  client: SluiceClient;
  objects: Objects;
}

/**
 * One way of touching one object. The suite runs every case with a workspace's client on the other
 * workspace's object (both ways) and on an id that does not exist: both must be the same 404.
 * Adding a workspace-scoped route means adding a case here (and its object to {@link Objects}).
 */
/** What openapi-fetch answers: the response (its body already read) and the parsed error. */
interface Answer {
  response: Response;
  error?: unknown;
}

interface ObjectCase {
  name: string;
  object: keyof Objects;
  /** What the 404 says (with the id as `<id>`); a job's unless told. */
  missing?: RegExp;
  touch(client: SluiceClient, id: string): Promise<Answer>;
}

const OBJECT_CASES: ObjectCase[] = [
  {
    name: 'GET /v1/jobs/{id}',
    object: 'completedJob',
    touch: (client, id) => client.GET('/v1/jobs/{id}', { params: { path: { id } } }),
  },
  {
    name: 'POST /v1/jobs/{id}/cancel',
    object: 'waitingJob',
    touch: (client, id) => client.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }),
  },
  {
    name: 'POST /v1/jobs/{id}/retry',
    object: 'failedJob',
    touch: (client, id) => client.POST('/v1/jobs/{id}/retry', { params: { path: { id } } }),
  },
  {
    name: 'GET /v1/jobs/{id}/events',
    object: 'completedJob',
    touch: (client, id) => client.GET('/v1/jobs/{id}/events', { params: { path: { id } }, parseAs: 'text' }),
  },
  {
    name: 'GET /v1/jobs/{id}/callback/deliveries',
    object: 'completedJob',
    touch: (client, id) => client.GET('/v1/jobs/{id}/callback/deliveries', { params: { path: { id } } }),
  },
  {
    name: 'POST /v1/jobs/{id}/callback/redeliver',
    object: 'completedJob',
    touch: (client, id) => client.POST('/v1/jobs/{id}/callback/redeliver', { params: { path: { id } } }),
  },
  {
    name: 'GET /v1/batches/{id}',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) =>
      client.GET('/v1/batches/{id}', { params: { path: { id }, query: { limit: '100', after: '-1' } } }),
  },
  {
    name: 'GET /v1/batches/{id}/summary',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) => client.GET('/v1/batches/{id}/summary', { params: { path: { id } } }),
  },
  {
    name: 'POST /v1/batches/{id}/cancel',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) => client.POST('/v1/batches/{id}/cancel', { params: { path: { id } } }),
  },
  {
    name: 'PUT /v1/batches/{id}/schedule',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) =>
      client.PUT('/v1/batches/{id}/schedule', { params: { path: { id } }, body: { every_days: 7 } }),
  },
  {
    name: 'DELETE /v1/batches/{id}/schedule',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) => client.DELETE('/v1/batches/{id}/schedule', { params: { path: { id } } }),
  },
  {
    name: 'GET /v1/imports/{id}',
    object: 'csvImport',
    missing: /No import <id>/,
    touch: (client, id) => client.GET('/v1/imports/{id}', { params: { path: { id } } }),
  },
  {
    name: 'POST /v1/exports of an import',
    object: 'csvImport',
    missing: /No import <id>/,
    touch: (client, id) => client.POST('/v1/exports', { body: { format: 'csv', import_id: id } }),
  },
  {
    name: 'POST /v1/exports of a batch',
    object: 'batch',
    missing: /No batch <id>/,
    touch: (client, id) => client.POST('/v1/exports', { body: { format: 'jsonl', batch_id: id } }),
  },
  {
    name: 'GET /v1/exports/{id}',
    object: 'savedExport',
    missing: /No export <id>/,
    touch: (client, id) =>
      client.GET('/v1/exports/{id}', { params: { path: { id }, query: {} }, parseAs: 'text' }),
  },
];

/** The answer with the id it names made neutral, to compare a foreign object's 404 with a missing one's. */
function neutral(answer: Answer, id: string): { status: number; body: string } {
  return {
    status: answer.response.status,
    body: JSON.stringify(answer.error ?? null)
      .split(id)
      .join('<id>'),
  };
}

describe('workspace isolation: a workspace sees and touches only its own objects', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let a: Tenant;
  let b: Tenant;
  const admin = (method: string, path: string, body?: unknown) =>
    call<Record<string, unknown>>(ctx?.stack.gatewayUrl ?? '', method, path, {
      token: TEST_ADMIN_TOKEN,
      body,
    });

  async function tenant(stack: Stack, name: string, companyNumber: string): Promise<Tenant> {
    const created = await createWorkspace(stack.gatewayUrl, name);
    const client = createSluiceClient({ baseUrl: stack.gatewayUrl, apiKey: created.apiKey });
    const submit = async (company_number: string): Promise<string> => {
      const { data, response } = await client.POST('/v1/jobs', {
        body: { type: 'company.profile', input: { company_number }, priority: 'interactive' },
      });
      expect(response.status).toBe(202);
      return data?.id ?? '';
    };
    const completedJob = await submit(companyNumber);
    const failedJob = await submit('99999998'); // not on the register: the job fails
    expect((await finished(stack, created.apiKey, completedJob)).status).toBe('completed');
    expect((await finished(stack, created.apiKey, failedJob)).status).toBe('failed');
    const key = await admin('POST', `/v1/admin/workspaces/${created.id}/keys`, {
      name: 'extra',
      scopes: ['jobs:read'],
    });
    expect(key.status).toBe(201);
    // A batch with a schedule; its jobs finish before the cases run, so no state moves under them.
    const batch = await call<{ batch: { id: string }; accepted: { job_id: string }[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/batches',
      {
        token: created.apiKey,
        body: {
          name: `${name} batch`,
          records: [{ domain: 'acme.com' }],
          enrich: ['industry'],
          schedule: { every_days: 30 },
        },
      },
    );
    expect(batch.status).toBe(201);
    expect(batch.body.accepted).toHaveLength(1);
    for (const { job_id } of batch.body.accepted) {
      await finished(stack, created.apiKey, job_id);
    }
    // A one-row CSV import and a saved export of it.
    const uploaded = await fetch(`${stack.gatewayUrl}/v1/imports?type=company.profile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.apiKey}`, 'content-type': 'text/csv' },
      body: `company_number\n${companyNumber}\n`,
    });
    expect(uploaded.status).toBe(201);
    const csvImport = ((await uploaded.json()) as { id: string; rows_accepted: number }).id;
    const importJobs = await call<{ data: { id: string }[] }>(
      stack.gatewayUrl,
      'GET',
      `/v1/jobs?import_id=${csvImport}`,
      { token: created.apiKey },
    );
    expect(importJobs.body.data).toHaveLength(1);
    for (const { id } of importJobs.body.data) {
      await finished(stack, created.apiKey, id); // no state moves under the cases
    }
    const saved = await client.POST('/v1/exports', { body: { format: 'csv', import_id: csvImport } });
    expect(saved.response.status).toBe(201);
    return {
      id: created.id,
      apiKey: created.apiKey,
      client,
      objects: {
        completedJob,
        failedJob,
        waitingJob: '',
        extraKeyId: String(key.body.id),
        batch: batch.body.batch.id,
        csvImport,
        savedExport: (saved.data as { id: string }).id,
      },
    };
  }

  beforeAll(async () => {
    // A master key enables workspace provider credentials (whose isolation is checked below).
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64') });
    const { stack } = ctx;
    const companies = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=2')
    ).body;
    a = await tenant(stack, 'Alpha Co', companies[0]?.company_number ?? '');
    b = await tenant(stack, 'Beta Co', companies[1]?.company_number ?? '');
    // With the provider paused, new jobs wait: they stay cancellable for the whole suite.
    expect((await admin('POST', '/v1/admin/providers/companies-house/pause')).status).toBe(200);
    for (const owner of [a, b]) {
      const { data } = await owner.client.POST('/v1/jobs', {
        body: { type: 'company.profile', input: { company_number: companies[0]?.company_number ?? '' } },
      });
      owner.objects.waitingJob = data?.id ?? '';
    }
  });

  afterAll(async () => {
    if (ctx) {
      await admin('POST', '/v1/admin/providers/companies-house/resume');
    }
    await tearDown(ctx);
  });

  /**
   * Every job's id and state (queued and running are one state here: the worker moves them on its
   * own), and every batch's id and schedule.
   */
  async function requestStates(): Promise<string[]> {
    const rows =
      (await ctx?.db.dataSource.getRepository(EnrichmentRequest).find({ order: { id: 'ASC' } })) ?? [];
    const batches = (await ctx?.db.dataSource.getRepository(Batch).find({ order: { id: 'ASC' } })) ?? [];
    return [
      ...rows.map(
        (row) => `${row.id} ${['queued', 'running'].includes(row.status) ? 'unfinished' : row.status}`,
      ),
      ...batches.map((batch) => `batch ${batch.id} ${JSON.stringify(batch.schedule)}`),
    ];
  }

  const directions = (): [string, () => Tenant, () => Tenant][] => [
    ['A on B’s', () => a, () => b],
    ['B on A’s', () => b, () => a],
  ];

  describe.each(directions())('%s objects', (_label, caller, owner) => {
    it.each(OBJECT_CASES)('$name is a 404 exactly like a missing object, and changes nothing', async (c) => {
      const theirs = owner().objects[c.object];
      const before = await requestStates();
      const foreign = neutral(await c.touch(caller().client, theirs), theirs);
      const missingId = randomUUID();
      const missing = neutral(await c.touch(caller().client, missingId), missingId);
      expect(foreign.status).toBe(404);
      expect(foreign).toEqual(missing);
      expect(foreign.body).toMatch(c.missing ?? /No job <id>/);
      // Nothing was created, cancelled, retried or rescheduled anywhere.
      expect(await requestStates()).toEqual(before);
      // The owner reaches it (a refusal of its own, e.g. no callback_url to redeliver to, is not a 404).
      expect((await c.touch(owner().client, theirs)).response.status).not.toBe(404);
    });

    it('the job list holds only the caller’s jobs, whatever the filter', async () => {
      const requests = ctx?.db.dataSource.getRepository(EnrichmentRequest);
      const mine = (await requests?.findBy({ workspaceId: caller().id }))?.map((r) => r.id) ?? [];
      const others = new Set((await requests?.findBy({ workspaceId: owner().id }))?.map((r) => r.id));
      expect(others.size).toBeGreaterThanOrEqual(3);
      for (const query of [{}, { status: 'failed' as const }, { type: 'company.profile' }, { limit: 1 }]) {
        const { data, response } = await caller().client.GET('/v1/jobs', { params: { query } });
        expect(response.status).toBe(200);
        const ids = data?.data.map((job) => job.id) ?? [];
        expect(ids.length).toBeGreaterThan(0);
        expect(ids.filter((id) => others.has(id))).toEqual([]);
        expect(ids.every((id) => mine.includes(id))).toBe(true);
      }
    });

    it('the batch list holds only the caller’s batches', async () => {
      const { data, response } = await caller().client.GET('/v1/batches', {
        params: { query: { limit: '100', offset: '0' } },
      });
      expect(response.status).toBe(200);
      const ids = (data as { data: { id: string }[] } | undefined)?.data.map((batch) => batch.id) ?? [];
      expect(ids).toContain(caller().objects.batch);
      expect(ids).not.toContain(owner().objects.batch);
    });

    it('the audit trail holds only the caller’s events', async () => {
      const { data, response } = await caller().client.GET('/v1/audit', {
        params: { query: { limit: '200' } },
      });
      expect(response.status).toBe(200);
      const events = data?.data ?? [];
      // Its creation at least, and the reads of its own jobs by the cases above.
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((event) => event.workspace_id === caller().id)).toBe(true);
      const theirs = new Set(Object.values(owner().objects));
      expect(events.filter((event) => theirs.has(String(event.target_id)))).toEqual([]);
    });

    it('the other workspace’s key ids cannot be revoked through the caller’s admin path', async () => {
      const revoked = await admin(
        'DELETE',
        `/v1/admin/workspaces/${caller().id}/keys/${owner().objects.extraKeyId}`,
      );
      expect(revoked.status).toBe(404);
      const keys = await admin('GET', `/v1/admin/workspaces/${owner().id}/keys`);
      const theirs = (keys.body.keys as { id: string; revoked_at: string | null }[]).find(
        (key) => key.id === owner().objects.extraKeyId,
      );
      expect(theirs?.revoked_at).toBeNull();
      const listed = await admin('GET', `/v1/admin/workspaces/${caller().id}/keys`);
      expect(JSON.stringify(listed.body)).not.toContain(owner().objects.extraKeyId);
    });
  });

  it('credits, usage, alerts and quotas show each workspace its own figures only', async () => {
    const db = ctx?.db.dataSource;
    if (!db) {
      throw new Error('no database');
    }
    // B spent at snov today, has a quota there and an alert about it; A has none of these.
    await db.getRepository(CreditLedgerEntry).save({
      provider: 'snov',
      workspaceId: b.id,
      kind: 'charge',
      credits: '7',
      idempotencyKey: `isolation-${randomUUID()}`,
    });
    expect(
      (await admin('PUT', `/v1/admin/workspaces/${b.id}/quotas/snov`, { monthly_credits: 50 })).status,
    ).toBe(200);
    await db.getRepository(Alert).save([
      {
        kind: 'quota.threshold',
        severity: 'warning',
        provider: 'snov',
        workspaceId: b.id,
        title: 'B quota',
        text: 'B',
      },
      {
        kind: 'quota.threshold',
        severity: 'warning',
        provider: 'snov',
        workspaceId: a.id,
        title: 'A quota',
        text: 'A',
      },
      {
        kind: 'credits.low',
        severity: 'warning',
        provider: 'snov',
        workspaceId: null,
        title: 'platform',
        text: 'all',
      },
    ]);

    const credits = async (t: Tenant) => {
      const { data } = await t.client.GET('/v1/credits');
      return data?.providers.find((p) => p.provider === 'snov');
    };
    expect(await credits(b)).toMatchObject({
      spent_today: 7,
      spent_this_month: 7,
      quota: { monthly_credits: 50 },
    });
    expect(await credits(a)).toMatchObject({ spent_today: 0, spent_this_month: 0, quota: null });

    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const usage = await me.client.GET('/v1/credits/usage');
      expect(usage.response.status).toBe(200);
      const rows = [...(usage.data?.by_provider ?? []), ...(usage.data?.by_api_key ?? [])];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.workspace_id === me.id)).toBe(true);
      expect(JSON.stringify(usage.data)).not.toContain(other.id);

      const alerts = await me.client.GET('/v1/alerts');
      const titles = alerts.data?.alerts.map((alert) => alert.title) ?? [];
      expect(titles).toContain('platform');
      expect(titles).toContain(me === a ? 'A quota' : 'B quota');
      expect(titles).not.toContain(me === a ? 'B quota' : 'A quota');
    }
    const quotasOfA = await admin('GET', `/v1/admin/workspaces/${a.id}/quotas`);
    expect(quotasOfA.body.quotas).toEqual([]);
    // A's quota path cannot remove B's quota.
    expect((await admin('DELETE', `/v1/admin/workspaces/${a.id}/quotas/snov`)).status).toBe(404);
    expect(
      ((await admin('GET', `/v1/admin/workspaces/${b.id}/quotas`)).body.quotas as unknown[]).length,
    ).toBe(1);
  });

  it('rotating a workspace’s webhook secret leaves the other’s untouched', async () => {
    const secrets = ctx?.db.dataSource.getRepository(WorkspaceWebhookSecret);
    const before = await secrets?.find({ where: { workspaceId: b.id }, order: { createdAt: 'ASC' } });
    const rotated = await a.client.POST('/v1/webhook-secret/rotate');
    expect(rotated.response.status).toBe(200);
    const after = await secrets?.find({ where: { workspaceId: b.id }, order: { createdAt: 'ASC' } });
    expect(after?.map((s) => [s.id, s.secretSealed, s.expiresAt])).toEqual(
      before?.map((s) => [s.id, s.secretSealed, s.expiresAt]),
    );
    expect(((await secrets?.countBy({ workspaceId: a.id })) ?? 0) > 1).toBe(true);
  });

  it('POST /v1/enrich never answers from the other workspace’s cache nor with its job', async () => {
    const stack = ctx?.stack;
    if (!stack) {
      throw new Error('no stack');
    }
    const [person] = await people(stack.sandboxUrl);
    if (!person) {
      throw new Error('the sandbox world has no people');
    }
    const body = { ...personInput(person), enrich: ['business_email', 'title'], timeout_ms: 15_000 };
    const enrich = (t: Tenant) =>
      call<{ job_id: string; status: string; cached: boolean }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: t.apiKey,
        body,
      });
    const first = await enrich(a);
    expect(first.status).toBe(200);
    expect(first.body.cached).toBe(false);
    // A's own second call is answered from the cache: the cache works, so B's miss below means something.
    const again = await enrich(a);
    expect(again.body).toMatchObject({ cached: true, job_id: first.body.job_id });

    const theirs = await enrich(b);
    expect([200, 202]).toContain(theirs.status);
    expect(theirs.body.cached).toBe(false);
    expect(theirs.body.job_id).not.toBe(first.body.job_id);
    const row = await ctx?.db.dataSource
      .getRepository(EnrichmentRequest)
      .findOneBy({ id: theirs.body.job_id });
    expect(row?.workspaceId).toBe(b.id);
    // Let B's job finish, so nothing moves under the other tests.
    await finished(stack, b.apiKey, theirs.body.job_id);
  });

  it('provider credentials: B never sees A’s fingerprint and cannot remove A’s credentials', async () => {
    const stack = ctx?.stack;
    if (!stack) {
      throw new Error('no stack');
    }
    const providers = (t: Tenant) =>
      call<{
        providers: {
          name: string;
          credentials: string | null;
          workspace_credentials: { fingerprint: string } | null;
        }[];
      }>(stack.gatewayUrl, 'GET', '/v1/providers', { token: t.apiKey });
    const put = await call<{ fingerprint: string }>(
      stack.gatewayUrl,
      'PUT',
      '/v1/providers/apollo/credentials',
      {
        token: a.apiKey,
        body: { api_key: 'isolation-alpha-apollo-key-51c9' },
      },
    );
    expect(put.status).toBe(200);
    const fingerprint = put.body.fingerprint;
    expect(fingerprint).toEqual(expect.any(String));
    try {
      const mine = await providers(a);
      expect(mine.body.providers.find((p) => p.name === 'apollo')).toMatchObject({
        credentials: 'workspace',
        workspace_credentials: { fingerprint },
      });
      const seen = await providers(b);
      expect(seen.status).toBe(200);
      expect(seen.body.providers.find((p) => p.name === 'apollo')).toMatchObject({
        credentials: 'platform',
        workspace_credentials: null,
      });
      expect(JSON.stringify(seen.body)).not.toContain(fingerprint);
      expect(JSON.stringify(seen.body)).not.toContain('isolation-alpha');

      // B's DELETE removes only B's (none): A's credentials stay.
      const removed = await call<{ removed: boolean }>(
        stack.gatewayUrl,
        'DELETE',
        '/v1/providers/apollo/credentials',
        {
          token: b.apiKey,
        },
      );
      expect(removed.status).toBe(200);
      expect(removed.body.removed).toBe(false);
      const stored = await ctx?.db.dataSource
        .getRepository(WorkspaceProviderCredential)
        .findBy({ provider: 'apollo' });
      expect(stored?.map((row) => row.workspaceId)).toEqual([a.id]);
    } finally {
      await call(stack.gatewayUrl, 'DELETE', '/v1/providers/apollo/credentials', { token: a.apiKey });
    }
  });

  it('erasing a person in one workspace leaves the other workspace’s copy and suppresses them only there', async () => {
    const db = ctx?.db.dataSource;
    const email = `erase-${randomUUID().slice(0, 8)}@isolation.example`;
    for (const tenant of [a, b]) {
      await db?.query(`INSERT INTO persons (workspace_id, email, fetched_at) VALUES ($1, $2, now())`, [
        tenant.id,
        email,
      ]);
    }
    const before = await requestStates();
    const erased = await call<{ erased: Record<string, number> }>(
      ctx?.stack.gatewayUrl ?? '',
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(email)}`,
      { token: a.apiKey },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erased.persons).toBe(1);
    expect(await db?.query('SELECT workspace_id FROM persons WHERE email = $1', [email])).toEqual([
      { workspace_id: b.id },
    ]);
    expect(await db?.query('SELECT workspace_id FROM suppressions')).toEqual([{ workspace_id: a.id }]);
    expect(await requestStates()).toEqual(before);
  });
});
