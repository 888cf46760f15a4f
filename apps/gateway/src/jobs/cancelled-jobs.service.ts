import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { CoreConfig } from '@sluice/config';
import type { ReleasedHold } from '@sluice/db';
import { forgetQuotaHolds, markCancelled, publishJobsChanged, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CancelledCallbacks } from '../callbacks/cancelled-callbacks.service';

/** A job the gateway has just cancelled (the update committed). */
export interface CancelledJob {
  id: string;
  callback_url: string | null;
}

/**
 * What follows every cancellation the gateway commits — one job, a batch, a refused import — in
 * one place, so the three cannot drift apart. Each part is best effort: the cancellation stands in
 * PostgreSQL whatever Redis answers, and each miss is covered by a slower path (noted below).
 */
@Injectable()
export class CancelledJobs {
  private readonly logger = new Logger(CancelledJobs.name);

  constructor(
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue,
    private readonly core: CoreConfig,
    private readonly callbacks: CancelledCallbacks,
  ) {}

  /**
   * `context` names what was cancelled in the log lines (`{ id }`, `{ batchId }`, `{ importId }`).
   */
  async announce(
    workspaceId: string,
    jobs: readonly CancelledJob[],
    held: readonly ReleasedHold[],
    context: Record<string, string>,
  ): Promise<void> {
    if (jobs.length === 0) {
      return;
    }
    const ids = jobs.map((job) => job.id);
    // BullMQ types its connection minimally; it is the ioredis client the queue was given.
    const client = (await this.planQueue.client) as unknown as Redis;
    // A step a worker already took checks this marker right before it calls its provider. Without
    // it the cancellation still holds: workers re-read a request's status before calling once their
    // read of it is a second old.
    await markCancelled(client, this.core.queuePrefix, ids).catch((error: unknown) =>
      this.logger.warn({ msg: 'cancel markers not set', ...context, error: String(error) }),
    );
    // A step its quota held waits no more: a raise of the quota no longer wakes it. Left behind,
    // its record goes at the step's next look instead.
    await forgetQuotaHolds(client, this.core.queuePrefix, workspaceId, held).catch((error: unknown) =>
      this.logger.warn({ msg: 'quota holds not forgotten', ...context, error: String(error) }),
    );
    await this.callbacks.announce(
      jobs.filter((job) => job.callback_url !== null).map((job) => ({ id: job.id, workspaceId })),
    );
    // Event streams open on these jobs (on any gateway) read them again now, not at their next
    // 5 s re-read.
    await publishJobsChanged(client, this.core.queuePrefix, ids);
  }
}
