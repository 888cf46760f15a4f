/**
 * Queue and job names are a wire format: jobs already in Redis carry them. Never derive them from
 * class names and never rename one without a migration of the jobs that use it.
 */
import { CONFIG_PROVIDER_NAMES } from '@sluice/config';

/** Provider names as used in queues, config, metrics and the sandbox: the configuration's list. */
export const PROVIDER_NAMES = CONFIG_PROVIDER_NAMES;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export type PriorityClass = 'HIGH' | 'LOW';

/**
 * HIGH: free, rate-limited, time-sensitive work (Companies House). LOW: providers that consume
 * credits. Each class has its own worker concurrency, so LOW work can never starve HIGH work.
 */
export const PROVIDER_PRIORITY_CLASS: Record<ProviderName, PriorityClass> = {
  'companies-house': 'HIGH',
  snov: 'LOW',
  rocketreach: 'LOW',
  apollo: 'LOW',
  serper: 'LOW',
  'orion-connect': 'LOW',
  'astra-dialer': 'LOW',
  'nimbus-lookup': 'LOW',
  'email-verifier': 'LOW',
};

export type ProviderQueueName = `provider.${ProviderName}`;

export function providerQueueName(provider: ProviderName): ProviderQueueName {
  return `provider.${provider}`;
}

export type OwnAccountQueueName = `provider.${ProviderName}.own`;

/**
 * The provider's steps that call it on a workspace's own account (credentials the workspace
 * stored): a queue of their own, in the provider's priority class. A BullMQ pause or rate limit is
 * queue-wide, and the provider's queue is paused when the platform's credits run out and rate
 * limited when the platform's window is full: neither says anything of a workspace's own account,
 * whose steps would otherwise wait behind them. An operator's pause stops both queues.
 */
export function ownAccountQueueName(provider: ProviderName): OwnAccountQueueName {
  return `provider.${provider}.own`;
}

/** Every queue a step of `provider` may be on: the platform's account's, then the own accounts'. */
export function stepQueueNames(provider: ProviderName): readonly [ProviderQueueName, OwnAccountQueueName] {
  return [providerQueueName(provider), ownAccountQueueName(provider)];
}

const PROVIDER_OF_QUEUE: ReadonlyMap<string, ProviderName> = new Map(
  PROVIDER_NAMES.flatMap((provider) => stepQueueNames(provider).map((queue) => [queue, provider] as const)),
);

/** The provider whose steps a queue holds (either of its two queues), or undefined for other queues. */
export function providerOfQueue(queueName: string): ProviderName | undefined {
  return PROVIDER_OF_QUEUE.get(queueName);
}

export const QUEUE_NAMES = {
  /** Upstream requests, turned into plans of provider steps. */
  enrichment: 'enrichment',
  /** The credit monitor's work: balance checks, operational checks, reports, alert deliveries. */
  creditMonitor: 'credit-monitor',
  /**
   * Deliveries of finished requests to their callback URLs: a queue of their own, with its own
   * workers. A receiver that is slow or down holds a delivery for up to CALLBACK_TIMEOUT_MS each
   * try; on the enrichment queue, a few such receivers of one workspace held every slot that plans
   * the requests of all of them.
   */
  callbacks: 'callbacks',
} as const;

export const ALL_QUEUE_NAMES: readonly string[] = [
  QUEUE_NAMES.enrichment,
  QUEUE_NAMES.creditMonitor,
  QUEUE_NAMES.callbacks,
  ...PROVIDER_NAMES.flatMap(stepQueueNames),
];

export const JOB_NAMES = {
  /** Plan (or re-plan) an enrichment request into provider steps. */
  enrichmentPlan: 'enrichment.plan',
  /** Run one provider step of a plan. */
  providerStep: 'provider.step',
  /** Repeating sweep (a BullMQ job scheduler) that re-enqueues requests left without a plan job. */
  enrichmentRecover: 'enrichment.recover',
  /** Repeating job (a BullMQ job scheduler): reads balances of providers paused for credits and resumes them. */
  creditsSync: 'credits.sync',
  /** A stored provider callback to apply: wakes the step waiting for that provider's work. */
  webhookProcess: 'webhook.process',
  /** Deliver a finished job's result to its callback URL, signed (Standard Webhooks). */
  callbackDeliver: 'callback.deliver',
  /** Read one provider's balance (a job scheduler per provider, or at once by an operator): snapshot, thresholds, forecast, pause or resume. */
  creditsCheck: 'credits.check',
  /** Repeating job: failure rates, webhook failures, stuck tasks, long pauses. */
  opsCheck: 'monitor.ops-check',
  /** Repeating job: the daily usage report. */
  usageReport: 'monitor.usage-report',
  /** Send one alert to one channel (webhook, e-mail), retried with backoff. */
  alertDeliver: 'alert.deliver',
  /** A scheduled batch's tick (a job scheduler per batch on the enrichment queue): re-enqueues its stale records. */
  batchRefresh: 'batches.refresh',
  /** Delete data past its retention in small batches (a nightly job scheduler, or by an operator); one report row per run. */
  retentionRun: 'retention.run',
} as const;

