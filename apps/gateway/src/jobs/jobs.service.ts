import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DependencyUnavailableError } from '@sluice/platform';
import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import type { RequestInput, RequestType } from '@sluice/enrichment';
import { JOB_NAMES, JOB_OPTIONS, JOB_PRIORITY, QUEUE_NAMES, type EnrichmentPlanPayload } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/request-context';
import { toJobView, type JobView } from './job-view';

export interface NewJob {
  type: RequestType;
  input: RequestInput;
  priority: 'interactive' | 'bulk';
  callbackUrl: string | null;
}

@Injectable()
export class JobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue<EnrichmentPlanPayload>,
  ) {}

  /**
   * Records the request and enqueues its planning in one transaction: if Redis refuses the job,
   * the row is rolled back, so a request is never stored without the work that completes it.
   */
  async create(caller: Caller, job: NewJob, correlationId: string): Promise<{ id: string; status: string }> {
    const client = await this.planQueue.client;
    if (client.status !== 'ready') {
      // Fail before touching PostgreSQL: the caller retries, nothing is half-written.
      throw new DependencyUnavailableError('redis');
    }
    return this.dataSource.transaction(async (manager) => {
      const request = await manager.getRepository(EnrichmentRequest).save(
        manager.getRepository(EnrichmentRequest).create({
          workspaceId: caller.workspaceId,
          apiKeyId: caller.apiKeyId,
          type: job.type,
          input: { ...job.input },
          priority: job.priority,
          status: 'queued',
          callbackUrl: job.callbackUrl,
          correlationId,
        }),
      );
      await this.planQueue.add(
        JOB_NAMES.enrichmentPlan,
        { requestId: request.id, workspaceId: caller.workspaceId, correlationId },
        {
          ...JOB_OPTIONS[JOB_NAMES.enrichmentPlan],
          jobId: `plan-${request.id}`,
          priority: JOB_PRIORITY[job.priority],
        },
      );
      return { id: request.id, status: request.status };
    });
  }

  /** Another workspace's job is indistinguishable from a missing one. */
  async get(caller: Caller, id: string): Promise<JobView> {
    const request = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOneBy({ id, workspaceId: caller.workspaceId });
    if (!request) {
      throw new NotFoundException(`No job ${id} in this workspace.`);
    }
    const steps = await this.dataSource
      .getRepository(EnrichmentStep)
      .findBy({ requestId: id, workspaceId: caller.workspaceId });
    return toJobView(request, steps);
  }
}
