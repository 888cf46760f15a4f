import { getQueueToken } from '@nestjs/bullmq';
import { batchRefreshSchedulerId, JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import type { Job, Queue } from 'bullmq';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { call, createWorkspace } from '../support/api';
import { finished, setUp, tearDown, worldCompanies } from '../support/pipeline';
import { eventually } from '../support/wait';

/** Planning slots of the worker: as many scheduled batches tick at once. */
const PLAN_SLOTS = 2;
/** Records of each batch: enough that one tick takes seconds to enqueue them again. */
const RECORDS = 5000;

/**
 * The plan queue plans every request and also runs the scheduled batches' ticks, which re-enqueue
 * a batch's stale records, thousands at a time. Batches scheduled together (created together, or
 * their schedulers put back together after Redis lost them) tick together: those ticks must not
 * take every planning slot while they run, or an interactive request waits for them all.
 */
describe('scheduled batch ticks on the plan queue', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp(
      {
        ORCHESTRATOR_CONCURRENCY: String(PLAN_SLOTS),
        BATCH_REFRESH_TICK_MS: String(3600 * 1000),
        // The test removes the batches' schedulers and sends their ticks itself: the gateway's
        // keeper, which puts back schedulers Redis lacks, would add two more ticks behind them.
        BATCH_SCHEDULE_CHECK_MS: String(3600 * 1000),
      },
      { worker: false },
    );
  }, 120_000);
  afterAll(() => tearDown(ctx));

  it('leave planning slots to interactive requests while they re-enqueue big batches', async () => {
    const { stack, db } = ctx;
    const { apiKey, id: workspaceId } = await createWorkspace(stack.gatewayUrl, 'Scheduled Lists Co');
    const companies = await worldCompanies(stack.sandboxUrl, 20);
    const batchIds: string[] = [];
    for (let b = 0; b < PLAN_SLOTS; b += 1) {
      const created = await call<{ batch: { id: string } }>(stack.gatewayUrl, 'POST', '/v1/batches', {
        token: apiKey,
        timeoutMs: 120_000,
        body: {
          records: Array.from({ length: RECORDS }, (_, i) => ({
            first_name: `Lead${b}x${i}`,
            last_name: 'Listed',
            domain: companies[i % companies.length]?.domain,
          })),
          enrich: ['business_email'],
          schedule: { every_days: 1 },
        },
      });
      expect(created.status).toBe(201);
      batchIds.push(created.body.batch.id);
    }
    // Their jobs finished two days ago: every record is due at the next tick.
    await db.dataSource.query(
      `UPDATE enrichment_requests SET status = 'completed', completed_at = now() - interval '2 days'
        WHERE batch_id = ANY($1::uuid[])`,
      [batchIds],
    );
    const queue = stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
    // Their first plans (finished) and first ticks (nothing was due then) are done with; the ticks
    // are sent here, together, as their schedulers would send them.
    for (const batchId of batchIds) {
      await queue.removeJobScheduler(batchRefreshSchedulerId(batchId));
    }
    await queue.drain(true);
    const ticks = await Promise.all(
      // Kept once finished: the queue keeps its last 100 completed jobs, and the plans of the
      // records they enqueue again would push them out before they are read here.
      batchIds.map((batchId) =>
        queue.add(JOB_NAMES.batchRefresh, { batchId, workspaceId }, { removeOnComplete: false }),
      ),
    );

    stack.worker = (await createWorkerApp(stack.env)).app;
    await stack.worker.listen(0, '127.0.0.1');
    await eventually(
      async () => (await Promise.all(ticks.map((tick) => tick.getState()))).includes('active'),
      { timeoutMs: 30_000, intervalMs: 20, what: 'a tick running' },
    );

    const company = companies[0];
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'company.profile',
        input: { company_number: company?.company_number },
        priority: 'interactive',
      },
    });
    expect(created.status).toBe(202);
    const profile = await finished(stack, apiKey, created.body.id, 60_000);
    expect(profile.status).toBe('completed');

    const ticked = await eventually(
      async () => {
        const done = await Promise.all(ticks.map((tick) => queue.getJob(tick.id as string)));
        return done.every((job) => job?.finishedOn) ? (done as Job[]) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'both ticks done' },
    );
    for (const tick of ticked) {
      expect(tick.returnvalue).toEqual({ reenqueued: RECORDS });
    }
    const firstTickEnded = Math.min(...ticked.map((tick) => tick.finishedOn ?? 0));
    // The interactive request did not wait for the ticks: it was planned (its first step made) while
    // the first still ran, which it could not be with every planning slot held by a tick.
    const [{ planned }] = await db.dataSource.query<{ planned: Date }[]>(
      'SELECT min(created_at) AS planned FROM enrichment_steps WHERE request_id = $1',
      [created.body.id],
    );
    expect(new Date(planned).getTime()).toBeLessThan(firstTickEnded);
    // Ten thousand records are made and enqueued twice: minutes on a loaded machine.
  }, 300_000);
});
