import { getQueueToken } from '@nestjs/bullmq';
import { batchRefreshSchedulerId, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { call, createWorkspace } from '../support/api';
import { finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

interface Created {
  batch: { id: string };
  accepted: { index: number; job_id: string }[];
}

const TICK_MS = 3_600_000;

describe('a scheduled batch whose job scheduler Redis lost', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({ BATCH_REFRESH_TICK_MS: String(TICK_MS), BATCH_SCHEDULE_CHECK_MS: '200' });
    ({ apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Kept Schedule Co'));
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const api = <T>(method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token: apiKey, body });
  const queue = () => ctx.stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
  // A scheduler that does not exist still answers, with no interval: `every` tells them apart.
  const schedulerEvery = async (batchId: string) =>
    (await queue().getJobScheduler(batchRefreshSchedulerId(batchId)))?.every;
  const batchOf = async (person: WorldPerson, schedule: boolean): Promise<string> => {
    const created = await api<Created>('POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
      ...(schedule ? { schedule: { every_days: 7 } } : {}),
    });
    expect(created.status).toBe(201);
    for (const entry of created.body.accepted) {
      await finished(ctx.stack, apiKey, entry.job_id, 60_000);
    }
    return created.body.batch.id;
  };

  it('gets it back from the schedule in PostgreSQL; cancelled and unscheduled batches get none', async () => {
    const kept = await batchOf(world[0], true);
    const cancelled = await batchOf(world[1], true);
    const unscheduled = await batchOf(world[2], false);
    expect((await api('POST', `/v1/batches/${cancelled}/cancel`)).status).toBe(200);
    expect(await schedulerEvery(kept)).toBe(TICK_MS);

    // Redis loses the scheduler (restarted without persistence, a failover, a FLUSHALL).
    await queue().removeJobScheduler(batchRefreshSchedulerId(kept));
    expect(await schedulerEvery(kept)).toBeFalsy();

    await eventually(async () => (await schedulerEvery(kept)) === TICK_MS, {
      what: 'the scheduled batch’s job scheduler put back',
      timeoutMs: 15_000,
    });
    // Several checks later, still none for the others.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await schedulerEvery(cancelled)).toBeFalsy();
    expect(await schedulerEvery(unscheduled)).toBeFalsy();

    // Removing the schedule through the API is not undone.
    // (A check racing the removal may put it back once; its first tick finds no schedule and ends it.)
    expect((await api('DELETE', `/v1/batches/${kept}/schedule`)).status).toBe(200);
    await eventually(async () => !(await schedulerEvery(kept)), {
      what: 'the removed schedule’s scheduler gone',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await schedulerEvery(kept)).toBeFalsy();
  });
});
