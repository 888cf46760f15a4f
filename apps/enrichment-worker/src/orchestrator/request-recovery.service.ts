import { getQueueToken, InjectQueue } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkerConfig } from '@sluice/config';
import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import {
  JOB_NAMES,
  JOB_OPTIONS,
  JOB_PRIORITY,
  JobSchedulerKeeper,
  planJobOptions,
  providerQueueName,
  QUEUE_NAMES,
  type EnrichmentPlanPayload,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource, LessThan } from 'typeorm';

const SWEEP_BATCH = 500;

/**
 * The gateway commits a request before it enqueues the request's plan job. A crash or a Redis
 * failure between the two would strand the request in `queued`; so would a plan job that used up
 * its attempts during an outage. This sweep, run by a BullMQ job scheduler (once per tick across
 * all worker replicas), enqueues the first kind again and retries the second. The plan job id
 * derives from the request id, so a request whose job is still waiting is not planned twice.
 * When Redis loses its data, the scheduler is put back (see {@link JobSchedulerKeeper}) and the
 * sweep enqueues again, from PostgreSQL, every request and step whose job was lost with it.
 */
@Injectable()
export class RequestRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RequestRecovery.name);
  private keeper: JobSchedulerKeeper | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment)
    private readonly queue: Queue<EnrichmentPlanPayload | Record<string, never>>,
    private readonly config: WorkerConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.keeper = new JobSchedulerKeeper(
      this.queue as Queue,
      [
        {
          id: JOB_NAMES.enrichmentRecover,
          repeat: { every: this.config.requestRecoveryIntervalMs },
          template: {
            name: JOB_NAMES.enrichmentRecover,
            data: {},
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
          },
        },
      ],
      { log: (level, entry) => this.logger[level](entry) },
    );
    await this.keeper.start();
  }

  onApplicationShutdown(): void {
    this.keeper?.stop();
  }

  /** Re-enqueues stranded requests; returns how many were enqueued. */
  async sweep(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.requestRecoveryAfterMs);
    const stranded = await this.dataSource.getRepository(EnrichmentRequest).find({
      select: { id: true, workspaceId: true, correlationId: true, priority: true },
      where: { status: 'queued', createdAt: LessThan(cutoff) },
      order: { createdAt: 'ASC' },
      take: SWEEP_BATCH,
    });
    let enqueued = 0;
    for (const request of stranded) {
      const job = await this.queue.getJob(`plan-${request.id}`);
      if (job) {
        // A plan that ran out of attempts (e.g. through a long outage) while its request still
        // waits: run it again. A request the plan refused is no longer `queued`.
        if (await job.isFailed()) {
          await job.retry('failed');
          enqueued += 1;
        }
        continue;
      }
      await this.queue.add(
        JOB_NAMES.enrichmentPlan,
        { requestId: request.id, workspaceId: request.workspaceId, correlationId: request.correlationId },
        planJobOptions(request.id, request.priority),
      );
      enqueued += 1;
    }
    enqueued += await this.unstickRunning(cutoff);
    enqueued += await this.requeueLostSteps(cutoff);
    if (enqueued > 0) {
      this.logger.warn({ msg: 're-enqueued stranded requests', count: enqueued });
    }
    return enqueued;
  }

  /**
   * A worker killed between settling a step and planning the next leaves its request `running`
   * with nothing pending: plan it again (the orchestrator is idempotent under its row lock).
   */
  private async unstickRunning(cutoff: Date): Promise<number> {
    const rows = await this.dataSource.query<
      {
        id: string;
        workspace_id: string;
        correlation_id: string;
        priority: 'interactive' | 'bulk';
        updated_at: Date;
      }[]
    >(
      `SELECT r.id, r.workspace_id, r.correlation_id, r.priority, r.updated_at
         FROM enrichment_requests r
        WHERE r.status = 'running' AND r.updated_at < $1
          AND NOT EXISTS (SELECT 1 FROM enrichment_steps s WHERE s.request_id = r.id AND s.state = 'pending')
          AND NOT EXISTS (SELECT 1 FROM enrichment_steps s WHERE s.request_id = r.id AND s.completed_at >= $1)
        ORDER BY r.updated_at
        LIMIT ${SWEEP_BATCH}`,
      [cutoff],
    );
    for (const row of rows) {
      await this.queue.add(
        JOB_NAMES.enrichmentPlan,
        { requestId: row.id, workspaceId: row.workspace_id, correlationId: row.correlation_id },
        { ...planJobOptions(row.id, row.priority), jobId: `replan-${row.id}-${Date.now()}` },
      );
    }
    return rows.length;
  }

  /** A pending step whose job is gone (removed, or failed for good through an outage) gets it back. */
  private async requeueLostSteps(cutoff: Date): Promise<number> {
    const steps = await this.dataSource.getRepository(EnrichmentStep).find({
      where: { state: 'pending', createdAt: LessThan(cutoff) },
      order: { createdAt: 'ASC' },
      take: SWEEP_BATCH,
    });
    let requeued = 0;
    for (const step of steps) {
      const queue = this.moduleRef.get<Queue>(
        getQueueToken(providerQueueName(step.provider as ProviderName)),
        {
          strict: false,
        },
      );
      const job = await queue.getJob(`step-${step.id}`);
      if (job && (await job.isFailed())) {
        await job.retry('failed');
        requeued += 1;
      } else if (!job) {
        const request = await this.dataSource
          .getRepository(EnrichmentRequest)
          .findOne({ select: { correlationId: true, priority: true }, where: { id: step.requestId } });
        await queue.add(
          JOB_NAMES.providerStep,
          {
            stepId: step.id,
            requestId: step.requestId,
            workspaceId: step.workspaceId,
            correlationId: request?.correlationId ?? '',
          },
          {
            ...JOB_OPTIONS[JOB_NAMES.providerStep],
            jobId: `step-${step.id}`,
            priority: JOB_PRIORITY[request?.priority ?? 'bulk'],
          },
        );
        requeued += 1;
      }
    }
    return requeued;
  }
}
