import { Client } from 'pg';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { setUp, tearDown, worldCompanies } from '../support/pipeline';
import { startPrivateStack, type PrivateStack } from '../support/private-stack';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/**
 * Servers close connections that idle: Redis's `timeout`, PostgreSQL's `idle_session_timeout`, a
 * proxy's or a load balancer's idle timeout. The apps open new ones and the next request, job or
 * run does not notice.
 */
describe('connections closed while idle', () => {
  describe('by Redis', () => {
    let world: PrivateStack;
    let admin: Redis;
    let apiKey: string;
    let companies: string[];

    beforeAll(async () => {
      world = await startPrivateStack();
      admin = new Redis(world.redis.url);
      apiKey = (await createWorkspace(world.stack.gatewayUrl, 'Idle Hours Ltd')).apiKey;
      companies = (await worldCompanies(world.stack.sandboxUrl, 4)).map((c) => c.company_number);
    });
    afterAll(async () => {
      admin?.disconnect();
      await world?.close();
    });

    const submit = (companyNumber: string) =>
      call(world.stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'company.profile', input: { company_number: companyNumber } },
      });

    it('accepts a job that comes just after Redis closed the gateway’s idle connections', async () => {
      expect((await submit(companies[0])).status).toBe(202);
      for (const company of companies.slice(1)) {
        // What Redis does to a connection idle for `timeout` seconds: it closes it, with no error.
        // Every idle connection is closed at once here, so that the job's commands find theirs
        // closed whichever connection they go out on.
        const killed = Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
        expect(killed).toBeGreaterThan(0);
        // The job comes a moment later, while each connection is opened again (a reconnect takes a
        // few milliseconds on the loopback interface; one that waited first refused it, 503).
        await new Promise((resolve) => setTimeout(resolve, 100));
        const answer = await submit(company);
        expect([answer.status, answer.body]).toEqual([202, expect.objectContaining({ status: 'queued' })]);
      }
    });
  });

  describe('by PostgreSQL', () => {
    let ctx: Awaited<ReturnType<typeof setUp>> | undefined;
    let monitor: WorkerProcess | undefined;
    afterAll(async () => {
      await monitor?.stop();
      await tearDown(ctx);
    });

    it('keeps a retention run’s lock for the whole run, whose job succeeds', async () => {
      ctx = await setUp({}, { worker: false });
      const { stack, db } = ctx;
      const database = new URL(db.url).pathname.slice(1);
      const admin = new Client({ connectionString: db.url });
      await admin.connect();
      // Sessions of this database that wait for a query for a second are ended by PostgreSQL
      // (new sessions only: the credit monitor starts after).
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(database)} SET idle_session_timeout = '1s'`);
      monitor = await startAppProcess('credit-monitor', stack.env);
      const queue = new Queue(QUEUE_NAMES.creditMonitor, {
        connection: redisUrlOptions(requireEnv('REDIS_URL')),
        prefix: ctx.prefix,
      });
      // The run's first deletion waits on this lock (as it would on a large table), while the
      // connection holding the run's advisory lock waits for its next query.
      const holder = new Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE person_phones IN ACCESS EXCLUSIVE MODE');
        const started = await call<{ job_id: string }>(stack.gatewayUrl, 'POST', '/v1/admin/retention/runs', {
          token: TEST_ADMIN_TOKEN,
        });
        expect(started.status).toBe(202);
        const heldLocks = async (): Promise<number> =>
          (
            await admin.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted",
            )
          ).rows[0].n;
        await eventually(async () => (await heldLocks()) === 1, { what: 'the run to take its lock' });
        // Well past the idle timeout: the lock is still held, so no other run may start.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        expect(await heldLocks()).toBe(1);
        await holder.query('COMMIT');
        const job = await eventually(
          async () => {
            const found = await queue.getJob(started.body.job_id);
            const state = await found?.getState();
            return state === 'completed' || state === 'failed' ? found : undefined;
          },
          { what: 'the retention job done', timeoutMs: 30_000 },
        );
        expect([await job.getState(), job.failedReason]).toEqual(['completed', undefined]);
        expect((job.returnvalue as { runId: string | null }).runId).toEqual(expect.any(String));
        const [run] = (
          await call<{ data: { status: string; error: string | null }[] }>(
            stack.gatewayUrl,
            'GET',
            '/v1/admin/retention/runs',
            { token: TEST_ADMIN_TOKEN },
          )
        ).body.data;
        expect([run.status, run.error]).toEqual(['finished', null]);
      } finally {
        await holder.end().catch(() => undefined);
        await admin.end();
        await queue.close();
      }
    });
  });
});
