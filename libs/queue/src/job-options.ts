import type { JobsOptions } from 'bullmq';
import { PLAN_BULK_BANDS, STEP_BULK_BAND } from './fair-share';
import { JOB_NAMES, type PriorityClass } from './names';
import type { CallbackDeliverPayload } from './payloads';

/**
 * BullMQ priorities of provider steps: lower runs first. Interactive (real-time) requests go before
 * bulk ones. `bulk` is where the workspaces' fair band starts: a bulk step is added at its
 * workspace's turn, from there on (see `fairPriorities`).
 */
export const JOB_PRIORITY = { interactive: 1, bulk: STEP_BULK_BAND.base } as const;
export type RequestPriority = keyof typeof JOB_PRIORITY;

/**
 * Job options per job type. Failed jobs are kept longer than completed ones, so that ops can see
 * and retry them in Bull Board; nothing is removed on failure.
 */
/** Jobs enqueued one by one (the recovery sweep is a job scheduler and has its own template). */
export type EnqueuedJobName =
  typeof JOB_NAMES.enrichmentPlan | typeof JOB_NAMES.providerStep | typeof JOB_NAMES.webhookProcess;

export const JOB_OPTIONS: Record<EnqueuedJobName, JobsOptions> = {
  [JOB_NAMES.enrichmentPlan]: {
    /** @defaultValue 5 attempts, exponential backoff from 1 s, with jitter */
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  },
  [JOB_NAMES.webhookProcess]: {
    /** @defaultValue 8 attempts, exponential backoff from 1 s (the step is polled meanwhile anyway) */
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
    // A callback wakes a waiting step ahead of new plans.
    priority: 1,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  },
  [JOB_NAMES.providerStep]: {
    /** @defaultValue 6 attempts, exponential backoff from 2 s, with jitter */
    attempts: 6,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  },
};

/**
 * Every request's plan job is on one queue, before its steps reach their providers' queues:
 * interactive plans go before bulk ones, and within each, a plan whose first step is HIGH class work
 * (Companies House) before one whose first step is LOW. Else a bulk register lookup waited for
 * every bulk request for a paid provider enqueued before it (about 18 s behind 2,000 of them). The
 * bulk ones are where two bands start, one per class, that the workspaces share fairly: `addPlanJobs`
 * gives each bulk plan its workspace's turn in its band.
 */
export const PLAN_PRIORITY: Record<RequestPriority, Record<PriorityClass, number>> = {
  interactive: { HIGH: 1, LOW: 2 },
  bulk: { HIGH: PLAN_BULK_BANDS.HIGH.base, LOW: PLAN_BULK_BANDS.LOW.base },
};

/**
 * The plan job of a request: its id derives from the request, so enqueueing twice is a no-op.
 * `firstStep`: the priority class of the queue its first step goes to. Added by `addPlanJobs`, which
 * turns a bulk plan's priority into its workspace's turn.
 */
export function planJobOptions(
  requestId: string,
  priority: RequestPriority,
  firstStep: PriorityClass,
): JobsOptions {
  return {
    ...JOB_OPTIONS[JOB_NAMES.enrichmentPlan],
    jobId: `plan-${requestId}`,
    priority: PLAN_PRIORITY[priority][firstStep],
  };
}

/**
 * A callback delivery of a request's result: retried with exponential backoff from `backoffMs`
 * (jittered) up to `maxAttempts` times — by default 15 attempts from 5 s, about a day. One job per
 * request (and per redelivery), so finishing twice cannot send it twice.
 */
export function callbackJobOptions(
  requestId: string,
  config: { maxAttempts: number; backoffMs: number },
  suffix = 'first',
): JobsOptions {
  return {
    jobId: `callback-${requestId}-${suffix}`,
    attempts: config.maxAttempts,
    backoff: { type: 'exponential', delay: config.backoffMs, jitter: 0.3 },
    priority: 5,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  };
}

/** A request that has just reached a final state, and whose `callback_url` is to hear of it. */
export interface FinishedRequest {
  id: string;
  workspaceId: string;
}

/**
 * The first callback delivery of each request that has just finished, however it finished
 * (completed or failed by its plan; cancelled by its caller, its batch, its import or the companies
 * stream), for `Queue.addBulk`. Every path uses the same job id (see {@link callbackJobOptions}), so
 * two of them announcing the same request send it once: BullMQ ignores the second add.
 */
export function firstCallbackJobs(
  requests: readonly FinishedRequest[],
  config: { maxAttempts: number; backoffMs: number },
): {
  name: typeof JOB_NAMES.callbackDeliver;
  data: CallbackDeliverPayload;
  opts: JobsOptions;
}[] {
  return requests.map((request) => ({
    name: JOB_NAMES.callbackDeliver,
    data: { requestId: request.id, workspaceId: request.workspaceId },
    opts: callbackJobOptions(request.id, config),
  }));
}

/**
 * A retention run asked for by an operator (the nightly one comes from a job scheduler, whose
 * template BullMQ does not let deduplicate). Deduplicated on one id for as long as the job has not
 * completed or failed: a second run queued meanwhile would find the first one's lock and be
 * skipped, so a second add is answered with the first job instead (its id is not `jobId`).
 *
 * @defaultValue deduplication id `retention.run`; the last 100 completed and 100 failed kept
 */
export function manualRetentionRunJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    deduplication: { id: JOB_NAMES.retentionRun },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  };
}
