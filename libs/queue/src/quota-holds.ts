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
