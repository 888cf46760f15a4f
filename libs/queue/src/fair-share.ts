import { PRIORITY_LIMIT, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LuaScript } from './guards/redis-script';

/**
 * A range of BullMQ priorities that workspaces share fairly: a job added at `base` is given
 * `base + tag` instead, its workspace's turn on the queue (see {@link fairPriorities}), at most
 * `last`. The bands of one queue never overlap, and each lies after the fixed priorities
 * (interactive work, provider callbacks) that must go before it.
 */
export interface FairBand {
  base: number;
  last: number;
}

/** Bulk provider steps: everything after the interactive ones, to BullMQ's highest priority. */
export const STEP_BULK_BAND: FairBand = { base: 10, last: PRIORITY_LIMIT };

/** Half of BullMQ's priorities, each half a band of bulk plans. */
const PLAN_BAND_SIZE = 2 ** 20;

/**
 * Bulk plans: those whose first step is HIGH class work (a register lookup) in the band before
 * those whose first step is LOW, so the class still decides first; each band is shared fairly.
 */
export const PLAN_BULK_BANDS: { HIGH: FairBand; LOW: FairBand } = {
  HIGH: { base: 9, last: 9 + PLAN_BAND_SIZE - 1 },
  LOW: { base: 9 + PLAN_BAND_SIZE, last: PRIORITY_LIMIT },
};

/** The plan queue's bands, whose jobs are added together. */
const PLAN_FAIR_BANDS: readonly FairBand[] = [PLAN_BULK_BANDS.HIGH, PLAN_BULK_BANDS.LOW];

/** BullMQ's score of a prioritized job is `priority * 2^32 + an insertion counter`. */
const PRIORITY_SCALE = 2 ** 32;

/** A band's clock outlives its last use by this long (it also starts over whenever the band is empty). */
const CLOCK_TTL_S = 7 * 24 * 3600;

/**
 * The first of `count` consecutive tags for a workspace, and the band's clock advanced past them.
 * KEYS: the queue's prioritized jobs (BullMQ's sorted set), the band's clock (workspace → its last
 * tag). ARGV: the band's first score, the first score past it, its base, the workspace, count, TTL.
 * The floor is the tag of the band's first waiting job: a workspace that has waited its turn is
 * not behind one whose older tags are still waiting, and one that was idle gets no credit for it.
 * With nothing of the band waiting, the clock starts over at 0 (which keeps tags small: a band has
 * only about a million).
 */
const NEXT_TAGS = new LuaScript(`
local first = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '(' .. ARGV[2], 'WITHSCORES', 'LIMIT', 0, 1)
local floor = 0
if first[2] then
  floor = math.floor(tonumber(first[2]) / ${PRIORITY_SCALE}) - tonumber(ARGV[3])
else
  redis.call('DEL', KEYS[2])
end
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[4]) or '-1')
local start = math.max(floor, last + 1)
redis.call('HSET', KEYS[2], ARGV[4], start + tonumber(ARGV[5]) - 1)
redis.call('EXPIRE', KEYS[2], ARGV[6])
return start
`);

/** The priorities of `count` jobs whose tags start at `start`, in `band` (the last ones share its end). */
export function bandPriorities(band: FairBand, start: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => Math.min(band.base + start + index, band.last));
}

/** The band of `bands` that starts at `priority`, if any: a job added there is to be given its workspace's turn. */
export function bandAt(priority: number | undefined, bands: readonly FairBand[]): FairBand | null {
  return bands.find((band) => band.base === priority) ?? null;
}

/**
 * The priorities of `count` jobs that `workspaceId` adds to `queue` in `band`, in the order given.
 *
 * Why: every workspace's bulk work shares the same queues, and BullMQ takes jobs of one priority
 * first in, first out, so one workspace's 20,000-row import held another's ten bulk jobs until all
 * of it had gone through the provider (hours, at a paid provider's rate limit). BullMQ Pro's groups
 * would rotate between workspaces; open-source BullMQ has only priorities. So each job gets a
 * virtual start time as its priority (start-time fair queuing): the workspace's next tag, but never
 * one before the first of the band still waiting. Two workspaces with work waiting then take turns,
 * one job each, whatever either had queued before; a workspace with a deep backlog is not held back
 * by it once it is alone. A sorted set scores a priority in O(log n) however many distinct ones it
 * holds, and tags stay below the band's end (a workspace queueing more than a band holds in one
 * go has the rest at the end, first in, first out).
 *
 * Jobs keep their priority when they wait (delayed) and come back, so a step that polls or waits for
 * a rate slot keeps its turn; one that comes back after the band emptied and the clock started over
 * may go after newer ones, as BullMQ puts any job coming back from delay after those waiting.
 */
export async function fairPriorities(
  queue: Queue,
  workspaceId: string,
  band: FairBand,
  count: number,
): Promise<number[]> {
  if (count === 0) {
    return [];
  }
  const redis = (await queue.client) as unknown as Redis;
  const start = Number(
    await NEXT_TAGS.run(
      redis,
      [queue.keys.prioritized, queue.toKey(`fair:${band.base}`)],
      [
        String(band.base * PRIORITY_SCALE),
        String((band.last + 1) * PRIORITY_SCALE),
        band.base,
        workspaceId,
        count,
        CLOCK_TTL_S,
      ],
    ),
  );
  return bandPriorities(band, start, count);
}

/** A job as `Queue.addBulk` takes it, of a workspace. */
export interface WorkspaceJob {
  name: string;
  data: { workspaceId: string };
  opts?: JobsOptions;
}

/**
 * `jobs` with each one whose priority is a band's base given its workspace's turn in that band on
 * `queue` (see {@link fairPriorities}); the others as they are. One round trip per workspace and band.
 */
export async function withFairPriorities<T extends WorkspaceJob>(
  queue: Queue,
  jobs: readonly T[],
  bands: readonly FairBand[],
): Promise<T[]> {
  const groups = new Map<string, { band: FairBand; workspaceId: string; indexes: number[] }>();
  jobs.forEach((job, index) => {
    const band = bandAt(job.opts?.priority, bands);
    if (band) {
      const key = `${band.base}:${job.data.workspaceId}`;
      const group = groups.get(key) ?? { band, workspaceId: job.data.workspaceId, indexes: [] };
      group.indexes.push(index);
      groups.set(key, group);
    }
  });
  const fair = [...jobs];
  for (const { band, workspaceId, indexes } of groups.values()) {
    const priorities = await fairPriorities(queue, workspaceId, band, indexes.length);
    indexes.forEach((index, n) => {
      const job = jobs[index];
      fair[index] = { ...job, opts: { ...job.opts, priority: priorities[n] } };
    });
  }
  return fair;
}

/**
 * Adds plan jobs (options from `planJobOptions`) to the plan queue, each workspace's bulk ones at
 * their fair turn. One job goes by `add`: `addBulk` builds an ioredis pipeline, and each new pipeline
 * copies every command BullMQ defines on its client (its Lua scripts) — for one job that cost more
 * CPU than sending the job.
 */
export async function addPlanJobs<T extends WorkspaceJob>(queue: Queue, jobs: readonly T[]): Promise<void> {
  const fair = await withFairPriorities(queue, jobs, PLAN_FAIR_BANDS);
  const [single] = fair;
  if (fair.length === 1 && single) {
    await queue.add(single.name, single.data, single.opts);
  } else if (fair.length > 1) {
    await queue.addBulk(fair);
  }
}
