import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { providerQueueName } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { call, createWorkspace } from '../support/api';
import { requireEnv, untilWaitingForLock } from '../support/database';
import {
  calls,
  enqueue,
  job,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { JobView } from '../support/pipeline';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const CREDITS = 100;

describe('a paid step whose worker dies before settling it, when its request is cancelled before the retry', () => {
  const redisUrl = requireEnv('REDIS_URL');
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let env: Record<string, string>;
  let redis: Redis;
  let queue: Queue;
  const workers: WorkerProcess[] = [];
  let holder: Client | null = null;

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, answered at once); the workers are
    // processes of their own, so that one can be killed.
    ctx = await setUp(
      { PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }) },
      { worker: false },
    );
    env = {
      ...ctx.stack.env,
      // A killed worker's job is taken up again within seconds.
      JOB_LOCK_DURATION_MS: '3000',
      JOB_STALLED_INTERVAL_MS: '1000',
    };
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(providerQueueName('apollo'), { connection: redis, prefix: ctx.prefix });
  });

  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await queue?.close();
    redis?.disconnect();
    await tearDown(ctx);
  });

  it('records what the provider charged once, on the skipped step, without calling again', async () => {
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: CREDITS });
    workers.push(await startWorkerProcess(env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancelled While Dead Co');
    const person = (await people(stack.sandboxUrl)).find((p) => p.emails.apollo === p.email);
    expect(person).toBeDefined();

    // The step is planned while Apollo's queue is paused; then the request's row is held, so that the
    // run, once its (paid) call has answered, waits at its settlement (which locks that row first).
    await queue.pause();
    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person as NonNullable<typeof person>),
    });
    const step = await eventually(
      () => db.dataSource.getRepository(EnrichmentStep).findOneBy({ requestId: id, provider: 'apollo' }),
      { what: 'the Apollo step planned', timeoutMs: 30_000 },
    );
    holder = new Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM enrichment_requests WHERE id = $1 FOR NO KEY UPDATE', [id]);
    await queue.resume();
    await untilWaitingForLock(db, 'the settlement to wait for the request’s row');
    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), 'POST /people/match')).toBe(1);
    // The run kept what it paid for, for its retry.
    expect(await redis.exists(`${prefix}:pipeline:paid:${step.id}`)).toBe(1);
    await workers[0]?.kill();
    await holder.query('ROLLBACK');

    // The request is cancelled while no worker runs: its pending step is skipped, with no charge.
    const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');

    // A new worker takes up the killed worker's job.
    workers.push(await startWorkerProcess(env));
    await eventually(
      async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0) > 0 || undefined;
      },
      { what: 'the stalled step job taken up again and ended', timeoutMs: 60_000, intervalMs: 300 },
    );

    // The provider was called (and paid) once.
    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), 'POST /people/match')).toBe(1);
    const sandbox = await call<{ credits: number }>(stack.sandboxUrl, 'GET', '/_sandbox/providers/apollo');
    const charged = CREDITS - sandbox.body.credits;
    expect(charged).toBe(1);
    // The ledger holds exactly what the provider charged, once; the step stays skipped, and shows it.
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, row.kind, Number(row.credits)])).toEqual([
      ['apollo', 'charge', charged],
    ]);
    const view = await job(stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: charged,
    });
    // What the run kept for its retry is forgotten.
    expect(await redis.exists(`${prefix}:pipeline:paid:${step.id}`)).toBe(0);
  }, 180_000);
});
