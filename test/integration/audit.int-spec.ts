import { randomBytes, randomUUID } from 'node:crypto';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { AuditLog } from '../../apps/gateway/src/audit/audit-log.service';
import { call, createWorkspace } from '../support/api';
import { people, personInput, setUp, tearDown } from '../support/pipeline';
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
