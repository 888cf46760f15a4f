import type { JobsOptions } from 'bullmq';
import { JOB_NAMES, type JobName } from './names';

/** BullMQ priorities: lower runs first. Interactive (real-time) requests go before bulk ones. */
export const JOB_PRIORITY = { interactive: 1, bulk: 10 } as const;
export type RequestPriority = keyof typeof JOB_PRIORITY;

/**
 * Job options per job type. Failed jobs are kept longer than completed ones, so that ops can see
 * and retry them in Bull Board; nothing is removed on failure.
 */
export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JOB_NAMES.enrichmentPlan]: {
    /** @defaultValue 5 attempts, exponential backoff from 1 s, with jitter */
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  },
  [JOB_NAMES.providerStep]: {
    /** @defaultValue 6 attempts, exponential backoff from 2 s, with jitter */
    attempts: 6,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  },
};
