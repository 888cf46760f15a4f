import { RETENTION_LOCK } from '@sluice/db';
import { JOB_NAMES, QUEUE_NAMES, redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { call, createWorkspace } from '../support/api';
import { requireEnv, type TestDatabase } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

interface RunView {
  id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  deleted: Record<string, number>;
  total_deleted: number;
  error: string | null;
}

describe('retention', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  const monitors: WorkerProcess[] = [];

  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await tearDown(ctx);
    ctx = undefined;
  });

  const count = async (db: TestDatabase, sql: string, params: unknown[] = []): Promise<number> =>
    Number((await db.dataSource.query<{ n: string }[]>(sql, params))[0].n);

  const runs = async (stack: Stack): Promise<RunView[]> => {
    const answer = await call<{ data: RunView[] }>(stack.gatewayUrl, 'GET', '/v1/admin/retention/runs', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(answer.status).toBe(200);
    return answer.body.data;
  };

  const startRun = async (stack: Stack): Promise<void> => {
    const answer = await call<{ status: string; job_id: string }>(
      stack.gatewayUrl,
      'POST',
      '/v1/admin/retention/runs',
      { token: TEST_ADMIN_TOKEN },
    );
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('queued');
  };

  const finishedRun = (stack: Stack, timeoutMs: number): Promise<RunView> =>
    eventually(
      async () => {
        const [latest] = await runs(stack);
        return latest && latest.status !== 'running' ? latest : undefined;
      },
      { timeoutMs, intervalMs: 200, what: 'a finished retention run' },
    );

  it('deletes what is past its retention (children first), keeps younger and unfinished data, reports and alerts', async () => {
    ctx = await setUp({ RETENTION_CRON: '', RETENTION_ALERT_ROWS: '5', RETENTION_WEBHOOK_EVENT_DAYS: '14' });
    const { stack, db } = ctx;
    const { id: ws } = await createWorkspace(stack.gatewayUrl, 'Retention Co');
    const q = (sql: string, params: unknown[] = []): Promise<unknown> => db.dataSource.query(sql, params);
    const ago = (days: number): string => `now() - interval '${days} days'`;

    for (const [tag, days] of [
      ['old', 400],
      ['young', 300],
    ] as const) {
      await q(`INSERT INTO persons (workspace_id, email, fetched_at) VALUES ($1, $2, ${ago(days)})`, [
        ws,
        `${tag}@example.com`,
      ]);
      await q(
        `INSERT INTO person_phones (workspace_id, subject_key, number, kind, line_type, provider, fetched_at)
         VALUES ($1, $2, '+15550000', 'direct', 'mobile', 'apollo', ${ago(days)})`,
        [ws, `email:${tag}@example.com`],
      );
      await q(
        `INSERT INTO person_profiles (workspace_id, subject_key, provider, profile, fetched_at)
         VALUES ($1, $2, 'rocketreach', '{}', ${ago(days)})`,
        [ws, `email:${tag}@example.com`],
      );
      await q(
        `INSERT INTO email_verifications (workspace_id, subject_key, provider, verification, fetched_at)
         VALUES ($1, $2, 'email-verifier', '{}', ${ago(days)})`,
        [ws, `email:${tag}@example.com`],
      );
      await q(
        `INSERT INTO officer_emails (workspace_id, company_number, officer_key, email, provider, fetched_at)
         VALUES ($1, '0001', $2, $3, 'snov', ${ago(days)})`,
        [ws, tag, `${tag}.officer@example.com`],
      );
      await q(
        `INSERT INTO companies (company_number, name, status, source, raw, fetched_at)
         VALUES ($1, 'Acme', 'active', 'companies-house', '{}', ${ago(days)})`,
        [`C-${tag}`],
      );
      await q(
        `INSERT INTO company_domains (workspace_id, company_key, domain, provider, fetched_at)
         VALUES ($1, $2, 'acme.example', 'serper', ${ago(days)})`,
        [ws, tag],
      );
      await q(
        `INSERT INTO company_firmographics (workspace_id, subject_key, provider, firmographics, fetched_at)
         VALUES ($1, $2, 'rocketreach', '{}', ${ago(days)})`,
        [ws, `domain:${tag}.example`],
      );
      await q(
        `INSERT INTO company_officers (company_number, officer_key, name, fetched_at)
         VALUES ('0001', $1, 'A. Officer', ${ago(days)})`,
        [tag],
      );
    }
    // Provider call logs: two years.
    await q(
      `INSERT INTO provider_calls (workspace_id, provider, operation, endpoint, outcome, latency_ms, created_at)
       VALUES ($1, 'apollo', 'person.email', 'POST /people/match', 'hit', 5, ${ago(800)}),
              ($1, 'apollo', 'person.email', 'POST /people/match', 'hit', 5, ${ago(700)})`,
      [ws],
    );
    // Results: finished requests 90 days after they finished, with their steps; unfinished ones stay.
    const request = async (status: string, completedDaysAgo: number | null): Promise<string> => {
      const [{ id }] = (await q(
        `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, created_at, completed_at)
         VALUES ($1, 'person.email', '{}', $2, 'c', ${ago(200)}, ${completedDaysAgo === null ? 'NULL' : ago(completedDaysAgo)})
         RETURNING id`,
        [ws, status],
      )) as { id: string }[];
      for (const seq of [1, 2]) {
        await q(
          `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, created_at)
           VALUES ($1, $2, $3, 'apollo', 'person.email', ${ago(200)})`,
          [id, ws, seq],
        );
      }
      return id;
    };
    const oldDone = await request('completed', 100);
    const oldFailed = await request('failed', 95);
    const youngDone = await request('completed', 80);
    const stillRunning = await request('running', null);
    await q(
      `INSERT INTO callback_deliveries (workspace_id, request_id, webhook_id, url, attempt, created_at)
       VALUES ($1, $2, 'msg_1', 'https://example.com/hook', 1, ${ago(100)}),
              ($1, $3, 'msg_2', 'https://example.com/hook', 1, ${ago(10)})`,
      [ws, oldDone, youngDone],
    );
    // Raw webhook events: RETENTION_WEBHOOK_EVENT_DAYS (14 here).
    await q(
      `INSERT INTO webhook_events (provider, event_id, headers, body, received_at)
       VALUES ('nimbus-lookup', 'e-old', '{}', '{}', ${ago(20)}), ('nimbus-lookup', 'e-young', '{}', '{}', ${ago(7)})`,
    );
    // Answers kept for Idempotency-Key replays: until they expire (IDEMPOTENCY_TTL_S after they
    // were kept), the operator's as a workspace's.
    await q(
      `INSERT INTO idempotency_answers (workspace_id, key_digest, fingerprint, status, body, created_at, expires_at)
       VALUES ($1, 'k-expired', 'f', 202, '{}', ${ago(2)}, ${ago(1)}),
              (NULL, 'k-expired', 'f', 201, '{}', ${ago(2)}, now() - interval '1 minute'),
              ($1, 'k-live', 'f', 202, '{}', now(), now() + interval '1 day')`,
      [ws],
    );

    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await startRun(stack);
    const run = await finishedRun(stack, 30_000);

    expect(run).toMatchObject({ trigger: 'manual', status: 'finished', error: null });
    expect(run.finished_at).not.toBeNull();
    expect(run.deleted).toEqual({
      person_phones: 1,
      person_profiles: 1,
      email_verifications: 1,
      officer_emails: 1,
      persons: 1,
      company_domains: 1,
      company_firmographics: 1,
      company_officers: 1,
      companies: 1,
      provider_calls: 1,
      enrichment_steps: 4,
      enrichment_requests: 2,
      callback_deliveries: 1,
      webhook_events: 1,
      idempotency_answers: 2,
    });
    expect(run.total_deleted).toBe(20);

    expect(await db.dataSource.query('SELECT email FROM persons')).toEqual([{ email: 'young@example.com' }]);
    expect(await db.dataSource.query('SELECT subject_key FROM person_phones')).toEqual([
      { subject_key: 'email:young@example.com' },
    ]);
    expect(await db.dataSource.query('SELECT subject_key FROM person_profiles')).toEqual([
      { subject_key: 'email:young@example.com' },
    ]);
    expect(await db.dataSource.query('SELECT subject_key FROM email_verifications')).toEqual([
      { subject_key: 'email:young@example.com' },
    ]);
    expect(await db.dataSource.query('SELECT officer_key FROM officer_emails')).toEqual([
      { officer_key: 'young' },
    ]);
    expect(await db.dataSource.query('SELECT company_number FROM companies')).toEqual([
      { company_number: 'C-young' },
    ]);
    expect(await db.dataSource.query('SELECT company_key FROM company_domains')).toEqual([
      { company_key: 'young' },
    ]);
    expect(await db.dataSource.query('SELECT officer_key FROM company_officers')).toEqual([
      { officer_key: 'young' },
    ]);
    expect(
      await count(
        db,
        `SELECT count(*) AS n FROM provider_calls WHERE created_at < now() - interval '750 days'`,
      ),
    ).toBe(0);
    expect(await count(db, 'SELECT count(*) AS n FROM provider_calls WHERE workspace_id = $1', [ws])).toBe(1);
    const left = await db.dataSource.query<{ id: string }[]>(
      'SELECT id FROM enrichment_requests ORDER BY id',
    );
    expect(left.map((r) => r.id).sort()).toEqual([youngDone, stillRunning].sort());
    expect(
      await count(db, 'SELECT count(*) AS n FROM enrichment_steps WHERE request_id = ANY($1::uuid[])', [
        [oldDone, oldFailed],
      ]),
    ).toBe(0);
    expect(await count(db, 'SELECT count(*) AS n FROM enrichment_steps')).toBe(4);
    expect(await db.dataSource.query('SELECT webhook_id FROM callback_deliveries')).toEqual([
      { webhook_id: 'msg_2' },
    ]);
    expect(await db.dataSource.query('SELECT event_id FROM webhook_events')).toEqual([
      { event_id: 'e-young' },
    ]);
    expect(await db.dataSource.query('SELECT workspace_id, key_digest FROM idempotency_answers')).toEqual([
      { workspace_id: ws, key_digest: 'k-live' },
    ]);

    // 19 rows > RETENTION_ALERT_ROWS (5): one alert, naming the run.
    const alerts = await db.dataSource.query<{ title: string; details: { runId: string; total: number } }[]>(
      `SELECT title, details FROM alerts WHERE kind = 'retention.large-run'`,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].details).toMatchObject({ runId: run.id, total: 20 });
    expect(alerts[0].title).toContain('20 rows');

    // A second run finds nothing more to delete, and raises no alert.
    await startRun(stack);
    const second = await eventually(
      async () => {
        const list = await runs(stack);
        return list.length === 2 && list[0].status !== 'running' ? list[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a second finished run' },
    );
    expect(second.total_deleted).toBe(0);
    expect(await count(db, `SELECT count(*) AS n FROM alerts WHERE kind = 'retention.large-run'`)).toBe(1);
  });

  it('accepts one of two runs asked for at once and refuses the other with a 409 naming it; the accepted one is listed', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack } = ctx;
    const post = () =>
      call<{ status?: string; job_id?: string; message?: string }>(
        stack.gatewayUrl,
        'POST',
        '/v1/admin/retention/runs',
        { token: TEST_ADMIN_TOKEN },
      );
    // No credit monitor yet: the accepted run stays queued while the others are asked for.
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
    const accepted = answers.find((answer) => answer.status === 202)?.body.job_id as string;
    expect(accepted).toMatch(/^retention-run-/);
    const refused = answers.find((answer) => answer.status === 409)?.body.message;
    expect(refused).toBe(
      `A retention run is already queued or running (job ${accepted}, manual); its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.`,
    );
    // Asked again while it waits: the same answer.
    const again = await post();
    expect([again.status, again.body.message]).toEqual([409, refused]);

    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const first = await finishedRun(stack, 30_000);
    expect({ trigger: first.trigger, status: first.status }).toEqual({
      trigger: 'manual',
      status: 'finished',
    });
    expect((await runs(stack)).map((run) => run.id)).toEqual([first.id]);
    // Once it has finished, a run may be asked for again, and it is listed too.
    await startRun(stack);
    await eventually(
      async () => (await runs(stack)).filter((run) => run.status === 'finished').length === 2 || undefined,
      {
        timeoutMs: 30_000,
        what: 'the second run finished',
      },
    );
    expect(await runs(stack)).toHaveLength(2);
  });

  it('runs one at a time, and marks a run whose process died failed as interrupted', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    // A run left `running` by a credit monitor killed mid-way (its lock went with its connection).
    const [dead] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO retention_runs (trigger, status, started_at) VALUES ('schedule', 'running', now() - interval '1 hour')
       RETURNING id`,
    );
    // Another credit monitor's run in progress holds the lock: a run asked for meanwhile is refused,
    // and one that comes anyway (the nightly one, from the job scheduler) does not start.
    const holder = db.dataSource.createQueryRunner();
    await holder.connect();
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const queue = new Queue(QUEUE_NAMES.creditMonitor, {
      connection: redisUrlOptions(requireEnv('REDIS_URL')),
      prefix: ctx.prefix,
    });
    try {
      await holder.query(`SELECT pg_advisory_lock(${RETENTION_LOCK})`);
      const refused = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/admin/retention/runs', {
        token: TEST_ADMIN_TOKEN,
      });
      expect([refused.status, refused.body.message]).toEqual([
        409,
        'A retention run is in progress; its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.',
      ]);
      const nightly = await queue.add(JOB_NAMES.retentionRun, { trigger: 'schedule' });
      const result = await eventually(
        async () => (await queue.getJob(String(nightly.id)))?.returnvalue as { skipped?: string } | undefined,
        { timeoutMs: 15_000, what: 'the retention job done' },
      );
      expect(result.skipped).toBe('another retention run is in progress');
      expect((await runs(stack)).map((run) => [run.id, run.status])).toEqual([[dead.id, 'running']]);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(${RETENTION_LOCK})`);
      await holder.release();
      await queue.close();
    }
    // With the lock free, the next run takes it, marks the dead run interrupted and finishes.
    await startRun(stack);
    // Not `finishedRun`: the dead run is marked failed a moment before the new run's row exists.
    const finished = await eventually(
      async () => {
        const fresh = (await runs(stack)).find((run) => run.id !== dead.id);
        return fresh && fresh.status !== 'running' ? fresh : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the new run finished' },
    );
    expect({ status: finished.status, error: finished.error }).toEqual({ status: 'finished', error: null });
    const list = await runs(stack);
    expect(list).toHaveLength(2);
    const old = list.find((run) => run.id === dead.id);
    expect(old?.status).toBe('failed');
    expect(old?.error).toContain('interrupted');
    expect(old?.finished_at).not.toBeNull();
  });

  it('deletes over 100,000 rows in small batches while other queries on the table stay fast', async () => {
    ctx = await setUp({ RETENTION_CRON: '', RETENTION_BATCH_ROWS: '500', RETENTION_ALERT_ROWS: '1000000' });
    const { stack, db } = ctx;
    const { id: ws } = await createWorkspace(stack.gatewayUrl, 'Big Co');
    await db.dataSource.query(
      `INSERT INTO provider_calls (workspace_id, provider, operation, endpoint, outcome, latency_ms, created_at)
       SELECT $1, 'apollo', 'person.email', 'POST /people/match', 'hit', 5, now() - interval '800 days'
         FROM generate_series(1, 120000)`,
      [ws],
    );
    const [young] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO provider_calls (workspace_id, provider, operation, endpoint, outcome, latency_ms)
       VALUES ($1, 'apollo', 'person.email', 'POST /people/match', 'hit', 5) RETURNING id`,
      [ws],
    );

    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await startRun(stack);
    // Wait until the run is under way, then query the table again and again until it ends.
    await eventually(async () => (await runs(stack))[0], { timeoutMs: 30_000, what: 'the run to start' });
    let during = 0;
    const slowest: number[] = [];
    for (;;) {
      const [latest] = await runs(stack);
      if (latest.status !== 'running') {
        expect(latest.status).toBe('finished');
        break;
      }
      // A reader (by primary key and a count over an index) and a writer on a row the run keeps.
      const started = Date.now();
      await db.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL lock_timeout = '1s'`);
        await manager.query('SELECT id, outcome FROM provider_calls WHERE id = $1', [young.id]);
        await manager.query(`UPDATE provider_calls SET latency_ms = latency_ms + 1 WHERE id = $1`, [
          young.id,
        ]);
      });
      await db.dataSource.query(`SELECT id FROM provider_calls WHERE workspace_id = $1 LIMIT 10`, [ws]);
      slowest.push(Date.now() - started);
      during += 1;
    }
    expect(during).toBeGreaterThan(0);
    for (const ms of slowest) {
      expect(ms).toBeLessThan(1000);
    }
    const [run] = await runs(stack);
    expect(run.deleted.provider_calls).toBe(120_000);
    expect(
      await db.dataSource.query('SELECT id, latency_ms FROM provider_calls WHERE workspace_id = $1', [ws]),
    ).toEqual([{ id: young.id, latency_ms: 5 + during }]);
  });
});
