import type { Redis } from 'ioredis';
import type { StepQueues } from './nest/step-queues';
import {
  CANCEL_MARKER_TTL_S,
  cancelMarkerKey,
  pauseMarkerKey,
  pipelineEventsKey,
  probeMarkerKey,
  type PauseRecord,
} from './names';

/**
 * Signals between the apps that go through Redis rather than a queue: events for the credit monitor
 * and the marks every worker reads right before a provider call. One writer for each, whichever
 * app raises it.
 */

/** Appends an event to the capped pipeline events stream (oldest trimmed first). */
export async function emitPipelineEvent(
  redis: Redis,
  queuePrefix: string,
  event: Record<string, string | number>,
): Promise<void> {
  const fields = Object.entries({ ...event, at: new Date().toISOString() }).flatMap(([k, v]) => [
    k,
    String(v),
  ]);
  await redis.xadd(pipelineEventsKey(queuePrefix), 'MAXLEN', '~', '10000', '*', ...fields);
}

/** Marks requests cancelled, so a step already taken stops before its provider call. */
export async function markCancelled(
  redis: Redis,
  queuePrefix: string,
  requestIds: readonly string[],
): Promise<void> {
  if (requestIds.length === 0) {
    return;
  }
  const batch = redis.pipeline();
  for (const id of requestIds) {
    batch.set(cancelMarkerKey(queuePrefix, id), '1', 'EX', CANCEL_MARKER_TTL_S);
  }
  await batch.exec();
}

