import { getQueueToken } from '@nestjs/bullmq';
import { batchRefreshSchedulerId, JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv, untilWaitingForLock } from '../support/database';
import { readEvents } from '../support/events';
import {
  finished,
  people,
  PERSON_PROVIDERS,
  personInput,
  personProviderCalls,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

interface BatchView {
  id: string;
  status: string;
  schedule: { every_days: number } | null;
  progress: { total: number; by_status: Record<string, number>; finished: number };
  cancelled_at: string | null;
}
interface Created {
  batch: BatchView;
  accepted: { index: number; job_id: string }[];
}

const TICK_MS = 1000;

describe('cancelling a scheduled batch stops its re-enrichment', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let workspaceId: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({ BATCH_REFRESH_TICK_MS: String(TICK_MS) });
    ({ apiKey, id: workspaceId } = await createWorkspace(ctx.stack.gatewayUrl, 'Cancelled Batch Co'));
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const api = <T>(method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token: apiKey, body });
  const queue = () => ctx.stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
  // A scheduler that does not exist still answers, with no interval: `every` tells them apart.
  const schedulerEvery = async (batchId: string) =>
    (await queue().getJobScheduler(batchRefreshSchedulerId(batchId)))?.every;
  const totalCalls = (): Promise<number> => personProviderCalls(ctx.stack.sandboxUrl);
  const jobsOf = async (batchId: string): Promise<number> =>
    (
      await ctx.db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM enrichment_requests WHERE batch_id = $1',
        [batchId],
      )
    )[0]?.n ?? -1;
  /** What the ticks of the batch's scheduler that finished after `since` (epoch ms) returned. */
  const ticksOf = async (batchId: string, since: number): Promise<unknown[]> =>
    (await queue().getJobs(['completed']))
      .filter(
        (job) =>
          job.name === JOB_NAMES.batchRefresh &&
          (job.data as { batchId?: string }).batchId === batchId &&
          (job.finishedOn ?? 0) > since,
      )
      .map((job) => job.returnvalue as unknown);
  const tick = async (batchId: string): Promise<unknown> => {
    const added = await queue().add(JOB_NAMES.batchRefresh, { batchId, workspaceId });
    await eventually(async () => (await added.getState()) === 'completed', { what: 'the tick' });
    return (await queue().getJob(added.id as string))?.returnvalue;
  };
  const batchOf = async (records: WorldPerson[], schedule: boolean): Promise<Created> => {
    const created = await api<Created>('POST', '/v1/batches', {
      records: records.map(personInput),
      enrich: ['business_email'],
      ...(schedule ? { schedule: { every_days: 1 } } : {}),
    });
    expect(created.status).toBe(201);
    for (const entry of created.body.accepted) {
      expect((await finished(ctx.stack, apiKey, entry.job_id, 60_000)).status).toBe('completed');
    }
    return created.body;
  };

  it('removes its scheduler, enqueues nothing on later ticks, and refuses a new schedule with a 409', async () => {
    const snov = world.filter((p) => p.emails.snov === p.email);
    const doomed = await batchOf(snov.slice(0, 3), true);
    // A batch left scheduled beside it: its ticks show the scheduler's ticks go on.
    const control = await batchOf(snov.slice(3, 4), true);

    const cancelled = await api<{ cancelled: number; batch: BatchView }>(
      'POST',
      `/v1/batches/${doomed.batch.id}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelled).toBe(0); // every job had finished
    expect(cancelled.body.batch).toMatchObject({ status: 'cancelled', schedule: null });
    expect(cancelled.body.batch.cancelled_at).toEqual(expect.any(String));
    const cancelledAt = Date.now();
    expect(await schedulerEvery(doomed.batch.id)).toBeFalsy();
    expect(await schedulerEvery(control.batch.id)).toBe(TICK_MS);

    // Its records are now due for re-enrichment, and so would the providers be asked: the jobs
    // finished, and the answers were fetched, ten days ago (the control batch's stay fresh).
    const jobsBefore = await jobsOf(doomed.batch.id);
    await ctx.db.dataSource.query(
      `UPDATE enrichment_requests SET completed_at = now() - interval '10 days' WHERE batch_id = $1`,
      [doomed.batch.id],
    );
    await ctx.db.dataSource.query(`UPDATE persons SET fetched_at = now() - interval '10 days'`);
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      for (const key of await redis.keys(`${ctx.prefix}:pipeline:cache:${workspaceId}:*`)) {
        const entry = JSON.parse((await redis.get(key)) as string) as Record<string, unknown>;
        const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
        await redis.set(key, JSON.stringify({ ...entry, answeredAt: tenDaysAgo }), 'KEEPTTL');
      }
    } finally {
      redis.disconnect();
    }
    const callsBefore = await totalCalls();

    // Several ticks later (the control batch's scheduler ticked three times since the cancel):
    // no new job for the cancelled batch, no provider called.
    await eventually(async () => (await ticksOf(control.batch.id, cancelledAt)).length >= 3, {
      timeoutMs: 30 * TICK_MS,
      what: 'three ticks of the control batch',
    });
    expect(await jobsOf(doomed.batch.id)).toBe(jobsBefore);
    expect(await totalCalls()).toBe(callsBefore);
    // Ticks queued before the cancel may still finish after it (one running, one waiting: the
    // cancel removes only the delayed next one). They re-enqueue nothing (one that read the batch
    // before the cancel found nothing stale yet; a later one finds it cancelled). No later tick runs.
    const late = await ticksOf(doomed.batch.id, cancelledAt);
    expect(late.length).toBeLessThanOrEqual(2);
    for (const result of late) {
      expect(result).toMatchObject({ reenqueued: 0 });
    }

    // A tick queued before the cancel took effect enqueues nothing either.
    expect(await tick(doomed.batch.id)).toEqual({ reenqueued: 0, stopped: true });

    // A new schedule is refused, and nothing changes.
    const again = await api<{ message: string }>('PUT', `/v1/batches/${doomed.batch.id}/schedule`, {
      every_days: 7,
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/was cancelled at .*not enriched again/);
    expect(await schedulerEvery(doomed.batch.id)).toBeFalsy();

    // The batch and its summary say so; cancelling again changes nothing.
    const view = (await api<BatchView>('GET', `/v1/batches/${doomed.batch.id}`)).body;
    expect(view).toMatchObject({
      status: 'cancelled',
      schedule: null,
      cancelled_at: cancelled.body.batch.cancelled_at,
      progress: { total: 3, by_status: { completed: 3 }, finished: 3 },
    });
    const summary = await api<{ cancelled_at: string | null; jobs: Record<string, number> }>(
      'GET',
      `/v1/batches/${doomed.batch.id}/summary`,
    );
    expect(summary.body).toMatchObject({
      cancelled_at: cancelled.body.batch.cancelled_at,
      jobs: { completed: 3, cancelled: 0 },
    });
    const twice = await api<{ cancelled: number; batch: BatchView }>(
      'POST',
      `/v1/batches/${doomed.batch.id}/cancel`,
    );
    expect(twice.body).toMatchObject({
      cancelled: 0,
      batch: { status: 'cancelled', cancelled_at: cancelled.body.batch.cancelled_at },
    });
    expect((await api<BatchView>('GET', `/v1/batches/${control.batch.id}`)).body).toMatchObject({
      status: 'completed',
      cancelled_at: null,
      schedule: { every_days: 1 },
    });
    expect(await jobsOf(doomed.batch.id)).toBe(jobsBefore);
    expect(await totalCalls()).toBe(callsBefore);
  });

  it('makes a tick that read the batch before its cancel committed enqueue nothing', async () => {
    const snov = world.filter((p) => p.emails.snov === p.email);
    // Scheduled in the database only: the one tick is this test's.
    const batchId = (await batchOf(snov.slice(4, 6), false)).batch.id;
    await ctx.db.dataSource.query(`UPDATE batches SET schedule = '{"every_days": 1}' WHERE id = $1`, [
      batchId,
    ]);
    await ctx.db.dataSource.query(
      `UPDATE enrichment_requests SET completed_at = now() - interval '10 days' WHERE batch_id = $1`,
      [batchId],
    );
    const jobsBefore = await jobsOf(batchId);
    // A cancel under way: the batch's row is locked by a transaction that has not committed yet.
    const cancel = ctx.db.dataSource.createQueryRunner();
    await cancel.connect();
    try {
      await cancel.startTransaction();
      await cancel.query('SELECT 1 FROM batches WHERE id = $1 FOR UPDATE', [batchId]);
      // A tick reads the batch (still scheduled, not cancelled), then waits for the row's lock.
      const added = await queue().add(JOB_NAMES.batchRefresh, { batchId, workspaceId });
      await untilWaitingForLock(ctx.db, 'the tick waiting for the batch', {
        queryLike: '%FROM batches%FOR NO KEY UPDATE%',
      });
      await cancel.query('UPDATE batches SET cancelled_at = now(), schedule = NULL WHERE id = $1', [batchId]);
      await cancel.commitTransaction();
      await eventually(async () => (await added.getState()) === 'completed', { what: 'the tick' });
      expect((await queue().getJob(added.id as string))?.returnvalue).toEqual({
        reenqueued: 0,
        stopped: true,
      });
    } finally {
      await cancel.release();
    }
    expect(await jobsOf(batchId)).toBe(jobsBefore);
    expect(await schedulerEvery(batchId)).toBeFalsy();
  });

  it('ends the event streams of its unfinished jobs as soon as it is cancelled', async () => {
    const snov = world.filter((p) => p.emails.snov === p.email);
    // Every provider answers slowly: the jobs are still running when the batch is cancelled.
    await Promise.all(
      PERSON_PROVIDERS.map((provider) => sandboxPatch(ctx.stack.sandboxUrl, provider, { latency_ms: 8000 })),
    );
    try {
      const created = await api<Created>('POST', '/v1/batches', {
        records: snov.slice(6, 8).map(personInput),
        enrich: ['business_email'],
      });
      expect(created.status).toBe(201);
      const streams = created.body.accepted.map((entry) =>
        readEvents(`${ctx.stack.gatewayUrl}/v1/jobs/${entry.job_id}/events`, apiKey),
      );
      await new Promise((resolve) => setTimeout(resolve, 500)); // the streams have opened
      const cancelledAt = Date.now();
      const cancelled = await api<{ cancelled: number }>(
        'POST',
        `/v1/batches/${created.body.batch.id}/cancel`,
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.cancelled).toBe(2);
      const events = await Promise.all(streams);
      // Announced like a worker's change, not found by each stream's 5 s re-read.
      expect(Date.now() - cancelledAt).toBeLessThan(2500);
      expect(events.map((stream) => stream.at(-1)?.event)).toEqual(['cancelled', 'cancelled']);
    } finally {
      await Promise.all(
        PERSON_PROVIDERS.map((provider) => sandboxPatch(ctx.stack.sandboxUrl, provider, { latency_ms: 0 })),
      );
    }
  });
});
