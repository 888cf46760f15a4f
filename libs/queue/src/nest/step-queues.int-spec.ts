import { DelayedError, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { STEP_BULK_BAND } from '../fair-share';
import { JOB_PRIORITY } from '../job-options';
import { addStepJob, moveWorkspaceStepsToOwnAccounts, promoteOnceDelayed, stepJobId } from './step-queues';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  throw new Error('REDIS_URL is not set: these tests need a real Redis, e.g. redis://127.0.0.1:6379/7');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A wake-up (a provider's callback) for a job that may be about to put itself to sleep (real BullMQ). */
describe('promoteOnceDelayed', () => {
  const prefix = `sluice-promote-${process.pid}-${Date.now()}`;
  let connection: Redis;
  let queue: Queue;
  let events: QueueEvents;
  let worker: Worker | undefined;
  /** Connections of our own making: BullMQ leaves a connection it was given open. */
  const connections: Redis[] = [];
  const own = (): Redis => {
    const made = connection.duplicate();
    connections.push(made);
    return made;
  };

  beforeAll(async () => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue('steps', { connection, prefix });
    events = new QueueEvents('steps', { connection: own(), prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
    await Promise.all([connection, ...connections].map((made) => made.quit()));
  });

  /** A worker whose first run of a job holds it `holdMs`, then sleeps it a minute (a poll's wait). */
  function sleepyWorker(holdMs: number, runs: Map<string, number>): Worker {
    return new Worker(
      'steps',
      async (job: Job, token?: string) => {
        const run = (runs.get(job.id as string) ?? 0) + 1;
        runs.set(job.id as string, run);
        if (run === 1) {
          await sleep(holdMs);
          await job.moveToDelayed(Date.now() + 60_000, token);
          throw new DelayedError();
        }
        return 'answered';
      },
      { connection: own(), prefix },
    );
  }

  async function activeJob(name: string): Promise<Job> {
    const job = await queue.add(name, {});
    for (let i = 0; i < 100 && (await job.getState()) !== 'active'; i += 1) {
      await sleep(20);
    }
    expect(await job.getState()).toBe('active');
    return job;
  }

  it('wakes a job that puts itself to sleep after the wake-up came, instead of leaving it the minute', async () => {
    const runs = new Map<string, number>();
    worker = sleepyWorker(400, runs);
    const job = await activeJob('about-to-sleep');
    const started = Date.now();
    expect(await promoteOnceDelayed(job, 5000)).toBe(true);
    expect(await job.waitUntilFinished(events, 10_000)).toBe('answered');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(runs.get(job.id as string)).toBe(2);
  });

  it('wakes a sleeping job at once', async () => {
    const runs = new Map<string, number>();
    worker = sleepyWorker(0, runs);
    const job = await queue.add('asleep', {});
    for (let i = 0; i < 100 && (await job.getState()) !== 'delayed'; i += 1) {
      await sleep(20);
    }
    expect(await promoteOnceDelayed(job, 0)).toBe(true);
    expect(await job.waitUntilFinished(events, 10_000)).toBe('answered');
  });

  it('leaves a job that keeps running past the watch, and one waiting in its queue, as they are', async () => {
    const runs = new Map<string, number>();
    worker = sleepyWorker(1500, runs);
    const running = await activeJob('long-run');
    const started = Date.now();
    expect(await promoteOnceDelayed(running, 300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(1500);
    await worker.close();
    worker = undefined;
    const waiting = await queue.add('queued', {});
    expect(await promoteOnceDelayed(waiting, 5000)).toBe(false);
    expect(await waiting.getState()).toBe('waiting');
  });
});

/** A workspace's steps moved to the own-accounts queue once it stored credentials (real BullMQ). */
describe('moveWorkspaceStepsToOwnAccounts', () => {
  const prefix = `sluice-move-${process.pid}-${Date.now()}`;
  let connection: Redis;
  let platform: Queue;
  let ownAccounts: Queue;

  beforeAll(() => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    platform = new Queue('provider-x', { connection, prefix });
    ownAccounts = new Queue('provider-x-own', { connection, prefix });
  });

  afterAll(async () => {
    await Promise.all([platform.obliterate({ force: true }), ownAccounts.obliterate({ force: true })]);
    await Promise.all([platform.close(), ownAccounts.close()]);
    await connection.quit();
  });

  const step = (workspaceId: string, n: number) => ({
    stepId: `${workspaceId}-${n}`,
    requestId: `r-${workspaceId}-${n}`,
    workspaceId,
    correlationId: '',
  });

  it("gives a moved bulk step its workspace's turn on the own-accounts queue, not the platform queue's", async () => {
    // The platform's queue has worked through most of a big backlog when workspace w queues two steps:
    // their turns there are 290 and 291.
    for (let n = 0; n < 300; n += 1) {
      await addStepJob(platform, step('big', n), JOB_PRIORITY.bulk);
    }
    const taken = await platform.getJobs(['prioritized'], 0, 289, true);
    await Promise.all(taken.map((job) => job.remove()));
    for (let n = 0; n < 2; n += 1) {
      await addStepJob(platform, step('w', n), JOB_PRIORITY.bulk);
    }
    // Another workspace's bulk steps wait on the own-accounts queue, at turns 0 to 19 there.
    for (let n = 0; n < 20; n += 1) {
      await addStepJob(ownAccounts, step('v', n), JOB_PRIORITY.bulk);
    }

    expect(await moveWorkspaceStepsToOwnAccounts({ platform, ownAccounts }, 'w')).toBe(2);
    const moved = await Promise.all(
      [0, 1].map(async (n) => (await ownAccounts.getJob(stepJobId(`w-${n}`)))?.opts.priority),
    );
    // Taking turns with v's there, not after all of them (the platform queue's 300 and 301).
    expect(moved.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([STEP_BULK_BAND.base, STEP_BULK_BAND.base + 1]);
    // An interactive step keeps its priority.
    await addStepJob(platform, step('w', 9), JOB_PRIORITY.interactive);
    expect(await moveWorkspaceStepsToOwnAccounts({ platform, ownAccounts }, 'w')).toBe(1);
    expect((await ownAccounts.getJob(stepJobId('w-9')))?.opts.priority).toBe(JOB_PRIORITY.interactive);
  });
});
