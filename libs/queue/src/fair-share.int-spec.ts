import { PRIORITY_LIMIT, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { fairPriorities, PLAN_BULK_BANDS, STEP_BULK_BAND, withFairPriorities } from './fair-share';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  throw new Error('REDIS_URL is not set: these tests need a real Redis, e.g. redis://127.0.0.1:6379/7');
}

/** Workspaces' turns on a real BullMQ queue. */
describe('fair priorities', () => {
  const prefix = `sluice-fair-${process.pid}-${Date.now()}`;
  let connection: Redis;
  let queue: Queue;
  let n = 0;

  beforeEach(async () => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    n += 1;
    queue = new Queue(`steps-${n}`, { connection, prefix });
    await queue.waitUntilReady();
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  /** Adds `count` bulk jobs of `workspace` at their turns; answers their priorities. */
  async function add(workspace: string, count: number): Promise<number[]> {
    const jobs = await withFairPriorities(
      queue,
      Array.from({ length: count }, (_, index) => ({
        name: 'step',
        data: { workspaceId: workspace, label: `${workspace}${index}` },
        opts: { priority: STEP_BULK_BAND.base },
      })),
      [STEP_BULK_BAND],
    );
    await queue.addBulk(jobs);
    return jobs.map((job) => job.opts.priority);
  }

  /** The labels of every job, in the order one worker takes them. */
  async function takeAll(): Promise<string[]> {
    const total = await queue.count();
    const taken: string[] = [];
    // BullMQ leaves a connection it was given open: closed here.
    const own = connection.duplicate();
    const worker = new Worker(
      queue.name,
      (job: Job<{ label: string }>) => {
        taken.push(job.data.label);
        return Promise.resolve();
      },
      { connection: own, prefix, concurrency: 1 },
    );
    try {
      const deadline = Date.now() + 15_000;
      while (taken.length < total && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await worker.close();
      await own.quit();
    }
    return taken;
  }

  it("interleaves a newcomer's few jobs with a backlog queued before them, instead of after it", async () => {
    expect(await add('a', 6)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(await add('b', 2)).toEqual([10, 11]);
    // An interactive job still goes first, whoever's bulk work waits.
    await queue.add('step', { workspaceId: 'c', label: 'c-interactive' }, { priority: 1 });
    expect(await takeAll()).toEqual(['c-interactive', 'a0', 'b0', 'a1', 'b1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('starts a newcomer at the first turn still waiting: no credit for the time it was away', async () => {
    await add('a', 10);
    // Four of them taken (gone from the waiting jobs).
    const waiting = await queue.getJobs(['prioritized'], 0, -1, true);
    await Promise.all(waiting.slice(0, 4).map((job) => job.remove()));
    expect(await add('b', 3)).toEqual([14, 15, 16]);
    // A workspace's next jobs follow its own last ones, even while its backlog waits.
    expect(await add('a', 1)).toEqual([20]);
    expect(await add('b', 1)).toEqual([17]);
  });

  it('starts the clock over when nothing of the band waits', async () => {
    await add('a', 5);
    await add('b', 5);
    await Promise.all((await queue.getJobs(['prioritized'])).map((job) => job.remove()));
    expect(await add('b', 2)).toEqual([10, 11]);
    expect(await add('a', 1)).toEqual([10]);
  });

  it('ignores what waits outside the band: interactive jobs, the other band of the plan queue', async () => {
    const { HIGH, LOW } = PLAN_BULK_BANDS;
    await queue.add('plan', { workspaceId: 'x' }, { priority: 1 });
    await queue.add('plan', { workspaceId: 'x' }, { priority: HIGH.base + 40 });
    expect(await fairPriorities(queue, 'y', LOW, 2)).toEqual([LOW.base, LOW.base + 1]);
    expect(await fairPriorities(queue, 'y', HIGH, 1)).toEqual([HIGH.base + 40]);
  });

  it("reads a turn at the top of BullMQ's priorities exactly, and stops at its highest", async () => {
    await queue.add('step', { workspaceId: 'old', label: 'old' }, { priority: PRIORITY_LIMIT - 2 });
    expect(await add('b', 4)).toEqual([
      PRIORITY_LIMIT - 2,
      PRIORITY_LIMIT - 1,
      PRIORITY_LIMIT,
      PRIORITY_LIMIT,
    ]);
    expect(await takeAll()).toEqual(['old', 'b0', 'b1', 'b2', 'b3']);
  });
});
