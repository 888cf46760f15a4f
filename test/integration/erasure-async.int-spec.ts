import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ERASURE_LOCK_CLASS, ERASURE_RUN_LOCK_CLASS } from '@sluice/db';
import type { QueryRunner } from 'typeorm';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { type ApiAnswer, call, createWorkspace } from '../support/api';
import { untilWaitingForLock, type TestDatabase } from '../support/database';
import { OpenApiAnswers } from '../support/openapi-answers';
import { setUp, tearDown } from '../support/pipeline';
import { eventually } from '../support/wait';
import { startAppProcess } from '../support/worker-process';

interface ErasureRecord {
  id: string;
  status: string;
  kind: string;
  identifier_hash: string;
  suppressed: { kind: string }[];
  erased: Record<string, number> | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  heartbeat_at: string;
}

interface ErasureReport {
  id: string;
  erased: Record<string, number>;
  suppressed: { kind: string }[];
}

type Ctx = Awaited<ReturnType<typeof setUp>>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A finished job naming the person, its step, and their person row (with their LinkedIn URL). */
async function seedPerson(db: TestDatabase, workspaceId: string, email: string): Promise<string> {
  const linkedin = `https://www.linkedin.com/in/${email.split('@')[0].replace(/\./g, '-')}`;
  const [request] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, result)
     VALUES ($1, 'person.email', '{"full_name": "Seeded Person"}', 'completed', 'c', $2) RETURNING id`,
    [workspaceId, JSON.stringify({ email })],
  );
  await db.dataSource.query(
    `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits, output)
     VALUES ($1, $2, 1, 'apollo', 'person.email', 'completed', 1, $3)`,
    [request.id, workspaceId, JSON.stringify({ email, linkedin_url: linkedin })],
  );
  await db.dataSource.query(
    `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, fetched_at)
     VALUES ($1, $2, $3, 'Seeded Person', now())`,
    [workspaceId, email, linkedin],
  );
  return linkedin;
}

const erase = (ctx: Ctx, apiKey: string, email: string) =>
  call<ErasureRecord & ErasureReport>(
    ctx.stack.gatewayUrl,
    'DELETE',
    `/v1/persons?email=${encodeURIComponent(email)}`,
    {
      token: apiKey,
    },
  );

const erasure = (ctx: Ctx, apiKey: string, id: string) =>
  call<ErasureRecord>(ctx.stack.gatewayUrl, 'GET', `/v1/erasures/${id}`, { token: apiKey });

const ended = (ctx: Ctx, apiKey: string, id: string): Promise<ErasureRecord> =>
  eventually(
    async () => {
      const answer = await erasure(ctx, apiKey, id);
      return answer.status === 200 && answer.body.status !== 'running' ? answer.body : undefined;
    },
    { what: `erasure ${id} to end`, timeoutMs: 30_000 },
  );

/** POST /v1/jobs for the person: refused 422 `suppressed` once their suppression is recorded. */
const verifyJob = (ctx: Ctx, apiKey: string, email: string) =>
  call<{ message: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
    token: apiKey,
    body: { type: 'email.verify', input: { email } },
  });

const personRows = async (db: TestDatabase, email: string): Promise<number> => {
  const [row] = await db.dataSource.query<{ n: number }[]>(
    `SELECT (SELECT count(*) FROM persons t WHERE t::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM enrichment_requests t WHERE t::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM enrichment_steps t WHERE t::text LIKE '%' || $1 || '%') AS n`,
    [email],
  );
  return Number(row.n);
};

/**
 * DELETE /v1/persons in a workspace whose history takes long to search: the suppression is recorded
 * before the answer, the answer comes within ERASURE_WAIT_MS (202 with the erasure to follow when
 * the deletions take longer), the erasure runs to its end on the gateway and its record tells how it
 * ended, erasures of one workspace run one after another, and a gateway shutting down waits for
 * them a bounded time.
 */
describe('erasures that outlast their request', () => {
  /** ERASURE_WAIT_MS=0: every erasure answers 202 at once. */
  let early: Ctx;
  /** The default wait: a small erasure answers 200 with its report. */
  let waited: Ctx;
  let answers: OpenApiAnswers;
  let held: QueryRunner | undefined;
  let spare: INestApplication | undefined;

  beforeAll(async () => {
    early = await setUp({ ERASURE_WAIT_MS: '0' }, { worker: false });
    waited = await setUp({}, { worker: false });
    const document = await call<{ paths: Record<string, unknown> }>(
      early.stack.gatewayUrl,
      'GET',
      '/docs-json',
    );
    answers = new OpenApiAnswers(document.body);
  }, 120_000);
  afterEach(async () => {
    if (held?.isTransactionActive) {
      await held.rollbackTransaction();
    }
    await held?.release();
    held = undefined;
    await spare?.close();
    spare = undefined;
  });
  afterAll(async () => {
    await tearDown(early);
    await tearDown(waited);
  });

  /** Holds the workspace's erasure run lock in a transaction of the test's own (another replica's erasure). */
  const holdRunLock = async (db: TestDatabase, workspaceId: string): Promise<QueryRunner> => {
    held = db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query(`SELECT pg_advisory_xact_lock($1, hashtext($2::text))`, [
      ERASURE_RUN_LOCK_CLASS,
      workspaceId,
    ]);
    return held;
  };

  it('answers 202 with Location, refuses the person at once, and completes with the counts a waited erasure answers', async () => {
    const email = 'ada.async@history.example';
    const runs: Record<string, ErasureRecord> = {};
    for (const [name, ctx] of [
      ['early', early],
      ['waited', waited],
    ] as const) {
      const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, `Erasure ${name} Co`);
      await seedPerson(ctx.db, workspaceId, email);
      const answer = await erase(ctx, apiKey, email);
      if (name === 'early') {
        expect({ status: answer.status, location: answer.headers.get('location') }).toEqual({
          status: 202,
          location: `/v1/erasures/${answer.body.id}`,
        });
        expect(answer.body).toMatchObject({
          status: 'running',
          kind: 'email',
          identifier_hash: sha256(email),
          erased: null,
          finished_at: null,
          suppressed: [{ kind: 'email' }, { kind: 'linkedin_url' }],
        });
        expect(answers.problems('DELETE', '/v1/persons', 202, answer.body)).toEqual([]);
      } else {
        // The default wait: the contract of before, with the erasure's id besides.
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.body).sort()).toEqual(['erased', 'id', 'suppressed']);
        expect(answers.problems('DELETE', '/v1/persons', 200, answer.body)).toEqual([]);
      }
      expect(JSON.stringify(answer.body)).not.toContain('ada.async');
      // The suppression was recorded before the answer.
      const refused = await verifyJob(ctx, apiKey, email);
      expect({ status: refused.status, message: refused.body.message }).toEqual({
        status: 422,
        message: expect.stringMatching(/^suppressed/) as unknown,
      });
      const record = await ended(ctx, apiKey, answer.body.id);
      expect(record).toMatchObject({ id: answer.body.id, status: 'completed', error: null });
      expect(answers.problems('GET', '/v1/erasures/{id}', 200, record)).toEqual([]);
      if (name === 'waited') {
        expect(record.erased).toEqual(answer.body.erased);
      }
      expect(await personRows(ctx.db, email)).toBe(0);
      // The audit row names the person by their suppression's hash only.
      const audit = await ctx.db.dataSource.query<{ target_id: string; details: Record<string, unknown> }[]>(
        `SELECT target_id, details FROM audit_events WHERE action = 'person.erase' AND workspace_id = $1`,
        [workspaceId],
      );
      expect(audit).toEqual([
        {
          target_id: sha256(email),
          details: { kind: 'email', erased: record.erased, suppressed: 2, erasure_id: record.id },
        },
      ]);
      runs[name] = record;
    }
    expect(runs.early.erased).toEqual(runs.waited.erased);
    expect(runs.early.erased).toMatchObject({ persons: 1, enrichment_requests: 1, enrichment_steps: 1 });
  }, 90_000);

  it('shows an erasure only to its own workspace, refuses a malformed id, and lists them a page at a time', async () => {
    const own = await createWorkspace(early.stack.gatewayUrl, 'Own Erasures Co');
    const other = await createWorkspace(early.stack.gatewayUrl, 'Other Erasures Co');
    const first = await erase(early, own.apiKey, 'first.listed@example.com');
    const second = await erase(early, own.apiKey, 'second.listed@example.com');
    expect([first.status, second.status]).toEqual([202, 202]);
    await ended(early, own.apiKey, first.body.id);
    await ended(early, own.apiKey, second.body.id);

    const foreign = await erasure(early, other.apiKey, first.body.id);
    expect({
      status: foreign.status,
      message: (foreign.body as unknown as { message: string }).message,
    }).toEqual({
      status: 404,
      message: `No erasure ${first.body.id} in this workspace.`,
    });
    expect((await erasure(early, own.apiKey, randomUUID())).status).toBe(404);
    const malformed = await erasure(early, own.apiKey, 'not-a-uuid');
    expect({
      status: malformed.status,
      message: (malformed.body as unknown as { message: string }).message,
    }).toEqual({
      status: 400,
      message: 'Erasure id must be a UUID, as returned by DELETE /v1/persons.',
    });

    const pages: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const listed: ApiAnswer<{ data: ErasureRecord[]; next_cursor: string | null }> = await call(
        early.stack.gatewayUrl,
        'GET',
        `/v1/erasures?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: own.apiKey },
      );
      expect(listed.status).toBe(200);
      expect(answers.problems('GET', '/v1/erasures', 200, listed.body)).toEqual([]);
      pages.push(...listed.body.data.map((record) => record.id));
      cursor = listed.body.next_cursor;
      if (!cursor) {
        break;
      }
    }
    expect(pages).toEqual([second.body.id, first.body.id]);
    const otherList = await call<{ data: ErasureRecord[] }>(early.stack.gatewayUrl, 'GET', '/v1/erasures', {
      token: other.apiKey,
    });
    expect(otherList.body.data).toEqual([]);
    const badLimit = await call(early.stack.gatewayUrl, 'GET', '/v1/erasures?limit=0', { token: own.apiKey });
    expect(badLimit.status).toBe(400);
  }, 60_000);

  it('reads a running erasure whose gateway stopped giving signs of life as failed, interrupted', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(early.stack.gatewayUrl, 'Stale Erasure Co');
    const [stale, live] = [randomUUID(), randomUUID()];
    await early.db.dataSource.query(
      `INSERT INTO erasures (id, workspace_id, kind, identifier_hash, status, created_at, heartbeat_at)
       VALUES ($1, $3, 'email', $4, 'running', now() - interval '1 hour', now() - interval '1 hour'),
              ($2, $3, 'email', $4, 'running', now(), now())`,
      [stale, live, workspaceId, sha256('gone@example.com')],
    );
    const interrupted = await erasure(early, apiKey, stale);
    expect(interrupted.status).toBe(200);
    expect(interrupted.body.status).toBe('failed');
    expect(interrupted.body.error).toMatch(/^Interrupted: the gateway running this erasure stopped/);
    expect(interrupted.body.error).toContain('repeat DELETE /v1/persons');
    expect((await erasure(early, apiKey, live)).body.status).toBe('running');
  });

  it('runs two erasures of one workspace one after another, both to their end, without holding settlements', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(early.stack.gatewayUrl, 'Two Erasures Co');
    const emails = ['one.of.two@example.com', 'two.of.two@example.com'];
    for (const email of emails) {
      await seedPerson(early.db, workspaceId, email);
    }
    // Another replica's erasure of the workspace deleting meanwhile.
    const other = await holdRunLock(early.db, workspaceId);
    const answers = await Promise.all(emails.map((email) => erase(early, apiKey, email)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    await untilWaitingForLock(early.db, 'an erasure waiting for the run lock', { event: 'advisory' });
    for (const email of emails) {
      expect((await verifyJob(early, apiKey, email)).status).toBe(422);
    }
    // A settlement's shared erasure lock is free: the run lock is another.
    const [free] = await early.db.dataSource.query<{ free: boolean }[]>(
      `SELECT pg_try_advisory_xact_lock_shared($1, hashtext($2::text)) AS free`,
      [ERASURE_LOCK_CLASS, workspaceId],
    );
    expect(free.free).toBe(true);
    // Queued in the gateway, the second holds no connection: one erasure waits in PostgreSQL.
    const [waiting] = await early.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    );
    expect(waiting.n).toBe(1);
    for (const answer of answers) {
      expect((await erasure(early, apiKey, answer.body.id)).body.status).toBe('running');
    }
    await other.commitTransaction();
    const records = await Promise.all(answers.map((answer) => ended(early, apiKey, answer.body.id)));
    expect(records.map((record) => [record.status, record.erased?.persons])).toEqual([
      ['completed', 1],
      ['completed', 1],
    ]);
    for (const email of emails) {
      expect(await personRows(early.db, email)).toBe(0);
    }
  }, 60_000);

  it('runs its deletions again when PostgreSQL ends them to break a deadlock with a step settling', async () => {
    const email = 'settling.meanwhile@example.com';
    const { id: workspaceId, apiKey } = await createWorkspace(
      early.stack.gatewayUrl,
      'Deadlocked Erasure Co',
    );
    await seedPerson(early.db, workspaceId, email);
    const [step] = await early.db.dataSource.query<{ id: string; request_id: string }[]>(
      `SELECT id, request_id FROM enrichment_steps WHERE workspace_id = $1`,
      [workspaceId],
    );
    // A settlement of the person's request: it locks the request, then updates its step.
    held = early.db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query(`SELECT 1 FROM enrichment_requests WHERE id = $1 FOR UPDATE`, [step.request_id]);
    const answer = await erase(early, apiKey, email);
    expect(answer.status).toBe(202);
    // The erasure deleted the step and waits for the request the settlement holds...
    await untilWaitingForLock(early.db, 'the erasure waiting for the request', {
      queryLike: '%DELETE FROM enrichment_requests%',
    });
    // ...which now waits for the step: PostgreSQL ends the erasure's transaction, which waited first.
    await held.query(`UPDATE enrichment_steps SET updated_at = now() WHERE id = $1`, [step.id]);
    await held.commitTransaction();
    const record = await ended(early, apiKey, answer.body.id);
    expect({ status: record.status, error: record.error }).toEqual({ status: 'completed', error: null });
    expect(record.erased).toMatchObject({ persons: 1, enrichment_requests: 1, enrichment_steps: 1 });
    expect(await personRows(early.db, email)).toBe(0);
  }, 60_000);

  it('answers 503 with the failed record when the deletions fail within the wait, and a repeat finishes it', async () => {
    const email = 'cut.short@example.com';
    const { id: workspaceId, apiKey } = await createWorkspace(waited.stack.gatewayUrl, 'Cut Short Co');
    await seedPerson(waited.db, workspaceId, email);
    // Another transaction holds a table the deletions need (the suppression's record reads no
    // call log); their statement waiting for it is then cancelled.
    held = waited.db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query('LOCK TABLE callback_deliveries IN ACCESS EXCLUSIVE MODE');
    const answering = erase(waited, apiKey, email);
    await untilWaitingForLock(waited.db, 'the erasure waiting for the callback log', {
      queryLike: '%callback_deliveries%',
    });
    await waited.db.dataSource.query(
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%callback_deliveries%'
          AND pid <> pg_backend_pid()`,
    );
    const answer = (await answering) as unknown as {
      status: number;
      body: { code: string; message: string; erasure_id: string };
    };
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('erasure_failed');
    expect((await erasure(waited, apiKey, answer.body.erasure_id)).body).toMatchObject({ status: 'failed' });
    expect(answer.body.message).toMatch(/repeat DELETE \/v1\/persons/);
    expect(answer.body.message).not.toContain(email);
    expect(answers.problems('DELETE', '/v1/persons', 503, answer.body)).toEqual([]);
    await held.rollbackTransaction();
    // Nothing was deleted: the deletions are all or none.
    expect(await personRows(waited.db, email)).toBe(3);

    const repeated = await erase(waited, apiKey, email);
    expect(repeated.status).toBe(200);
    expect(await personRows(waited.db, email)).toBe(0);
  }, 60_000);

  it('erases a batch whose records were checked before the suppression and written after it', async () => {
    const email = 'batched.meanwhile@example.com';
    const { apiKey } = await createWorkspace(waited.stack.gatewayUrl, 'Batched Meanwhile Co');
    // The batch's records are checked, then its insert is held (a slow moment of the gateway).
    held = waited.db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query('LOCK TABLE batches IN EXCLUSIVE MODE');
    const batch = call<{ accepted: unknown[] }>(waited.stack.gatewayUrl, 'POST', '/v1/batches', {
      token: apiKey,
      body: { records: [{ email }, { email: 'not.erased@example.com' }], enrich: ['phone'] },
    });
    await untilWaitingForLock(waited.db, 'the batch insert', { queryLike: '%INSERT INTO "batches"%' });
    const erasure = erase(waited, apiKey, email);
    // The erasure ends, or waits for the batch to be written.
    await Promise.race([
      erasure,
      untilWaitingForLock(waited.db, 'the erasure waiting for the batch', { event: 'advisory' }),
    ]);
    await held.commitTransaction();
    const [made, erased] = await Promise.all([batch, erasure]);
    expect(made.status).toBe(201);
    expect(erased.status).toBe(200);
    expect(await ended(waited, apiKey, erased.body.id)).toMatchObject({ status: 'completed' });
    const [left] = await waited.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM batch_records t WHERE t::text LIKE '%' || $1 || '%'`,
      [email],
    );
    expect({ rows: await personRows(waited.db, email), batchRecords: left.n }).toEqual({
      rows: 0,
      batchRecords: 0,
    });
  }, 60_000);

  it("keeps the identifiers it erases out of the gateway's access log", async () => {
    const { apiKey } = await createWorkspace(waited.stack.gatewayUrl, 'Quiet Logs Co');
    const gateway = await startAppProcess(
      'gateway',
      { ...waited.stack.env, LOG_LEVEL: 'info' },
      { captureOutput: true },
    );
    try {
      for (const query of [
        'email=kept.out.of.logs%40example.com',
        `linkedin_url=${encodeURIComponent('https://www.linkedin.com/in/kept-out-of-logs')}`,
      ]) {
        expect((await call(gateway.url, 'DELETE', `/v1/persons?${query}`, { token: apiKey })).status).toBe(
          200,
        );
      }
    } finally {
      await gateway.stop();
    }
    const output = gateway.output();
    // The requests were logged, without the identifiers.
    expect(output).toContain('"url":"/v1/persons?email=***"');
    expect(output).toContain('"url":"/v1/persons?linkedin_url=***"');
    expect(output).not.toMatch(/kept\.out\.of\.logs|kept-out-of-logs/);
  }, 60_000);

  it('answers waiting erasures on shutdown and waits a bounded time for them: finished if they can, interrupted if not', async () => {
    const shutdownMs = 4_000;
    const { id: workspaceId, apiKey } = await createWorkspace(early.stack.gatewayUrl, 'Shutdown Erasures Co');
    for (const [email, letGo] of [
      ['finishes.in.time@example.com', true],
      ['cut.by.shutdown@example.com', false],
    ] as const) {
      await seedPerson(early.db, workspaceId, email);
      // A gateway of its own, that waits up to 20 s for an erasure before it answers.
      spare = (
        await createGatewayApp({
          ...early.stack.env,
          ERASURE_WAIT_MS: '20000',
          SHUTDOWN_TIMEOUT_MS: String(shutdownMs),
        })
      ).app;
      await spare.listen(0, '127.0.0.1');
      const { port } = (spare.getHttpServer() as { address(): { port: number } }).address();
      const other = await holdRunLock(early.db, workspaceId);
      const answer = call<ErasureRecord>(
        `http://127.0.0.1:${port}`,
        'DELETE',
        `/v1/persons?email=${encodeURIComponent(email)}`,
        { token: apiKey, timeoutMs: 30_000 },
      );
      await untilWaitingForLock(early.db, 'the erasure waiting for the run lock', { event: 'advisory' });
      const closing = Date.now();
      const closed = spare.close().then(() => Date.now() - closing);
      spare = undefined;
      // The request waiting for its erasure is answered at once; the erasure goes on.
      const answered = await answer;
      expect(answered.status).toBe(202);
      expect(Date.now() - closing).toBeLessThan(2_000);
      if (letGo) {
        await other.commitTransaction();
      }
      const tookMs = await closed;
      if (!letGo) {
        await other.commitTransaction();
      }
      const [row] = await early.db.dataSource.query<{ status: string; error: string | null }[]>(
        `SELECT status, error FROM erasures WHERE id = $1`,
        [answered.body.id],
      );
      if (letGo) {
        expect(row).toEqual({ status: 'completed', error: null });
        expect(await personRows(early.db, email)).toBe(0);
      } else {
        // Given 60% of SHUTDOWN_TIMEOUT_MS, then stopped: its deletions rolled back, its record says so.
        expect(tookMs).toBeGreaterThanOrEqual(shutdownMs * 0.6 - 100);
        expect(tookMs).toBeLessThan(shutdownMs);
        expect(row.status).toBe('failed');
        expect(row.error).toMatch(/^Interrupted: the gateway shut down before the erasure finished/);
        expect(await personRows(early.db, email)).toBeGreaterThan(0);
        // Repeating finishes it.
        expect((await erase(early, apiKey, email)).status).toBe(202);
        await eventually(async () => (await personRows(early.db, email)) === 0, {
          what: 'the repeat to erase',
        });
      }
      await held?.release();
      held = undefined;
    }
  }, 90_000);
});
