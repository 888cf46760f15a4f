import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { providerQueueName, stepJobId } from '@sluice/queue';
import { Queue } from 'bullmq';
import { ChargingGarbage } from '../support/charging-garbage';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { describeUnfinished } from '../support/diagnose';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

describe('a paid call still out when its worker is killed', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const serper = new ChargingGarbage(1);
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let answer: () => void = () => undefined;

  beforeAll(async () => {
    await serper.start();
    db = await createTestDatabase();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false, env: serper.env });
    env = {
      ...stack.env,
      // A killed worker's job is taken up again within seconds; the dead run's claim lasts the
      // step's timeout (PROVIDER_TIMEOUT_MS + 5 s) and 5 s more.
      JOB_LOCK_DURATION_MS: '3000',
      JOB_STALLED_INTERVAL_MS: '1000',
      PROVIDER_TIMEOUT_MS: '3000',
      STEP_TIMEOUT_MS: '1000',
    };
  });

  afterAll(async () => {
    answer();
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
    await serper.stop();
  });

  it('waits for the dead run’s claim to expire without taking the step again and again, and does not pay twice', async () => {
    workers.push(await startWorkerProcess(env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Stalled Call Co');
    // The call stays out until the test lets it answer: the worker is killed while it waits.
    serper.beforeAnswer = () => new Promise<void>((resolve) => (answer = resolve));
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.domain', input: { company_name: 'Stalled Answers Ltd' } },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await eventually(() => (serper.searches === 1 ? true : undefined), {
      what: 'the paid call to go out',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await workers[0]?.kill();
    workers.push(await startWorkerProcess(env));

    await eventually(
      async () => {
        const row = await db.dataSource.getRepository(EnrichmentRequest).findOneBy({ id });
        return row && ['completed', 'failed'].includes(row.status) ? row : undefined;
      },
      { what: 'the request to finish', timeoutMs: 60_000, intervalMs: 300 },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; unfinished:\n${await describeUnfinished(db.dataSource, redisUrl, prefix, [id])}`,
      );
    });
    expect(serper.searches).toBe(1);
    const step = await db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'serper' });
    expect(step).toMatchObject({ state: 'failed', reason: 'timeout' });
    // The run that took the stalled job waited for the claim (about 8 s) looking less and less often,
    // not every 150 ms.
    const queue = new Queue(providerQueueName('serper'), { connection: { url: redisUrl }, prefix });
    try {
      const job = await queue.getJob(stepJobId(step.id));
      expect(job?.attemptsStarted).toBeLessThan(10);
    } finally {
      await queue.close();
    }
  }, 120_000);
});
