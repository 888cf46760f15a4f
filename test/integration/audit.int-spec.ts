import { randomBytes, randomUUID } from 'node:crypto';
import { normalizeIdentifier, suppressionHash } from '@sluice/enrichment';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { AuditLog } from '../../apps/gateway/src/audit/audit-log.service';
import { call, createWorkspace } from '../support/api';
import { people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';

interface AuditEventView {
  id: string;
  at: string;
  workspace_id: string | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  correlation_id: string | null;
}
interface Page {
  data: AuditEventView[];
  next_cursor: string | null;
}

/** The audit trail: written for each audited action, append-only in the database, kept to its workspace. */
describe('audit trail', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64') });
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });
  const as = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token, body });

  /** Every page of an audit list, following next_cursor. */
  async function all(path: string, token: string, limit = 3): Promise<AuditEventView[]> {
    const events: AuditEventView[] = [];
    let cursor: string | null = null;
    const joiner = path.includes('?') ? '&' : '?';
    do {
      const query: string = `${joiner}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call<Page>(ctx.stack.gatewayUrl, 'GET', `${path}${query}`, { token });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(limit);
      events.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return events;
  }

  it('records reads and exports of person data, admin actions and credential changes, with who, and no secret', async () => {
    const a = await createWorkspace(ctx.stack.gatewayUrl, 'Audited Co');
    const b = await createWorkspace(ctx.stack.gatewayUrl, 'Other Audited Co');

    // Admin actions on workspace A.
    const created = await admin<{ id: string; api_key: string }>(
      'POST',
      `/v1/admin/workspaces/${a.id}/keys`,
      {
        name: 'reader',
        scopes: ['jobs:read'],
      },
    );
    expect(created.status).toBe(201);
    const reader = created.body;
    expect((await admin('PATCH', `/v1/admin/workspaces/${a.id}/limits`, { per_minute: 500 })).status).toBe(
      200,
    );
    expect(
      (await admin('PUT', `/v1/admin/workspaces/${a.id}/quotas/snov`, { monthly_credits: 100 })).status,
    ).toBe(200);
    expect((await admin('DELETE', `/v1/admin/workspaces/${a.id}/quotas/snov`)).status).toBe(204);
    expect((await admin('POST', '/v1/admin/providers/orion-connect/pause')).status).toBe(200);
    expect((await admin('POST', '/v1/admin/providers/orion-connect/resume')).status).toBe(200);

    // Person data read by the owner key (enrich answer) and by the reader key (the job).
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    const answer = await as<{ job_id: string; data: Record<string, unknown> }>(
      a.apiKey,
      'POST',
      '/v1/enrich',
      {
        ...personInput(person),
        enrich: ['business_email'],
        timeout_ms: 15_000,
      },
    );
    expect(answer.status).toBe(200);
    const jobId = answer.body.job_id;
    const read = await as(reader.api_key, 'GET', `/v1/jobs/${jobId}`, undefined);
    expect(read.status).toBe(200);
    // A read that fails (another workspace's job) is not an audited read.
    expect((await as(b.apiKey, 'GET', `/v1/jobs/${jobId}`)).status).toBe(404);

    // An export saved and downloaded.
    const saved = await as<{ id: string; url: string }>(a.apiKey, 'POST', '/v1/exports', { format: 'jsonl' });
    expect(saved.status).toBe(201);
    const file = await fetch(`${ctx.stack.gatewayUrl}${saved.body.url}`, {
      headers: { authorization: `Bearer ${a.apiKey}` },
    });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain(person.email);

    // Credential changes, then the reader key revoked.
    const secretValue = `audit-secret-${randomBytes(8).toString('hex')}`;
    expect(
      (await as(a.apiKey, 'PUT', '/v1/providers/apollo/credentials', { api_key: secretValue })).status,
    ).toBe(200);
    expect((await as(a.apiKey, 'DELETE', '/v1/providers/apollo/credentials')).status).toBe(200);
    expect((await admin('DELETE', `/v1/admin/workspaces/${a.id}/keys/${reader.id}`)).status).toBe(200);

    const events = await all(`/v1/admin/audit?workspace_id=${a.id}`, TEST_ADMIN_TOKEN);
    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Newest first.
    const times = events.map((event) => Date.parse(event.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const summary = events
      .map((event) => [event.action, event.actor, event.target_type, event.target_id] as const)
      .reverse();
    expect(summary).toEqual([
      ['workspace.create', 'admin', 'workspace', a.id],
      ['api_key.create', 'admin', 'api_key', reader.id],
      ['workspace.limits', 'admin', 'workspace', a.id],
      ['quota.set', 'admin', 'provider', 'snov'],
      ['quota.delete', 'admin', 'provider', 'snov'],
      ['enrich.read', expect.any(String), 'job', jobId],
      ['job.read', reader.id, 'job', jobId],
      ['export.create', expect.any(String), 'export', saved.body.id],
      ['export.download', expect.any(String), 'export', saved.body.id],
      ['credentials.put', expect.any(String), 'provider', 'apollo'],
      ['credentials.delete', expect.any(String), 'provider', 'apollo'],
      ['api_key.revoke', 'admin', 'api_key', reader.id],
    ]);
    // The owner key's actions carry the owner key's id (the workspace's first key).
    const keys = await admin<{ keys: { id: string; name: string }[] }>(
      'GET',
      `/v1/admin/workspaces/${a.id}/keys`,
    );
    const ownerId = keys.body.keys.find((key) => key.name === 'default')?.id;
    for (const event of events.filter((e) => e.actor !== 'admin' && e.action !== 'job.read')) {
      expect(event.actor).toBe(ownerId);
    }
    expect(events.every((event) => event.correlation_id && event.correlation_id.length > 0)).toBe(true);
    // No secret anywhere: API keys, the credential, the admin token.
    const text = JSON.stringify(events);
    for (const secret of [a.apiKey, reader.api_key, secretValue, TEST_ADMIN_TOKEN]) {
      expect(text).not.toContain(secret);
    }
    expect(events.find((e) => e.action === 'credentials.put')?.details.fingerprint).toEqual(
      expect.any(String),
    );

    // Platform actions have no workspace; the admin sees them unfiltered.
    const platform = (await all('/v1/admin/audit?action=provider.pause', TEST_ADMIN_TOKEN, 50)).map((e) => [
      e.workspace_id,
      e.actor,
      e.target_id,
    ]);
    expect(platform).toEqual([[null, 'admin', 'orion-connect']]);
    expect((await all('/v1/admin/audit?action=job.read', TEST_ADMIN_TOKEN, 50)).map((e) => e.actor)).toEqual([
      reader.id,
    ]);
    const future = await admin<Page>('GET', '/v1/admin/audit?from=2999-01-01T00:00:00Z');
    expect(future.body.data).toEqual([]);
    const past = await admin<Page>(
      'GET',
      `/v1/admin/audit?to=${encodeURIComponent(events[events.length - 1].at)}`,
    );
    expect(past.body.data.map((e) => e.workspace_id)).not.toContain(a.id);

    // A workspace's own trail (admin scope): A sees its events, B only its own.
    const ownA = await all('/v1/audit', a.apiKey);
    expect(ownA.map((e) => e.id)).toEqual(ids);
    const ownB = await all('/v1/audit', b.apiKey);
    expect(ownB.map((e) => e.action)).toEqual(['workspace.create']);
    expect(ownB.every((e) => e.workspace_id === b.id)).toBe(true);
    expect((await as(b.apiKey, 'GET', `/v1/audit?workspace_id=${a.id}`)).status).toBe(400);
    const readOnly = await admin<{ api_key: string }>('POST', `/v1/admin/workspaces/${a.id}/keys`, {
      name: 'read-only',
      scopes: ['jobs:read', 'export'],
    });
    expect((await as(readOnly.body.api_key, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(ctx.stack.gatewayUrl, 'GET', '/v1/admin/audit', { token: a.apiKey })).status).toBe(
      401,
    );
  });

  it('records erasures, secret rotations, job lists and cancels, batch and import reads, and platform runs, never the erased identifier', async () => {
    const a = await createWorkspace(ctx.stack.gatewayUrl, 'Erasing Co');
    const b = await createWorkspace(ctx.stack.gatewayUrl, 'Bystander Co');
    const keys = await admin<{ keys: { id: string; name: string }[] }>(
      'GET',
      `/v1/admin/workspaces/${a.id}/keys`,
    );
    const ownerId = keys.body.keys.find((key) => key.name === 'default')?.id as string;

    // A job cancelled while its provider is still answering: the answer is the job, input included.
    // Not the person the first test enriched: their answer is cached, and the job would finish at once.
    const person = world.filter((p) => p.emails.snov).at(-1) as WorldPerson;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { latency_ms: 1500 });
    let jobId: string;
    try {
      const job = await as<{ id: string }>(a.apiKey, 'POST', '/v1/jobs', {
        type: 'person.email',
        input: personInput(person),
        priority: 'bulk',
      });
      expect(job.status).toBe(202);
      jobId = job.body.id;
      const cancelled = await as<{ status: string }>(a.apiKey, 'POST', `/v1/jobs/${jobId}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { latency_ms: 0 });
    }

    // The job list carries each job's input.
    const listed = await as<{ data: { id: string; input: Record<string, unknown> }[] }>(
      a.apiKey,
      'GET',
      '/v1/jobs?status=cancelled&limit=10',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((job) => [job.id, job.input])).toEqual([[jobId, personInput(person)]]);

    // A batch's records carry their inputs.
    const batch = await as<{ batch: { id: string } }>(a.apiKey, 'POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
    });
    expect(batch.status).toBe(201);
    const batchId = batch.body.batch.id;
    const batchRead = await as<{ records: { data: { input: Record<string, unknown> }[] } }>(
      a.apiKey,
      'GET',
      `/v1/batches/${batchId}?limit=5`,
    );
    expect(batchRead.status).toBe(200);
    expect(batchRead.body.records.data.map((record) => record.input)).toEqual([personInput(person)]);
    // Another workspace's batch is a 404 and no read.
    expect((await as(b.apiKey, 'GET', `/v1/batches/${batchId}`)).status).toBe(404);

    // An import's rejected rows quote the values refused.
    const imported = await fetch(`${ctx.stack.gatewayUrl}/v1/imports?type=person.email&reference=audited`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'text/csv' },
      body: 'first_name,last_name,domain\nAda,Lovelace,not a domain\n',
      signal: AbortSignal.timeout(15_000),
    });
    const importId = ((await imported.json()) as { id: string }).id;
    expect(imported.status).toBe(201);
    const importRead = await as<{ errors: { message: string }[] }>(
      a.apiKey,
      'GET',
      `/v1/imports/${importId}`,
    );
    expect(importRead.status).toBe(200);
    expect(JSON.stringify(importRead.body.errors)).toContain('not a domain');
    expect((await as(a.apiKey, 'GET', '/v1/imports?reference=audited')).status).toBe(200);

    // A credential change: the new signing secret is shown once and must not be in the trail.
    const rotated = await as<{ webhook_secret: string; previous_valid_until: string | null }>(
      a.apiKey,
      'POST',
      '/v1/webhook-secret/rotate',
    );
    expect(rotated.status).toBe(200);

    // An erasure, named in any case: the trail keeps the hash of its suppression, not the address.
    const erasedEmail = `Erased.Person.${randomBytes(4).toString('hex')}@Example.com`;
    const erased = await as(a.apiKey, 'DELETE', `/v1/persons?email=${encodeURIComponent(erasedEmail)}`);
    expect(erased.status).toBe(200);

    const events = await all(`/v1/admin/audit?workspace_id=${a.id}`, TEST_ADMIN_TOKEN, 50);
    expect(
      events.map((event) => [event.action, event.actor, event.target_type, event.target_id]).reverse(),
    ).toEqual([
      ['workspace.create', 'admin', 'workspace', a.id],
      ['job.cancel', ownerId, 'job', jobId],
      ['job.list.read', ownerId, 'job', null],
      ['batch.read', ownerId, 'batch', batchId],
      ['import.read', ownerId, 'import', importId],
      ['import.list.read', ownerId, 'import', null],
      ['webhook_secret.rotate', ownerId, 'workspace', a.id],
      [
        'person.erase',
        ownerId,
        'person',
        suppressionHash(normalizeIdentifier('email', erasedEmail) as string),
      ],
    ]);
    expect(events.every((event) => event.workspace_id === a.id && event.correlation_id)).toBe(true);
    const details = (action: string): Record<string, unknown> | undefined =>
      events.find((event) => event.action === action)?.details;
    expect(details('job.list.read')).toMatchObject({
      filters: { status: 'cancelled', type: null, import_id: null },
      limit: 10,
      jobs: 1,
    });
    expect(details('batch.read')).toEqual({ after: -1, limit: 5, records: 1 });
    expect(details('import.read')).toEqual({ status: 'completed', errors: 1 });
    expect(details('webhook_secret.rotate')).toEqual({
      previous_valid_until: rotated.body.previous_valid_until,
    });
    expect(details('person.erase')).toMatchObject({ kind: 'email', suppressed: 1 });
    const text = JSON.stringify(events).toLowerCase();
    for (const secret of [a.apiKey, rotated.body.webhook_secret, erasedEmail]) {
      expect(text).not.toContain(secret.toLowerCase());
    }
    // The other workspace sees none of it.
    expect((await all('/v1/audit', b.apiKey)).map((e) => e.action)).toEqual(['workspace.create']);

    // Platform runs started by an operator.
    expect((await admin('POST', '/v1/admin/retention/runs')).status).toBe(202);
    expect((await admin('POST', '/v1/admin/credits/check')).status).toBe(202);
    expect((await admin('POST', '/v1/admin/reports/usage', { day: '2026-11-30' })).status).toBe(202);
    for (const action of ['retention.run', 'credits.check', 'usage_report.send']) {
      const platform = await all(`/v1/admin/audit?action=${action}`, TEST_ADMIN_TOKEN, 50);
      expect(platform.map((e) => [e.workspace_id, e.actor, e.target_type])).toEqual([[null, 'admin', 'job']]);
    }
    // A provider's settings changed and reset: each row carries the request's correlation id too.
    expect((await admin('PUT', '/v1/admin/providers/snov/settings', { credit_warning: 50 })).status).toBe(
      200,
    );
    expect((await admin('DELETE', '/v1/admin/providers/snov/settings')).status).toBe(200);
    for (const action of ['provider.settings', 'provider.settings.reset']) {
      const platform = await all(`/v1/admin/audit?action=${action}`, TEST_ADMIN_TOKEN, 50);
      expect(
        platform.map((e) => [e.target_id, typeof e.correlation_id, (e.correlation_id?.length ?? 0) > 0]),
      ).toEqual([['snov', 'string', true]]);
    }
  });

  it('records a batch cancelled and its schedule set or removed, by its key and request, only when that changed something', async () => {
    const a = await createWorkspace(ctx.stack.gatewayUrl, 'Batch Changes Co');
    const b = await createWorkspace(ctx.stack.gatewayUrl, 'Batch Bystander Co');
    const keys = await admin<{ keys: { id: string; name: string }[] }>(
      'GET',
      `/v1/admin/workspaces/${a.id}/keys`,
    );
    const ownerId = keys.body.keys.find((key) => key.name === 'default')?.id as string;
    const person = world.filter((p) => p.emails.snov).at(-2) as WorldPerson;
    const created = await as<{ batch: { id: string } }>(a.apiKey, 'POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
    });
    expect(created.status).toBe(201);
    const batchId = created.body.batch.id;

    /** Sends the request with its own x-request-id, expects `status`, and gives the id and answer back. */
    const change = async (
      method: string,
      path: string,
      status: number,
      body?: unknown,
    ): Promise<{ requestId: string; answer: { cancelled?: number } }> => {
      const requestId = `batch-change-${randomUUID()}`;
      const answer = await call<{ cancelled?: number }>(ctx.stack.gatewayUrl, method, path, {
        token: a.apiKey,
        body,
        headers: { 'x-request-id': requestId },
      });
      expect({ method, path, body, status: answer.status }).toEqual({ method, path, body, status });
      return { requestId, answer: answer.body };
    };
    const schedule = `/v1/batches/${batchId}/schedule`;
    const set7 = await change('PUT', schedule, 200, { every_days: 7 });
    await change('PUT', schedule, 200, { every_days: 7 }); // the same schedule: nothing changed
    const set30 = await change('PUT', schedule, 200, { every_days: 30 });
    const removed = await change('DELETE', schedule, 200);
    await change('DELETE', schedule, 200); // no schedule left to remove
    // Another workspace's attempts change nothing of it.
    expect((await as(b.apiKey, 'POST', `/v1/batches/${batchId}/cancel`)).status).toBe(404);
    expect((await as(b.apiKey, 'PUT', schedule, { every_days: 1 })).status).toBe(404);
    const cancelled = await change('POST', `/v1/batches/${batchId}/cancel`, 200);
    const again = await change('POST', `/v1/batches/${batchId}/cancel`, 200); // already cancelled
    expect(again.answer.cancelled).toBe(0);
    await change('PUT', schedule, 409, { every_days: 7 }); // refused: a cancelled batch is not enriched again
    await change('DELETE', schedule, 200); // it has none

    const events = (await all(`/v1/admin/audit?workspace_id=${a.id}`, TEST_ADMIN_TOKEN, 50))
      .filter((event) => event.action.startsWith('batch.'))
      .reverse();
    expect(
      events.map((event) => [
        event.action,
        event.actor,
        event.target_type,
        event.target_id,
        event.correlation_id,
      ]),
    ).toEqual([
      ['batch.schedule.set', ownerId, 'batch', batchId, set7.requestId],
      ['batch.schedule.set', ownerId, 'batch', batchId, set30.requestId],
      ['batch.schedule.delete', ownerId, 'batch', batchId, removed.requestId],
      ['batch.cancel', ownerId, 'batch', batchId, cancelled.requestId],
    ]);
    expect(events.map((event) => event.details)).toEqual([
      { every_days: 7, previous_every_days: null },
      { every_days: 30, previous_every_days: 7 },
      { previous_every_days: 30 },
      { jobs_cancelled: cancelled.answer.cancelled },
    ]);
    expect(events.every((event) => event.workspace_id === a.id)).toBe(true);
    // Cancels and schedules sent at once: each change is recorded once, whichever request made it.
    const raced = await as<{ batch: { id: string } }>(a.apiKey, 'POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
    });
    expect(raced.status).toBe(201);
    const racedId = raced.body.batch.id;
    const statuses = async (method: string, path: string, body?: unknown): Promise<number[]> =>
      (await Promise.all([1, 2, 3].map(() => as(a.apiKey, method, path, body)))).map(
        (answer) => answer.status,
      );
    expect(await statuses('PUT', `/v1/batches/${racedId}/schedule`, { every_days: 3 })).toEqual([
      200, 200, 200,
    ]);
    expect(await statuses('DELETE', `/v1/batches/${racedId}/schedule`)).toEqual([200, 200, 200]);
    expect(await statuses('POST', `/v1/batches/${racedId}/cancel`)).toEqual([200, 200, 200]);
    const racedEvents = (await all(`/v1/admin/audit?workspace_id=${a.id}`, TEST_ADMIN_TOKEN, 50))
      .filter((event) => event.target_id === racedId)
      .map((event) => event.action)
      .reverse();
    expect(racedEvents).toEqual(['batch.schedule.set', 'batch.schedule.delete', 'batch.cancel']);

    // The workspace's own trail has them; the bystander's has none.
    expect((await all('/v1/audit?action=batch.cancel', a.apiKey)).map((e) => e.target_id)).toEqual([
      racedId,
      batchId,
    ]);
    expect((await all('/v1/audit', b.apiKey)).map((e) => e.action)).toEqual(['workspace.create']);
  });

  it('refuses malformed filters by name', async () => {
    for (const [query, problem] of [
      ['limit=0', /limit must be a whole number from 1 to 200/],
      ['limit=abc', /limit must be/],
      ['from=yesterday', /from must be an ISO 8601/],
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', /from must be before to/],
      ['workspace_id=42', /workspace_id must be a UUID/],
      ['action=DROP%20TABLE', /action must be an action name/],
      ['cursor=not-a-cursor', /cursor is not a next_cursor/],
      ['colour=red', /Unknown query parameter\(s\) colour/],
      ['action=a&action=b', /action must be given once/],
    ] as const) {
      const answer = await admin<{ message: string }>('GET', `/v1/admin/audit?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(problem);
    }
  });

  it('refuses an action nothing records, naming it and the actions there are, on both lists', async () => {
    const workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Misspelt Filter Co');
    for (const [token, path] of [
      [TEST_ADMIN_TOKEN, '/v1/admin/audit'],
      [workspace.apiKey, '/v1/audit'],
    ] as const) {
      for (const action of ['no.such', 'job.reads', 'api_key.delete']) {
        const answer = await as<{ message: string }>(token, 'GET', `${path}?action=${action}`);
        expect({ path, action, status: answer.status }).toEqual({ path, action, status: 400 });
        expect(answer.body.message).toContain(
          `action '${action}' is not an audited action; actions: job.read, job.list.read, `,
        );
        expect(answer.body.message).toContain(', api_key.revoke, ');
        expect(answer.body.message).toMatch(/, usage_report\.send\.$/);
      }
      // An action that is recorded but has no row yet is still an empty page, not a refusal.
      const none = await as<Page>(
        token,
        'GET',
        `${path}?action=provider.settings.reset&to=2000-01-01T00:00:00Z`,
      );
      expect(none.status).toBe(200);
      expect(none.body.data).toEqual([]);
    }
  });

  it('is append-only in the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await createWorkspace(ctx.stack.gatewayUrl, 'Append Only Co');
    const db = ctx.db.dataSource;
    const [{ count: before }] = await db.query<{ count: string }[]>('SELECT count(*) FROM audit_events');
    expect(Number(before)).toBeGreaterThan(0);
    await expect(db.query(`UPDATE audit_events SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    const [{ count: after }] = await db.query<{ count: string }[]>('SELECT count(*) FROM audit_events');
    expect(after).toBe(before);
    const actors = await db.query<{ actor: string }[]>(
      `SELECT DISTINCT actor FROM audit_events WHERE actor = 'someone else'`,
    );
    expect(actors).toEqual([]);
  });

  it('writes the reads a gateway still holds in its batch when it shuts down', async () => {
    const { app } = await createGatewayApp(ctx.stack.env);
    await app.init();
    const correlationId = randomUUID();
    // A read joins the batch (written within 50 ms), and the gateway stops at once.
    void app.get(AuditLog).record({
      workspaceId: null,
      actor: 'admin',
      action: 'enrich.read',
      targetType: 'job',
      targetId: randomUUID(),
      correlationId,
    });
    await app.close();
    const rows = await ctx.db.dataSource.query<{ action: string }[]>(
      'SELECT action FROM audit_events WHERE correlation_id = $1',
      [correlationId],
    );
    expect(rows).toEqual([{ action: 'enrich.read' }]);
  });
});
