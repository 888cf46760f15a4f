import type { JOB_NAMES } from './names';

/** The plan job carries ids only; the request lives in PostgreSQL. */
export interface EnrichmentPlanPayload {
  requestId: string;
  workspaceId: string;
  /** Carried into every log line of the job. */
  correlationId: string;
}

export interface ProviderStepPayload {
  stepId: string;
  requestId: string;
  workspaceId: string;
  correlationId: string;
  /**
   * Set by the worker: since when (epoch ms) the step has waited for credits that calls in flight
   * hold (its provider's balance pays, their reservations leave too little).
   */
  creditsWaitSince?: number;
  /**
   * Set by the worker: since when (epoch ms) the step has waited for its workspace's quota that
   * other steps in flight hold (the month's allowance pays, their reservations leave too little).
   */
  quotaWaitSince?: number;
  /**
   * Set by the worker: since when (epoch ms) the step has been held by its workspace's used-up
   * quota (policy `hold`), until the quota resets, is raised or is removed.
   */
  quotaHeldSince?: number;
}

/** A scheduled batch's re-enrichment tick: the batch, scoped by its workspace. */
export interface BatchRefreshPayload {
  batchId: string;
  workspaceId: string;
}

/** A delivery of a finished request's result to its callback URL (callbacks queue). */
export interface CallbackDeliverPayload {
  requestId: string;
  workspaceId: string;
}

/** A retention run (credit-monitor queue): by the nightly job scheduler or started by an operator. */
export interface RetentionRunPayload {
  trigger: 'schedule' | 'manual';
}

/** Job name → payload type, shared by producers and consumers so a wrong payload fails to compile. */
export interface JobPayloads {
  [JOB_NAMES.enrichmentPlan]: EnrichmentPlanPayload;
  [JOB_NAMES.providerStep]: ProviderStepPayload;
  [JOB_NAMES.enrichmentRecover]: Record<string, never>;
  [JOB_NAMES.creditsSync]: Record<string, never>;
  [JOB_NAMES.batchRefresh]: BatchRefreshPayload;
  [JOB_NAMES.retentionRun]: RetentionRunPayload;
  [JOB_NAMES.callbackDeliver]: CallbackDeliverPayload;
}
