import { EnrichmentRequest } from '@sluice/db';
import {
  JOB_NAMES,
  JOB_OPTIONS,
  planJobOptions,
  providerQueueName,
  QUEUE_NAMES,
  recoveryLeaseKey,
  redisUrlOptions,
} from '@sluice/queue';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { RequestRecovery } from '../../apps/enrichment-worker/src/orchestrator/request-recovery.service';
import { call, createWorkspace } from '../support/api';
import { Sink } from '../support/callback-sink';
import { describeRecoverySweep } from '../support/diagnose';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { worldCompanies } from '../support/pipeline';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A request whose plan job used up its attempts (here: failed on purpose by a stand-in worker,
 * as an outage would) is planned again by the recovery sweep once a real worker runs; a step whose
 * job was lost behind a provider's backlog of waiting steps gets its job back; a finished job whose
 * callback was neither delivered nor left queued gets it, once.
 */
describe('the recovery sweep', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  const sink = new Sink();

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false });
    await sink.start();
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
    await sink.stop();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('retries a plan job that failed for good while its request still waits', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Recovery Co');
    const [company] = await worldCompanies(stack.sandboxUrl);
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

  /** A worker that delivers callbacks as the gateway's (same signing key), sweeping as {@link workerApp}. */
  function callbackWorker(env: Record<string, string> = {}) {
    const {
      REQUEST_RECOVERY_INTERVAL_MS: _interval,
      REQUEST_RECOVERY_AFTER_MS: _after,
      ...shared
    } = stack.env;
    return workerApp({ ...shared, ...env });
  }

  /** A job that finished `ago` with a callback URL, whose callback was never queued (its worker died first). */
  async function finishedJob(
    workspaceId: string,
    ago: string,
    status: 'completed' | 'cancelled' = 'completed',
  ): Promise<string> {
    const [{ id }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, result, correlation_id, callback_url,
                                        created_at, completed_at, updated_at)
       VALUES ($1, 'email.verify', '{"email": "ada@example.com"}', $4,
               CASE WHEN $4 = 'completed' THEN '{"verdict": "valid"}'::jsonb END, 'cb', $2,
               now() - $3::interval - interval '1 second', now() - $3::interval, now() - $3::interval)
       RETURNING id`,
      [workspaceId, sink.url, ago, status],
    );
    return id;
  }

  const deliveriesOf = async (id: string): Promise<number> =>
    (
      await db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM callback_deliveries WHERE request_id = $1',
        [id],
      )
    )[0].n;

  /** Waits until `count` sweeps have ended since now (on any worker). */
  async function sweepsPass(count: number): Promise<void> {
    const since = Date.now();
    const enrichment = new Queue(QUEUE_NAMES.enrichment, { connection: redisUrlOptions(redisUrl), prefix });
    try {
      await sweepDiagnosed(
        eventually(
          async () =>
            (await enrichment.getJobs(['completed'], 0, 50)).filter(
              (run) =>
                run.name === JOB_NAMES.enrichmentRecover &&
                (run.finishedOn ?? 0) > since &&
                'recovered' in (run.returnvalue ?? {}),
            ).length >= count || undefined,
          { what: `${count} sweeps`, timeoutMs: 30_000 },
        ),
      );
    } finally {
      await enrichment.close();
    }
  }

  it('sends a finished job’s callback once when its delivery job was lost, and not again once delivered and removed', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Lost Callback Co');
    const [company] = await worldCompanies(stack.sandboxUrl);
    const connection = redisUrlOptions(redisUrl);
    const callbacks = new Queue(QUEUE_NAMES.callbacks, { connection, prefix });
    // Deliveries wait: the job finishes and its delivery job is queued, not yet sent.
    await callbacks.pause();
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'company.profile',
        input: { company_number: company.company_number },
        callback_url: sink.url,
      },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const jobId = `callback-${id}-first`;
    const worker = await callbackWorker();
    try {
      await worker.init();
      // Queued with its priority, on a paused queue.
      await eventually(
        async () =>
          ['prioritized', 'waiting', 'paused'].includes(await callbacks.getJobState(jobId)) || undefined,
        { what: 'the job to finish and its delivery to be queued' },
      );
      // Sweeps that find the delivery queued leave it alone.
      await sweepsPass(3);
      expect(await callbacks.count()).toBe(1);
      // Redis loses the queued delivery (here the callbacks queue alone, as an operator clearing it would).
      await callbacks.obliterate({ force: true });
      await callbacks.resume();
      expect(await callbacks.getJob(jobId)).toBeUndefined();

      await sweepDiagnosed(
        eventually(() => sink.for(id).length > 0 || undefined, {
          what: 'the lost callback to be sent',
          timeoutMs: 30_000,
        }),
      );
      const [delivery] = sink.for(id);
      expect(JSON.parse(delivery.body)).toMatchObject({
        type: 'job.completed',
        data: { id, status: 'completed' },
      });
      await eventually(async () => (await deliveriesOf(id)) === 1 || undefined, {
        what: 'the delivery logged',
      });

      // Delivered; then its completed job goes (`removeOnComplete`, or removed by hand): the logged
      // delivery is what the sweep goes by.
      await eventually(async () => (await callbacks.getJobState(jobId)) === 'completed' || undefined, {
        what: 'the delivery job to complete',
      });
      await (await callbacks.getJob(jobId))!.remove();
      await sweepsPass(3);
      expect(await callbacks.getJob(jobId)).toBeUndefined();
      expect(sink.for(id)).toHaveLength(1);
      expect(await deliveriesOf(id)).toBe(1);
    } finally {
      await worker.close();
      await callbacks.resume();
      await callbacks.close();
    }
  });

  it('sends the lost callbacks of jobs that ended within CALLBACK_RECOVERY_MAX_AGE_MS, cancelled ones too, and none older', async () => {
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Old Callback Co');
    const old = await finishedJob(workspaceId, '2 hours');
    const recent = await finishedJob(workspaceId, '30 minutes');
    // Cancelled by the gateway, which could not queue its callback (Redis refused the add).
    const cancelled = await finishedJob(workspaceId, '20 minutes', 'cancelled');
    const worker = await callbackWorker({ CALLBACK_RECOVERY_MAX_AGE_MS: String(3_600_000) });
    try {
      await worker.init();
      // The ones within the look-back are sent: the sweep has read past the old one.
      await sweepDiagnosed(
        eventually(() => (sink.for(recent).length > 0 && sink.for(cancelled).length > 0) || undefined, {
          what: 'the callbacks within the look-back',
          timeoutMs: 30_000,
        }),
      );
      expect(JSON.parse(sink.for(cancelled)[0].body)).toMatchObject({
        type: 'job.cancelled',
        data: { id: cancelled, status: 'cancelled' },
      });
      await sweepsPass(3);
      expect(sink.for(old)).toHaveLength(0);
      expect(await deliveriesOf(old)).toBe(0);
      expect(sink.for(recent)).toHaveLength(1);
      expect(sink.for(cancelled)).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });

  it('queues a lost callback once when two sweeps run at the same time', async () => {
    const { id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Racing Sweeps Co');
    const id = await finishedJob(workspaceId, '5 minutes');
    // Two replicas; their own ticks are an hour apart, so the sweeps below are the ones that race.
    const slow = { REQUEST_RECOVERY_INTERVAL_MS: String(3_600_000) };
    const [a, b] = [await callbackWorker(slow), await callbackWorker(slow)];
    try {
      await Promise.all([a.init(), b.init()]);
      const sweeps = [a.get(RequestRecovery), b.get(RequestRecovery)];
      // Through their lease, and around it (the job id is what remains between two that both read it lost).
      const unleased = sweeps.map(
        (sweep) =>
          sweep as unknown as {
            requeueLostCallbacks(cutoff: Date, renew: () => Promise<boolean>): Promise<string[]>;
          },
      );
      const cutoff = new Date(Date.now() - 500);
      await Promise.all([
        ...sweeps.map((sweep) => sweep.sweep()),
        ...unleased.map((sweep) => sweep.requeueLostCallbacks(cutoff, () => Promise.resolve(true))),
      ]);
      await sweepDiagnosed(
        eventually(() => sink.for(id).length > 0 || undefined, {
          what: 'the lost callback to be sent',
          timeoutMs: 30_000,
        }),
      );
      await eventually(async () => (await deliveriesOf(id)) > 0 || undefined, {
        what: 'the delivery logged',
      });
      // Sweeping again, on both, sends nothing more.
      await Promise.all(sweeps.map((sweep) => sweep.sweep()));
      await Promise.all(
        unleased.map((sweep) => sweep.requeueLostCallbacks(cutoff, () => Promise.resolve(true))),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(sink.for(id)).toHaveLength(1);
      expect(await deliveriesOf(id)).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