/** What BullMQ's queue offers for pausing. */
interface PausableQueue {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/**
 * Pauses a provider: the marker every worker reads right before a paid call, then its queue (every
 * replica stops taking its jobs; they wait, none fail), then an event for the credit monitor. A
 * pause for credits does not replace a pause already in place (first writer wins, one event) and
 * pauses the platform account's queue only (workspaces' own accounts have their own credits); an
 * operator's pause (`manual`) always stands and pauses both. Returns whether this call paused it.
 */
export async function pauseProvider(
  redis: Redis,
  queues: StepQueues<PausableQueue>,
  queuePrefix: string,
  provider: string,
  record: PauseRecord,
  /** More for the event (e.g. the balance that could not pay). */
  detail: Record<string, string | number> = {},
): Promise<boolean> {
  const key = pauseMarkerKey(queuePrefix, provider);
  const value = JSON.stringify(record);
  const first = record.manual
    ? (await redis.set(key, value, 'GET')) === null
    : (await redis.set(key, value, 'NX')) === 'OK';
  await Promise.all(
    record.manual ? [queues.platform.pause(), queues.ownAccounts.pause()] : [queues.platform.pause()],
  );
  if (first) {
    await emitPipelineEvent(redis, queuePrefix, {
      type: 'provider.paused',
      provider,
      reason: record.reason,
      manual: record.manual ? 1 : 0,
      ...detail,
    });
  }
  return first;
}

/**
 * Resumes a provider paused for credits or by an operator: both its queues. With `creditOnly`, an
 * operator's pause is left alone (only an operator lifts it). With `probe` (a provider without a
 * balance endpoint tried again, its credits unknown), the pause lifted is kept under
 * {@link probeMarkerKey} and the event says `probe: 1`: the credit monitor keeps its pause alert,
 * and a refusal pauses it again as the same outage. Any other resume ends a probe. Returns whether
 * this call lifted a pause.
 */
export async function resumeProvider(
  redis: Redis,
  queues: StepQueues<PausableQueue>,
  queuePrefix: string,
  provider: string,
  reason: string,
  {
    creditOnly,
    probe = false,
    detail = {},
  }: { creditOnly: boolean; probe?: boolean; detail?: Record<string, string | number> },
): Promise<boolean> {
  const key = pauseMarkerKey(queuePrefix, provider);
  const raw = creditOnly || probe ? await redis.get(key) : null;
  if (creditOnly && raw && (JSON.parse(raw) as PauseRecord).manual) {
    return false;
  }
  await Promise.all([queues.platform.resume(), queues.ownAccounts.resume()]);
  if (probe && raw) {
    await redis.set(probeMarkerKey(queuePrefix, provider), raw);
  } else if (!probe) {
    await redis.del(probeMarkerKey(queuePrefix, provider));
  }
  const removed = (await redis.del(key)) === 1;
  if (removed) {
    await emitPipelineEvent(redis, queuePrefix, {
      type: 'provider.resumed',
      provider,
      reason,
      ...(probe ? { probe: 1 } : {}),
      ...detail,
    });
  }
  return removed;
}

/** The pause a probe of the provider's credits lifted, while that probe has no answer yet. */
export async function probeOf(
  redis: Redis,
  queuePrefix: string,
  provider: string,
): Promise<PauseRecord | null> {
  const raw = await redis.get(probeMarkerKey(queuePrefix, provider));
  return raw ? (JSON.parse(raw) as PauseRecord) : null;
}

/**
 * A call to the provider on the platform's account was answered: a probe of its credits, if one
 * was on, succeeded. Ends it with a `provider.resumed` event (credits are back), which re-arms the
 * credit monitor's pause alerts. Returns whether a probe ended.
 */
export async function endProbe(redis: Redis, queuePrefix: string, provider: string): Promise<boolean> {
  if ((await redis.del(probeMarkerKey(queuePrefix, provider))) === 0) {
    return false;
  }
  await emitPipelineEvent(redis, queuePrefix, {
    type: 'provider.resumed',
    provider,
    reason: 'a probe call was answered: credits are back',
  });
  return true;
}

/** The provider's pause, if it is paused. */
export async function pauseOf(
  redis: Redis,
  queuePrefix: string,
  provider: string,
): Promise<PauseRecord | null> {
  const raw = await redis.get(pauseMarkerKey(queuePrefix, provider));
  return raw ? (JSON.parse(raw) as PauseRecord) : null;
}

/** Redis sorted set (by time) of provider webhooks the receiver refused, for the credit monitor. */
export function webhookRefusalsKey(queuePrefix: string): string {
  return `${queuePrefix}:monitor:webhook-refusals`;
}

/**
 * How many refusals the set keeps at most, the newest: enough for any alert threshold, and what
 * bounds its memory when someone sends forged webhooks at a high rate (by age alone, 30 a second
 * would keep 2.6 million entries, a few hundred MB of a Redis that must not evict).
 */
export const WEBHOOK_REFUSALS_KEPT = 10_000;

/**
 * Notes a refused provider webhook (bad signature, unknown token): refused calls are never stored
 * as events, so this is how the monitor learns that verification keeps failing. Entries older than
 * a day, and all but the newest {@link WEBHOOK_REFUSALS_KEPT}, are trimmed as new ones arrive.
 */
export async function recordWebhookRefusal(
  redis: Redis,
  queuePrefix: string,
  provider: string,
  reason: string,
): Promise<void> {
  const key = webhookRefusalsKey(queuePrefix);
  const now = Date.now();
  await redis
    .multi()
    .zadd(key, now, `${now}:${provider}:${reason}:${Math.random().toString(36).slice(2, 10)}`)
    .zremrangebyscore(key, 0, now - 24 * 3_600_000)
    .zremrangebyrank(key, 0, -WEBHOOK_REFUSALS_KEPT - 1)
    .exec();
}

/** Redis pub/sub channel telling gateways that a job changed (a step settled or planned, the job ended). */
export function jobEventsChannel(queuePrefix: string): string {
  return `${queuePrefix}:events:jobs`;
}

/**
 * Tells every gateway that the job changed, after the change is committed; the message is only
 * the job's id (listeners read the job itself). Best effort: a lost message delays an update until
 * the listener's next periodic read.
 */
export async function publishJobChanged(redis: Redis, queuePrefix: string, requestId: string): Promise<void> {
  await redis.publish(jobEventsChannel(queuePrefix), requestId).catch(() => undefined);
}

/** {@link publishJobChanged} for many jobs at once (a cancelled batch's): one round trip. */
export async function publishJobsChanged(
  redis: Redis,
  queuePrefix: string,
  requestIds: readonly string[],
): Promise<void> {
  if (requestIds.length === 0) {
    return;
  }
  const batch = redis.pipeline();
  for (const id of requestIds) {
    batch.publish(jobEventsChannel(queuePrefix), id);
  }
  await batch.exec().catch(() => undefined);
}

/** Redis pub/sub channel telling every worker that an operator changed provider settings. */
export function providerSettingsChannel(queuePrefix: string): string {
  return `${queuePrefix}:events:provider-settings`;
}

/**
 * Tells every worker to reload provider settings, after the write is committed; the message is
 * the provider's name (listeners reload every row). Best effort: a lost message delays the change
 * until the workers' periodic reload.
 */
export async function publishProviderSettingsChanged(
  redis: Redis,
  queuePrefix: string,
  provider: string,
): Promise<void> {
  await redis.publish(providerSettingsChannel(queuePrefix), provider).catch(() => undefined);
}
