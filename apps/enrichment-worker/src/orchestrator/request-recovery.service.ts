import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkerConfig } from '@sluice/config';
import { EnrichmentRequest } from '@sluice/db';
import { JOB_NAMES, planJobOptions, QUEUE_NAMES, type EnrichmentPlanPayload } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource, LessThan } from 'typeorm';

const SWEEP_BATCH = 500;

/**
 * The gateway commits a request before it enqueues the request's plan job. A crash or a Redis
 * failure between the two would strand the request in `queued`; so would a plan job that used up
 * its attempts during an outage. This sweep, run by a BullMQ job scheduler (once per tick across
 * all worker replicas), enqueues the first kind again and retries the second. The plan job id
 * derives from the request id, so a request whose job is still waiting is not planned twice.
 */
@Injectable()
export class RequestRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger(RequestRecovery.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment)
    private readonly queue: Queue<EnrichmentPlanPayload | Record<string, never>>,
    private readonly config: WorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JOB_NAMES.enrichmentRecover,
      { every: this.config.requestRecoveryIntervalMs },
      {
        name: JOB_NAMES.enrichmentRecover,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
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
    if (enqueued > 0) {
      this.logger.warn({ msg: 're-enqueued stranded requests', count: enqueued });
    }
    return enqueued;
  }
}
