import { providerQueueName, QUEUE_NAMES, redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { createWorkspace } from '../support/api';
import { describeRecoverySweep } from '../support/diagnose';
import { requireEnv } from '../support/database';
import {
  calls,
  enqueue,
  finished,
  job,
  people,
  PERSON_PROVIDERS,
  personInput,
  personProviderCalls,
  setUp,
  tearDown,
  worldCompanies,
} from '../support/pipeline';
import { eventually } from '../support/wait';

/**
 * PostgreSQL and Redis restored from backups taken at different moments. PostgreSQL older than
 * Redis: requests and steps the backup has as still to do, whose jobs Redis kept as completed
 * (BullMQ keeps completed jobs for a day), are planned again by the recovery sweep, their answers
 * from the cache rather than a second paid call; a job whose step the backup lacks ends without a
 * call. Redis older than PostgreSQL: a job waiting again for a step already settled ends without one.
 */
describe('PostgreSQL and Redis restored from backups of different moments', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const redisUrl = requireEnv('REDIS_URL');

  beforeAll(async () => {
    ctx = await setUp(
      { REQUEST_RECOVERY_INTERVAL_MS: '300', REQUEST_RECOVERY_AFTER_MS: '500' },
      { worker: false },
    );
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  /** The rows of one request and its steps, as a backup taken now would hold them. */
  interface Backup {
    takenAt: Date;
    request: unknown;
    steps: unknown[];
  }

  async function backUp(requestId: string): Promise<Backup> {
    const [{ now }] = await ctx.db.dataSource.query<{ now: Date }[]>('SELECT clock_timestamp() AS now');
    const [{ request }] = await ctx.db.dataSource.query<{ request: unknown }[]>(
      'SELECT to_jsonb(r) AS request FROM enrichment_requests r WHERE id = $1',
      [requestId],
    );
    const steps = await ctx.db.dataSource.query<{ step: unknown }[]>(
      'SELECT to_jsonb(s) AS step FROM enrichment_steps s WHERE request_id = $1',
      [requestId],
    );
    return { takenAt: now, request, steps: steps.map((row) => row.step) };
  }

  /** The request's rows (and the ledger and call log written since) put back as the backup had them. */
  async function restore(backup: Backup): Promise<void> {
    const request = backup.request as { id: string };
    await ctx.db.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM credit_ledger WHERE created_at >= $1', [backup.takenAt]);
      await manager.query('DELETE FROM provider_calls WHERE created_at >= $1', [backup.takenAt]);
      await manager.query('DELETE FROM callback_deliveries WHERE request_id = $1', [request.id]);
      await manager.query('DELETE FROM enrichment_steps WHERE request_id = $1', [request.id]);
      await manager.query('DELETE FROM enrichment_requests WHERE id = $1', [request.id]);
      await manager.query(
        'INSERT INTO enrichment_requests SELECT * FROM jsonb_populate_record(NULL::enrichment_requests, $1)',
        [JSON.stringify(backup.request)],
      );
      await manager.query(
        'INSERT INTO enrichment_steps SELECT * FROM jsonb_populate_recordset(NULL::enrichment_steps, $1)',
        [JSON.stringify(backup.steps)],
      );
    });
  }

  async function startWorker(): Promise<void> {
    const { app } = await createWorkerApp(ctx.stack.env);
    await app.init();
    ctx.stack.worker = app;
  }

  /** The job once the recovery sweep has run it again to completion; else what the sweep did. */
  async function completedAgain(apiKey: string, id: string, what: string) {
    try {
      return await eventually(
        async () => {
          const view = await job(ctx.stack, apiKey, id);
          return view.status === 'completed' ? view : undefined;
        },
        { what, timeoutMs: 20_000 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await describeRecoverySweep(redisUrl, ctx.prefix)}`);
    }
  }

  it('plans again a request the backup has as queued, whose plan job Redis kept as completed', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Restore Co');
    const [company] = await worldCompanies(ctx.stack.sandboxUrl);
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.profile',
      input: { company_number: company.company_number },
    });
    // The backup: taken while the request waited for its plan.
    const backup = await backUp(id);
    expect((backup.request as { status: string }).status).toBe('queued');

    await startWorker();
    const first = await finished(ctx.stack, apiKey, id);
    expect(first.status).toBe('completed');
    const registerCalls = (await calls(ctx.stack.sandboxUrl, 'companies-house')).total;
    const queue = new Queue(QUEUE_NAMES.enrichment, {
      connection: redisUrlOptions(redisUrl),
      prefix: ctx.prefix,
    });
    try {
      expect(await (await queue.getJob(`plan-${id}`))?.isCompleted()).toBe(true);
    } finally {
      await queue.close();
    }

    await restore(backup);
    expect((await job(ctx.stack, apiKey, id)).status).toBe('queued');

    const again = await completedAgain(apiKey, id, 'the restored request to be planned again');
    expect(again.result).toMatchObject({ company: { company_number: company.company_number } });
    // Answered from the cache Redis kept: the register was not asked again.
    expect((await calls(ctx.stack.sandboxUrl, 'companies-house')).total).toBe(registerCalls);
  });

  it('runs again a step the backup has as pending, whose job Redis kept as completed, without paying twice', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Restore Steps Co');
    // The person providers' queues hold the request's step until the backup is taken.
    await withStepHeld(apiKey, async ({ requestId: id, stepId, queue, queues }) => {
      const backup = await backUp(id);
      const paidBefore = await personProviderCalls(ctx.stack.sandboxUrl);
      await Promise.all(queues.map((held) => held.resume()));
      const first = await finished(ctx.stack, apiKey, id);
      expect(first.status).toBe('completed');
      const paid = (await personProviderCalls(ctx.stack.sandboxUrl)) - paidBefore;
      expect(paid).toBeGreaterThan(0);
      expect(await (await queue.getJob(`step-${stepId}`))?.isCompleted()).toBe(true);

      await restore(backup);
      expect((await job(ctx.stack, apiKey, id)).status).toBe('running');

      const again = await completedAgain(apiKey, id, 'the restored step to run again');
      expect(again.result?.data).toEqual(first.result?.data);
      // The charge recorded after the backup went with the restore; the step's second run cost nothing.
      expect(again.result).toMatchObject({ credits_spent: 0 });
      expect(again.steps.find((step) => step.state === 'completed')).toMatchObject({
        cached: true,
        credits: 0,
      });
      // The answer paid for before the restore came from the cache: no provider was asked again.
      expect((await personProviderCalls(ctx.stack.sandboxUrl)) - paidBefore).toBe(paid);
    });
  });

  /** Person providers' queues, paused until `run` has what it needs of the request's pending step. */
  async function withStepHeld<T>(
    apiKey: string,
    run: (held: { requestId: string; stepId: string; queue: Queue; queues: Queue[] }) => Promise<T>,
  ): Promise<T> {
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.email && p.domain);
    expect(person).toBeDefined();
    const connection = redisUrlOptions(redisUrl);
    const queues = PERSON_PROVIDERS.map(
      (provider) => new Queue(providerQueueName(provider), { connection, prefix: ctx.prefix }),
    );
    try {
      await Promise.all(queues.map((queue) => queue.pause()));
      const requestId = await enqueue(ctx.stack, apiKey, {
        type: 'person.email',
        input: personInput(person!),
      });
      const step = await eventually(
        async () =>
          (
            await ctx.db.dataSource.query<{ id: string; provider: string }[]>(
              "SELECT id, provider FROM enrichment_steps WHERE request_id = $1 AND state = 'pending'",
              [requestId],
            )
          )[0],
        { what: 'a pending step' },
      );
      const queue = queues[PERSON_PROVIDERS.indexOf(step.provider as (typeof PERSON_PROVIDERS)[number])];
      return await run({ requestId, stepId: step.id, queue, queues });
    } finally {
      await Promise.all(queues.map((queue) => queue.resume().catch(() => undefined)));
      await Promise.all(queues.map((queue) => queue.close()));
    }
  }

  it('ends the job of a step the backup does not have without calling a provider', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Restore Gone Co');
    await withStepHeld(apiKey, async ({ requestId, stepId, queue }) => {
      // Restored from a backup taken before the request came: its rows are gone, its job is not.
      await ctx.db.dataSource.query('DELETE FROM enrichment_steps WHERE request_id = $1', [requestId]);
      await ctx.db.dataSource.query('DELETE FROM enrichment_requests WHERE id = $1', [requestId]);
      const before = await personProviderCalls(ctx.stack.sandboxUrl);
      await queue.resume();
      const ended = await eventually(
        async () => {
          const stepJob = await queue.getJob(`step-${stepId}`);
          return (await stepJob?.isCompleted()) ? stepJob : undefined;
        },
        { what: 'the step job to end' },
      );
      expect(ended?.returnvalue).toEqual({ settled: 'already' });
      expect(await personProviderCalls(ctx.stack.sandboxUrl)).toBe(before);
    });
  });

  it('ends a job an older Redis snapshot has waiting for a step the database has settled, without paying again', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Restore Redis Co');
    await withStepHeld(apiKey, async ({ requestId, stepId, queue }) => {
      const waiting = await queue.getJob(`step-${stepId}`);
      expect(waiting).toBeDefined();
      const snapshot = {
        name: waiting!.name,
        data: waiting!.data as Record<string, unknown>,
        opts: waiting!.opts,
      };
      const before = await personProviderCalls(ctx.stack.sandboxUrl);
      await queue.resume();
      const first = await finished(ctx.stack, apiKey, requestId);
      expect(first.status).toBe('completed');
      const ledger = await ctx.db.dataSource.query<{ sum: string | null }[]>(
        'SELECT sum(credits) FROM credit_ledger WHERE workspace_id = (SELECT workspace_id FROM enrichment_requests WHERE id = $1)',
        [requestId],
      );
      const paid = await personProviderCalls(ctx.stack.sandboxUrl);
      expect(paid).toBeGreaterThan(before);

      // Redis restored from a snapshot taken while the step waited: its job is waiting again.
      await queue.remove(`step-${stepId}`);
      await queue.add(snapshot.name, snapshot.data, { ...snapshot.opts, jobId: `step-${stepId}` });
      const ended = await eventually(
        async () => {
          const stepJob = await queue.getJob(`step-${stepId}`);
          return (await stepJob?.isCompleted()) ? stepJob : undefined;
        },
        { what: 'the stale step job to end' },
      );
      expect(ended?.returnvalue).toEqual({ settled: 'already' });
      expect(await personProviderCalls(ctx.stack.sandboxUrl)).toBe(paid);
      expect(
        await ctx.db.dataSource.query<{ sum: string | null }[]>(
          'SELECT sum(credits) FROM credit_ledger WHERE workspace_id = (SELECT workspace_id FROM enrichment_requests WHERE id = $1)',
          [requestId],
        ),
      ).toEqual(ledger);
      expect(await job(ctx.stack, apiKey, requestId)).toMatchObject({
        status: 'completed',
        result: first.result,
      });
    });
  });
});
