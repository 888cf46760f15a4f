import { getQueueToken } from '@nestjs/bullmq';
import type { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { fairPriorities, STEP_BULK_BAND } from '../fair-share';
import { JOB_OPTIONS } from '../job-options';
import { JOB_NAMES, ownAccountQueueName, type ProviderName, providerQueueName } from '../names';
import type { ProviderStepPayload } from '../payloads';

/**
 * A provider's two step queues, as registered in the app (see `ownAccountQueueName`); `Q` narrows
 * them to what a caller uses (pausing, say).
 */
export interface StepQueues<Q = Queue> {
  /** Steps on the platform's account: paused for its credits, rate limited for its window. */
  platform: Q;
  /** Steps on workspaces' own accounts: paused only by an operator. */
  ownAccounts: Q;
}

/** The id of step `stepId`'s job, on whichever of its provider's queues it is. */
export function stepJobId(stepId: string): string {
  return `step-${stepId}`;
}

/**
 * Adds the job of a step (`payload.stepId`) to `queue`, one of its provider's two: the one the
 * orchestrator, the recovery sweep and a move to the own accounts all add it with. A bulk step
 * (`JOB_PRIORITY.bulk`) goes at its workspace's turn on that queue (see `fairPriorities`).
 */
export async function addStepJob(
  queue: Queue,
  payload: ProviderStepPayload,
  priority: number | undefined,
): Promise<Job> {
  const [turn] =
    priority === STEP_BULK_BAND.base
      ? await fairPriorities(queue, payload.workspaceId, STEP_BULK_BAND, 1)
      : [priority];
  return queue.add(JOB_NAMES.providerStep, payload, {
    ...JOB_OPTIONS[JOB_NAMES.providerStep],
    jobId: stepJobId(payload.stepId),
    priority: turn,
  });
}

/** The provider's two step queues, from an app that registered both. */
export function stepQueuesOf(moduleRef: ModuleRef, provider: ProviderName): StepQueues {
  return {
    platform: moduleRef.get<Queue>(getQueueToken(providerQueueName(provider)), { strict: false }),
    ownAccounts: moduleRef.get<Queue>(getQueueToken(ownAccountQueueName(provider)), { strict: false }),
  };
}

/**
 * The job of step `stepId` (`step-<id>`), on whichever of the provider's queues it is: a step is
 * put on the own accounts' queue when its workspace had credentials at the provider, and the
 * workspace may have stored or removed them since.
 */
export async function findStepJob(queues: StepQueues, stepId: string): Promise<Job | undefined> {
  const [platform, own] = await Promise.all([
    queues.platform.getJob(stepJobId(stepId)),
    queues.ownAccounts.getJob(stepJobId(stepId)),
  ]);
  return platform ?? own;
}

/**
 * Promotes `job` if it is delayed, or once it is, watching a job still active for at most
 * `watchMs`: a job a worker holds may be about to put itself to sleep (a step that polled its
 * provider's task and found it unfinished), and a wake-up sent just before that sleep must not be
 * lost until the sleep ends. Answers whether the job was delayed (and so promoted, or woken by its
 * own timer meanwhile); a job waiting in its queue, finished or gone is not watched. BullMQ has no
 * "promote when delayed": hence the watch, a state read every `stepMs`.
 */
export async function promoteOnceDelayed(job: Job, watchMs: number, stepMs = 50): Promise<boolean> {
  const until = Date.now() + watchMs;
  for (;;) {
    const state = await job.getState();
    if (state === 'delayed') {
      // Its own timer may wake it first: then it is no longer delayed, and that is as good.
      await job.promote().catch(() => undefined);
      return true;
    }
    if (state !== 'active' || Date.now() >= until) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Jobs read per page when looking for a workspace's steps on a queue. */
const MOVE_PAGE = 500;

/**
 * Moves the steps of `workspaceId` waiting on the provider's platform queue to its own-accounts
 * queue, once the workspace has stored credentials there: queued before, they would otherwise wait
 * for the platform's account — its top-up, when a pause for credits holds that queue — although
 * the workspace's own account can pay now. Each job keeps its id, data and priority (a bulk one
 * takes its workspace's turn on the own-accounts queue); a delayed one runs at once (the step
 * runner looks at its waits again). A job is removed before it is added
 * again, so it never runs twice side by side: a job lost in between (the process dies) is put back
 * by the recovery sweep, where the orchestrator would put it. A job a worker holds (active) stays
 * where it is, and so does a step awaiting a task (see `staying`). BullMQ moves no job between
 * queues, and its bulk reads are by state, not by data: hence the scan. Answers the number of jobs
 * moved.
 */
export async function moveWorkspaceStepsToOwnAccounts(
  queues: StepQueues,
  workspaceId: string,
  /**
   * Of the steps given, those that stay: a step awaiting a task started on the platform's account
   * is polled on it, and the platform's queue is where its pauses and rate limit hold it.
   */
  staying: (stepIds: string[]) => Promise<ReadonlySet<string>> = () => Promise.resolve(new Set()),
): Promise<number> {
  const states = ['wait', 'paused', 'prioritized', 'delayed'] as const;
  const mine = new Map<string, Job>();
  for (let start = 0; ; start += MOVE_PAGE) {
    const page = await queues.platform.getJobs([...states], start, start + MOVE_PAGE - 1, true);
    for (const job of page) {
      // Lists shift while they are read (jobs added, taken): a job seen twice is moved once.
      if (
        (job?.data as Partial<{ workspaceId: string }> | undefined)?.workspaceId === workspaceId &&
        job.id
      ) {
        mine.set(job.id, job);
      }
    }
    if (page.length < MOVE_PAGE) {
      break;
    }
  }
  const stay = await staying([...mine.values()].map((job) => (job.data as ProviderStepPayload).stepId));
  let moved = 0;
  for (const job of mine.values()) {
    if (stay.has((job.data as ProviderStepPayload).stepId)) {
      continue;
    }
    const removed = await job.remove().then(
      () => true,
      () => false, // taken by a worker meanwhile: it runs where it is
    );
    if (!removed) {
      continue;
    }
    // A bulk step's turn on the platform's queue is no turn on the own-accounts queue, whose turns
    // are counted apart: kept, it went after every job there of a lower tag (all of them, after a
    // backlog on the platform's queue), or ahead of them all. It takes its workspace's turn there.
    const priority =
      job.opts.priority !== undefined && job.opts.priority >= STEP_BULK_BAND.base
        ? STEP_BULK_BAND.base
        : job.opts.priority;
    await addStepJob(queues.ownAccounts, job.data as ProviderStepPayload, priority);
    moved += 1;
  }
  return moved;
}
