import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { WorkerConfig } from '@sluice/config';
import { JOB_NAMES, QUEUE_NAMES, type EnrichmentPlanPayload } from '@sluice/queue';
import type { Job } from 'bullmq';
import { WorkerRegistry } from '../ops/worker-registry';
import { WorkerMetrics } from '../ops/worker-metrics';
import { CreditGate } from '../pipeline/credit-gate';
import { Orchestrator, type AdvanceResult } from '../pipeline/orchestrator';
import { WebhookCompletion } from '../pipeline/webhook-completion';
import { CallbackSender } from '../pipeline/callback-sender';
import { RequestRecovery } from './request-recovery.service';

/**
 * The orchestrator queue: plans (and re-plans) requests into provider steps, and runs the
 * pipeline's periodic jobs (recovery sweep, credit sync), each a BullMQ job scheduler, and applies
 * provider callbacks the webhook receiver stored.
 */
@Processor(QUEUE_NAMES.enrichment)
export class PlanProcessor extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(PlanProcessor.name);

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly registry: WorkerRegistry,
    private readonly metrics: WorkerMetrics,
    private readonly recovery: RequestRecovery,
    private readonly gate: CreditGate,
    private readonly webhooks: WebhookCompletion,
    private readonly callbacks: CallbackSender,
    private readonly config: WorkerConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.registry.register(QUEUE_NAMES.enrichment, this.worker);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.orchestratorConcurrency;
  }

  async process(job: Job<EnrichmentPlanPayload>): Promise<AdvanceResult | { recovered: number } | object> {
    try {
      let result: AdvanceResult | { recovered: number } | object;
      if (job.name === JOB_NAMES.enrichmentRecover) {
        result = { recovered: await this.recovery.sweep() };
      } else if (job.name === JOB_NAMES.creditsSync) {
        // `all`: an operator asked for every balance now (POST /v1/admin/credits/check).
        result = await this.gate.sync((job.data as { all?: boolean }).all === true);
      } else if (job.name === JOB_NAMES.callbackDeliver) {
        const data = job.data as unknown as { requestId: string; workspaceId: string };
        result = await this.callbacks.deliver(data.requestId, data.workspaceId, job.attemptsMade + 1);
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
