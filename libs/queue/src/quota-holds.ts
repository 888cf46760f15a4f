import type { Redis } from 'ioredis';

/** How long a hold's record outlives the moment its quota resets (a held step re-records it at every pass). */
const HOLD_RECORD_GRACE_MS = 24 * 3_600_000;

/** Redis set of the steps a workspace's used-up quota at a provider holds (their ids). */
export function quotaHoldsKey(queuePrefix: string, workspaceId: string, provider: string): string {
  return `${queuePrefix}:quota-holds:${workspaceId}:${provider}`;
}

/** The first instant (epoch ms) of the calendar month (UTC) after `now`'s: when a monthly quota resets. */
export function quotaResetAt(now = Date.now()): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Notes that the quota holds `stepId`, so that raising or removing the quota wakes it. */
export async function recordQuotaHold(
  redis: Redis,
  queuePrefix: string,
  workspaceId: string,
  provider: string,
  stepId: string,
): Promise<void> {
  const key = quotaHoldsKey(queuePrefix, workspaceId, provider);
  await redis
    .multi()
    .sadd(key, stepId)
    .pexpireat(key, quotaResetAt() + HOLD_RECORD_GRACE_MS)
    .exec();
}

/** The step is held no longer (it went on, or was settled). */
export async function forgetQuotaHold(
  redis: Redis,
  queuePrefix: string,
  workspaceId: string,
  provider: string,
  stepId: string,
): Promise<void> {
  await redis.srem(quotaHoldsKey(queuePrefix, workspaceId, provider), stepId);
}

/**
 * The steps are held no longer: their requests were cancelled while the workspace's used-up quota
 * held them. Their records go at once rather than at their next look (up to QUOTA_HOLD_RECHECK_MS
 * away), so a raise of the quota wakes only steps that still wait. One round trip for them all.
 */
export async function forgetQuotaHolds(
  redis: Redis,
  queuePrefix: string,
  workspaceId: string,
  steps: readonly { id: string; provider: string }[],
): Promise<void> {
  if (steps.length === 0) {
    return;
  }
  const byProvider = new Map<string, string[]>();
  for (const step of steps) {
    byProvider.set(step.provider, [...(byProvider.get(step.provider) ?? []), step.id]);
  }
  const pipeline = redis.pipeline();
  for (const [provider, ids] of byProvider) {
    pipeline.srem(quotaHoldsKey(queuePrefix, workspaceId, provider), ...ids);
  }
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed) {
    throw failed[0] as Error;
  }
}

/** What waking a held step needs of its job (a BullMQ `Job`). */
export interface HeldJob {
  isDelayed(): Promise<boolean>;
  promote(): Promise<void>;
}

/**
 * Wakes the steps a workspace's quota at a provider holds (its quota was raised or removed): their
 * delayed jobs run now instead of at their next look. Each looks at the quota afresh and goes on,
 * or is held again (and recorded again). Returns how many were woken.
 */
export async function wakeQuotaHolds(
  redis: Redis,
  queuePrefix: string,
  workspaceId: string,
  provider: string,
  /** The job of a step, on whichever of the provider's queues it is (see `findStepJob`). */
  jobOf: (stepId: string) => Promise<HeldJob | undefined>,
): Promise<number> {
  const key = quotaHoldsKey(queuePrefix, workspaceId, provider);
  const [[, ids] = [null, []]] = ((await redis.multi().smembers(key).del(key).exec()) ?? []) as [
    [Error | null, string[]],
  ];
  let woken = 0;
  for (const stepId of ids) {
    const job = await jobOf(stepId);
    if (job && (await job.isDelayed())) {
      try {
        await job.promote();
        woken += 1;
      } catch (error) {
        if (await job.isDelayed()) {
          throw error;
        }
        // It left the delayed set meanwhile (it ran, or was removed): awake already.
      }
    }
  }
  return woken;
}
