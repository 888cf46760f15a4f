import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { CallbackConfig } from '@sluice/config';
import {
  callbackJobOptions,
  JOB_NAMES,
  QUEUE_NAMES,
  type BatchRefreshPayload,
  type CallbackDeliverPayload,
  type EnrichmentPlanPayload,
} from '@sluice/queue';
import type { Job, Queue } from 'bullmq';
import { WorkerMetrics } from '../ops/worker-metrics';
import { CreditGate } from '../pipeline/credit-gate';
import { Orchestrator, type AdvanceResult } from '../pipeline/orchestrator';
import { PausedStepReroute } from '../pipeline/paused-reroute';
import { WebhookCompletion } from '../pipeline/webhook-completion';
import { CallbackSender } from '../pipeline/callback-sender';
import { RequestRecovery } from './request-recovery.service';
import { BatchRefresh } from './batch-refresh.service';

/**
 * The orchestrator queue's handler: plans (and re-plans) requests into provider steps, runs the
 * pipeline's periodic jobs (recovery sweep, credit sync, scheduled batch refreshes), each a BullMQ job scheduler, applies
 * provider callbacks the webhook receiver stored and delivers callbacks upstream. Its worker is
 * built with the provider workers ({@link ProviderWorkers}), with the same lock and stalled-job
 * settings, so a job a killed worker left active is taken up as soon as a provider step would be.
 */
@Injectable()
export class PlanProcessor {
  private readonly logger = new Logger(PlanProcessor.name);

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly metrics: WorkerMetrics,
    private readonly recovery: RequestRecovery,
    private readonly gate: CreditGate,
    private readonly reroute: PausedStepReroute,
    private readonly webhooks: WebhookCompletion,
    private readonly callbacks: CallbackSender,
    private readonly batches: BatchRefresh,
    private readonly callbackConfig: CallbackConfig,
    @InjectQueue(QUEUE_NAMES.callbacks) private readonly callbackQueue: Queue<CallbackDeliverPayload>,
  ) {}

  /** A delivery of the callbacks queue: a finished request's result, to its callback URL. */
  async deliverCallback(job: Job<CallbackDeliverPayload>): Promise<object> {
    try {
      const result = await this.deliver(job);
      this.metrics.jobs.inc({ queue: QUEUE_NAMES.callbacks, outcome: 'ok' });
      return result;
    } catch (error) {
      this.metrics.jobs.inc({ queue: QUEUE_NAMES.callbacks, outcome: 'error' });
      throw error;
    }
  }

  /**
   * Deliveries have a queue of their own (see QUEUE_NAMES.callbacks). One queued on the enrichment
   * queue by an earlier version moves there under its job id, which derives from the request (see
   * `callbackJobOptions`): a path that announced the same request on the callbacks queue since the
   * upgrade, or does so later, sends it once between them, as BullMQ ignores the second add of an id.
   * Delivered here, it went a second time.
   */
  private async moveToCallbacks(job: Job<CallbackDeliverPayload>): Promise<object> {
    const { requestId, workspaceId } = job.data;
    const moved = await this.callbackQueue.add(
      JOB_NAMES.callbackDeliver,
      { requestId, workspaceId },
      {
        ...callbackJobOptions(requestId, this.callbackConfig),
        jobId: job.id,
      },
    );
    return { movedTo: QUEUE_NAMES.callbacks, jobId: moved.id };
  }

  private deliver(job: Job<CallbackDeliverPayload>): Promise<object> {
    return this.callbacks.deliver(
      job.data.requestId,
      job.data.workspaceId,
      job.attemptsMade + 1,
      new Date(job.timestamp),
    );
  }

  async process(job: Job<EnrichmentPlanPayload>): Promise<AdvanceResult | { recovered: number } | object> {
    try {
      let result: AdvanceResult | { recovered: number } | object;
      if (job.name === JOB_NAMES.enrichmentRecover) {
        const recovered = await this.recovery.sweep();
        result = recovered === null ? { skipped: 'another recovery sweep is running' } : { recovered };
      } else if (job.name === JOB_NAMES.batchRefresh) {
        result = await this.batches.refresh(job.data as unknown as BatchRefreshPayload);
      } else if (job.name === JOB_NAMES.creditsSync) {
        // `all`: an operator asked for every balance now (POST /v1/admin/credits/check).
        const synced = await this.gate.sync((job.data as { all?: boolean }).all === true);
        // Still paused for credits: what was queued to them since (or before a pause the credit
        // monitor made) and may not wait moves on.
        const rerouted = await Promise.all(synced.paused.map((provider) => this.reroute.sweep(provider)));
        result = { ...synced, rerouted: rerouted.reduce((sum, moved) => sum + moved, 0) };
      } else if (job.name === JOB_NAMES.callbackDeliver) {
        result = await this.moveToCallbacks(job as Job<CallbackDeliverPayload>);
      } else if (job.name === JOB_NAMES.webhookProcess) {
        result = await this.webhooks.apply((job.data as unknown as { eventId: string }).eventId);
      } else {
        const { requestId, workspaceId, correlationId } = job.data;
        result = await this.orchestrator.advance(requestId, workspaceId, correlationId);
        this.logger.debug({ msg: 'advanced', requestId, correlationId, jobId: job.id, ...result });
      }
      this.metrics.jobs.inc({ queue: QUEUE_NAMES.enrichment, outcome: 'ok' });
      return result;
    } catch (error) {
      this.metrics.jobs.inc({ queue: QUEUE_NAMES.enrichment, outcome: 'error' });
      throw error;
    }
  }
}
