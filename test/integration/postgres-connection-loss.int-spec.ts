import { Client } from 'pg';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { PostgresAmbush } from '../support/postgres-ambush';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/**
 * PostgreSQL terminating connections (an operator killing sessions, a restart, a failover): the
 * apps get new connections and carry on, whatever state each connection was in.
 */
describe('when PostgreSQL terminates connections', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let ambush: PostgresAmbush;
  let gateway: WorkerProcess;
  let apiKey: string;

  /** Terminates every other session of the test's own database. */
  const terminateAll = async (): Promise<void> => {
    const admin = new Client({ connectionString: ctx.db.url });
    await admin.connect();
    try {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
    } finally {
      await admin.end();
    }
  };

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
    const server = new URL(requireEnv('DATABASE_URL'));
    ambush = new PostgresAmbush({ host: server.hostname, port: Number(server.port || 5432) }, ctx.db.url);
    await ambush.start();
    gateway = await startAppProcess('gateway', { ...ctx.stack.env, DATABASE_URL: ambush.urlFor(ctx.db.url) });
    apiKey = (await createWorkspace(gateway.url, 'Terminated Sessions Ltd')).apiKey;
  });
  afterAll(async () => {
    await gateway?.stop();
    await ambush?.stop();
    await tearDown(ctx);
  });

  it('a gateway whose new connection is terminated as it opens stays up (503 at most for that query) and answers the next request', async () => {
    expect((await call(gateway.url, 'GET', '/v1/jobs', { token: apiKey })).status).toBe(200);
    // That read writes after its answer (its audit row, batched; the key's last use): once both
    // have landed, nothing is left to open a connection until the next request.
    await eventually(
      async () => {
        const [row] = await ctx.db.dataSource.query<{ audited: number; used: number }[]>(
          `SELECT (SELECT count(*)::int FROM audit_events WHERE action = 'job.list.read') AS audited,
                  (SELECT count(*)::int FROM api_keys WHERE last_used_at IS NOT NULL) AS used`,
        );
        return row.audited > 0 && row.used > 0;
      },
      { what: 'the read’s own writes to land' },
    );
    await terminateAll();
    // The gateway's pool has dropped the terminated connections: the next query opens a new one.
    await eventually(() => ambush.open === 0, { what: 'the terminated connections to close' });
    ambush.arm();
    // The next connection the gateway opens is terminated as it opens: usually this request's, but
    // a background query (a sweep, a cache refresh) may open it first. Ask until it has been.
    const answers: { status: number; body: unknown }[] = [];
    await eventually(
      async () => {
        answers.push(await call(gateway.url, 'GET', '/v1/jobs', { token: apiKey }));
        return ambush.sprung === 1;
      },
      { what: 'a new connection to be terminated as it opened' },
    );
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(JSON.stringify(answer.body)).toContain('PostgreSQL');
      }
    }
    // Still the same process, answering from a fresh connection.
    const after = await call(gateway.url, 'GET', '/v1/jobs', { token: apiKey });
    expect(gateway.child.exitCode).toBeNull();
    expect(after.status).toBe(200);
    const created = await call(gateway.url, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: '00000001' } },
    });
    expect(created.status).toBe(202);
  });
});
