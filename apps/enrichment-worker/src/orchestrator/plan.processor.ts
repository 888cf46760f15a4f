import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { isSupportedRequestType, planRequest, type RequestInput } from '@sluice/enrichment';
import {
  JOB_NAMES,
  JOB_OPTIONS,
  JOB_PRIORITY,
  QUEUE_NAMES,
  providerQueueName,
  type EnrichmentPlanPayload,
  type ProviderName,
  type ProviderStepPayload,
} from '@sluice/queue';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { WorkerRegistry } from '../ops/worker-registry';
import { WorkerMetrics } from '../ops/worker-metrics';
import { RequestRecovery } from './request-recovery.service';

/**
 * Turns a request into its steps (idempotently: a retried plan job finds the steps it wrote) and
 * puts the first pending step on its provider's queue. Job ids derived from step ids make a second
 * enqueue of the same step a no-op.
 */
@Processor(QUEUE_NAMES.enrichment)
export class PlanProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(PlanProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly registry: WorkerRegistry,
    private readonly metrics: WorkerMetrics,
    private readonly recovery: RequestRecovery,
  ) {
    super();
  }

  onModuleInit(): void {
    this.registry.register(QUEUE_NAMES.enrichment, this.worker);
  }

  async process(
    job: Job<EnrichmentPlanPayload>,
  ): Promise<{ steps: number } | { skipped: string } | { recovered: number }> {
    if (job.name === JOB_NAMES.enrichmentRecover) {
      return { recovered: await this.recovery.sweep() };
    }
    const outcome = await this.plan(job).catch((error: unknown) => {
      this.metrics.jobs.inc({ queue: QUEUE_NAMES.enrichment, outcome: 'error' });
      throw error;
    });
    this.metrics.jobs.inc({ queue: QUEUE_NAMES.enrichment, outcome: 'ok' });
    return outcome;
  }

  private async plan(job: Job<EnrichmentPlanPayload>): Promise<{ steps: number } | { skipped: string }> {
    const { requestId, workspaceId, correlationId } = job.data;
    const requests = this.dataSource.getRepository(EnrichmentRequest);
    const request = await requests.findOneBy({ id: requestId, workspaceId });
    if (!request) {
      // The gateway deleted the request again because Redis refused this job: nothing to do.
      return { skipped: 'request not found' };
    }
    if (['completed', 'failed', 'cancelled'].includes(request.status)) {
      return { skipped: `request already ${request.status}` };
    }
    if (!isSupportedRequestType(request.type)) {
      await requests.update(
        { id: requestId },
        { status: 'failed', error: `unsupported request type ${request.type}` },
      );
      throw new UnrecoverableError(`unsupported request type ${request.type}`);
    }
    const planned = planRequest(request.type, request.input as unknown as RequestInput);
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(EnrichmentStep)
      .values(
        planned.map((step, seq) => ({
          requestId,
          workspaceId,
          seq,
          provider: step.provider,
          operation: step.operation,
        })),
      )
      .orIgnore()
      .execute();
    const next = await this.dataSource
      .getRepository(EnrichmentStep)
      .findOne({ where: { requestId, workspaceId, state: 'pending' }, order: { seq: 'ASC' } });
    if (!next) {
      return { skipped: 'no pending step' };
    }
    const queue = this.moduleRef.get<Queue<ProviderStepPayload>>(
      getQueueToken(providerQueueName(next.provider as ProviderName)),
      { strict: false },
    );
    await queue.add(
      JOB_NAMES.providerStep,
      { stepId: next.id, requestId, workspaceId, correlationId },
      {
        ...JOB_OPTIONS[JOB_NAMES.providerStep],
        jobId: `step-${next.id}`,
        priority: JOB_PRIORITY[request.priority],
      },
    );
    await requests.update({ id: requestId, status: 'queued' }, { status: 'running' });
    this.logger.log({ msg: 'planned', requestId, correlationId, steps: planned.length, jobId: job.id });
    return { steps: planned.length };
  }
}