/**
 * Redis stream (under the queue prefix) of pipeline events for the credit monitor: a provider
 * paused or resumed for credits, a circuit opened or closed. Capped, oldest trimmed first.
 */
export const PIPELINE_EVENTS_STREAM = 'events:pipeline';

/**
 * Redis key marking a request cancelled (set by the gateway when it cancels, read by every worker
 * right before a provider call): the stop reaches a step that was already taken, at once.
 */
export function cancelMarkerKey(queuePrefix: string, requestId: string): string {
  return `${queuePrefix}:pipeline:cancelled:${requestId}`;
}

/**
 * Redis key marking a provider paused (its queue is paused too): by the pipeline when its credits
 * cannot pay for a call, or by an operator. Every worker checks it right before a paid call.
 */
export function pauseMarkerKey(queuePrefix: string, provider: string): string {
  return `${queuePrefix}:pipeline:paused:${provider}`;
}

/**
 * Redis key of a provider without a balance endpoint resumed to probe its credits (one call tried
 * after CREDIT_PROBE_AFTER_MS): it keeps the pause the probe lifted, so that a refusal pauses it
 * again as the same outage (its `since`), and goes once a call is answered (the credits are back).
 */
export function probeMarkerKey(queuePrefix: string, provider: string): string {
  return `${queuePrefix}:pipeline:probing:${provider}`;
}

/** The lease one recovery sweep at a time holds (see RequestRecovery). */
export function recoveryLeaseKey(queuePrefix: string): string {
  return `${queuePrefix}:pipeline:recovery-lease`;
}

/**
 * Redis key keeping where the worker's recovery sweep stopped in one of its scans (`requests`,
 * `steps`), so that the next tick, on whichever replica, carries on from there.
 */
export function recoveryScanKey(queuePrefix: string, scan: string): string {
  return `${queuePrefix}:pipeline:recovery-scan:${scan}`;
}

/** Key prefix of the providers' credit wallets (balance, reservations), shared by every app. */
export function creditWalletPrefix(queuePrefix: string): string {
  return `${queuePrefix}:pipeline:credits`;
}

/**
 * Key prefix of the providers' rate windows: every call to a provider on the platform's account (a
 * worker's, the credit monitor's balance reads) takes its slot there, under these keys.
 */
export function providerRateLimitPrefix(queuePrefix: string): string {
  return `${queuePrefix}:pipeline:rate`;
}

/** Key prefix of the providers' circuit breakers (shared by every replica; the gateway reads them). */
export function circuitBreakerPrefix(queuePrefix: string): string {
  return `${queuePrefix}:pipeline:circuit`;
}

/** What a pause marker holds. An operator's pause (`manual`) is lifted only by an operator. */
export interface PauseRecord {
  /** When the outage began: a pause after a probe that failed keeps its first pause's. */
  since: number;
  reason: string;
  manual?: boolean;
  /** When this pause was made, when later than `since` (after a probe that failed). */
  pausedAt?: number;
}

/** The job scheduler id of a batch's re-enrichment tick (one per batch, so each batch is isolated). */
export function batchRefreshSchedulerId(batchId: string): string {
  return `${JOB_NAMES.batchRefresh}:${batchId}`;
}

/** The pipeline's event stream key (see {@link PIPELINE_EVENTS_STREAM}). */
export function pipelineEventsKey(queuePrefix: string): string {
  return `${queuePrefix}:pipeline:${PIPELINE_EVENTS_STREAM}`;
}

/** How long a cancel marker is kept: longer than any step can wait to be called. */
export const CANCEL_MARKER_TTL_S = 7 * 24 * 3600;
export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

/** Providers whose adapter and worker exist: their queues are registered, shown in Bull Board and planned onto. */
export const ACTIVE_PROVIDERS: readonly ProviderName[] = PROVIDER_NAMES;

export const ACTIVE_QUEUE_NAMES: readonly string[] = [
  QUEUE_NAMES.enrichment,
  QUEUE_NAMES.callbacks,
  ...ACTIVE_PROVIDERS.flatMap(stepQueueNames),
];
