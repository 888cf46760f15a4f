import { EnrichmentRequest } from '@sluice/db';
import {
  JOB_NAMES,
  JOB_OPTIONS,
  planJobOptions,
  providerQueueName,
  recoveryLeaseKey,
  redisUrlOptions,
} from '@sluice/queue';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { call, createWorkspace } from '../support/api';
import { describeRecoverySweep } from '../support/diagnose';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A request whose plan job used up its attempts (here: failed on purpose by a stand-in worker,
 * as an outage would) is planned again by the recovery sweep once a real worker runs; a step whose
 * job was lost behind a provider's backlog of waiting steps gets its job back.
 */
describe('the recovery sweep', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false });
  });

  /** A worker app whose recovery sweep runs every 300 ms and takes work left alone for 500 ms. */
  async function workerApp(env: Record<string, string> = {}) {
    return (
      await createWorkerApp({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        REDIS_URL: redisUrl,
        DATABASE_URL: db.url,
        QUEUE_PREFIX: prefix,
        REQUEST_RECOVERY_INTERVAL_MS: '300',
        REQUEST_RECOVERY_AFTER_MS: '500',
        ...env,
      })
    ).app;
  }

  /** A wait on the sweep that times out says what the sweep was doing, for a rare stall in CI. */
  async function sweepDiagnosed<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await describeRecoverySweep(redisUrl, prefix)}`);
    }
  }

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('retries a plan job that failed for good while its request still waits', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Recovery Co');
    const company = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=1')
    ).body[0];
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: company.company_number } },
    });
    expect(created.status).toBe(202);

    // Stand-in for an outage that outlasts every attempt: the plan job fails for good.
    const connection = redisUrlOptions(redisUrl);
    const failing = new Worker('enrichment', () => Promise.reject(new Error('PostgreSQL is down')), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
    });
    const queue = new Queue('enrichment', { connection, prefix });
    try {
      try {
        await eventually(
          async () =>
            (await (await queue.getJob(`plan-${created.body.id}`))?.isFailed()) ? true : undefined,
          {
            what: 'the plan job to fail',
            timeoutMs: 60_000,
          },
        );
      } finally {
        await failing.close();
      }
      expect(planJobOptions(created.body.id, 'interactive', 'HIGH').attempts).toBeGreaterThan(1);
      expect(
        (
          await db.dataSource
            .getRepository(EnrichmentRequest)
            .findOneByOrFail({ id: created.body.id, workspaceId })
        ).status,
      ).toBe('queued');

      const worker = await workerApp({ COMPANIES_HOUSE_BASE_URL: `${stack.sandboxUrl}/companies-house` });
      try {
        await worker.init();
        const request = await sweepDiagnosed(
          eventually(
            async () => {
              const row = await db.dataSource
                .getRepository(EnrichmentRequest)
                .findOneByOrFail({ id: created.body.id });
              return row.status === 'completed' ? row : undefined;
            },
            { what: 'the request to complete after the sweep' },
          ),
        );
        expect(request.result).toMatchObject({ company: { company_number: company.company_number } });
      } finally {
        await worker.close();
      }
    } finally {
      await queue.close();
    }
  });

  it('finds a pending step whose job was lost behind a backlog larger than one tick scans, and again after wrapping around', async () => {
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Backlog Co');
    const connection = redisUrlOptions(redisUrl);
    // A provider paused with thousands of waiting steps (as for credits): every one of them has its
    // job, more of them than one tick of the sweep reads.
    const snov = new Queue(providerQueueName('snov'), { connection, prefix });
    await snov.pause();
    const BACKLOG = 5_200;
    const [{ id: requestId }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, created_at)
       VALUES ($1, 'person.email', '{}', 'running', 'backlog', now() - interval '2 hours')
       RETURNING id`,
      [workspaceId],
    );
    const backlog = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, created_at)
       SELECT $1, $2, n, 'snov', 'person.email', 'pending', now() - interval '2 hours' + n * interval '1 ms'
         FROM generate_series(1, $3::int) AS n
       RETURNING id`,
      [requestId, workspaceId, BACKLOG],
    );
    const stepJob = (stepId: string) => ({
      name: JOB_NAMES.providerStep,
      data: { stepId, requestId, workspaceId, correlationId: 'backlog' },
      opts: { ...JOB_OPTIONS[JOB_NAMES.providerStep], jobId: `step-${stepId}` },
    });
    for (let i = 0; i < backlog.length; i += 1000) {
      await snov.addBulk(backlog.slice(i, i + 1000).map((step) => stepJob(step.id)));
    }
    // Newer than the whole backlog, and its job is gone (a Redis wipe, a removed job).
    const [lost] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, created_at)
       VALUES ($1, $2, $3, 'snov', 'person.email', 'pending', now() - interval '1 hour')
       RETURNING id`,
      [requestId, workspaceId, BACKLOG + 1],
    );

    const worker = await workerApp();
    try {
      await worker.init();
      const job = await sweepDiagnosed(
        eventually(async () => snov.getJob(`step-${lost.id}`), {
          what: 'the lost step to get its job back',
          timeoutMs: 60_000,
          intervalMs: 250,
        }),
      );
      expect(job.data).toMatchObject({ stepId: lost.id, requestId, workspaceId });

      // One of the oldest loses its job now: the scan, having reached the newest, starts again.
      // The sweep runs meanwhile and may give it back at once: a new job is told by its timestamp.
      const early = backlog[10].id;
      const removed = await snov.getJob(`step-${early}`);
      expect(removed).toBeDefined();
      await removed!.remove();
      await sweepDiagnosed(
        eventually(
          async () => {
            const back = await snov.getJob(`step-${early}`);
            return back && back.timestamp > removed!.timestamp ? back : undefined;
          },
          {
            what: 'an early step to get its job back after the scan wrapped around',
            timeoutMs: 60_000,
            intervalMs: 250,
          },
        ),
      );
      // The backlog itself was left alone: still waiting on its paused queue, nothing added twice.
      expect(await snov.count()).toBe(BACKLOG + 1);
    } finally {
      await worker.close();
      await snov.close();
    }
  }, 180_000);

  it('runs one sweep at a time: while another holds its lease, a tick recovers nothing', async () => {
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Lease Co');
    const connection = redisUrlOptions(redisUrl);
    const snov = new Queue(providerQueueName('snov'), { connection, prefix });
    const enrichment = new Queue('enrichment', { connection, prefix });
    const redis = new Redis(redisUrl);
    await snov.pause();
    const [{ id: requestId }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, created_at)
       VALUES ($1, 'person.email', '{}', 'running', 'lease', now() - interval '1 hour')
       RETURNING id`,
      [workspaceId],
    );
    // A pending step whose job is gone: the next sweep that runs gives it back.
    const [lost] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, created_at, updated_at)
       VALUES ($1, $2, 1, 'snov', 'person.email', 'pending', now() - interval '1 hour', now() - interval '1 hour')
       RETURNING id`,
      [requestId, workspaceId],
    );
    // Another sweep (another replica's) is running.
    await redis.set(recoveryLeaseKey(prefix), 'another-sweep', 'PX', 120_000);
    const skippedBefore = async () =>
      (await enrichment.getJobs(['completed'], 0, 200)).filter(
        (run) => run.name === JOB_NAMES.enrichmentRecover && 'skipped' in (run.returnvalue ?? {}),
      ).length;

    const worker = await workerApp();
    try {
      await worker.init();
      const skipped = await skippedBefore();
      await sweepDiagnosed(
        eventually(async () => (await skippedBefore()) >= skipped + 3, {
          what: 'three ticks to find the sweep running elsewhere',
          timeoutMs: 30_000,
        }),
      );
      expect(await snov.getJob(`step-${lost.id}`)).toBeUndefined();
      // The other sweep ends (or its worker died and the lease ran out): the next tick sweeps.
      await redis.del(recoveryLeaseKey(prefix));
      const job = await sweepDiagnosed(
        eventually(async () => snov.getJob(`step-${lost.id}`), {
          what: 'the lost step to get its job back once the lease is free',
          timeoutMs: 30_000,
        }),
      );
      expect(job.data).toMatchObject({ stepId: lost.id, requestId, workspaceId });
      // The sweep gave its lease back when it ended.
      await eventually(async () => (await redis.exists(recoveryLeaseKey(prefix))) === 0 || undefined, {
        what: 'the lease to be given back',
      });
    } finally {
      await worker.close();
      await snov.resume();
      await snov.close();
      await enrichment.close();
      redis.disconnect();
    }
  });
});
