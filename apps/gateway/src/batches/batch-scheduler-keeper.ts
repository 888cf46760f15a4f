import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import {
  batchRefreshSchedulerId,
  JOB_NAMES,
  JobSchedulerKeeper,
  QUEUE_NAMES,
  type BatchRefreshPayload,
  type KeptScheduler,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

/** A scheduled batch's job scheduler (its first tick is at once). */
export function batchScheduler(tickMs: number, workspaceId: string, batchId: string): KeptScheduler {
  return {
    id: batchRefreshSchedulerId(batchId),
    repeat: { every: tickMs },
    template: {
      name: JOB_NAMES.batchRefresh,
      data: { batchId, workspaceId } satisfies BatchRefreshPayload,
      opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } },
    },
  };
}

/**
 * Keeps every scheduled batch's job scheduler in Redis. The schedule is PostgreSQL's (`batches.schedule`),
 * the scheduler only Redis's: one lost with Redis's data (restarted without persistence, a failover
 * to a replica that missed the last writes, a FLUSHALL), or never made (Redis refused it after the
 * schedule was written), would leave the batch scheduled and never refreshed. So every
 * BATCH_SCHEDULE_CHECK_MS a {@link JobSchedulerKeeper} reads the scheduled batches that are not
 * cancelled and upserts the scheduler of each one Redis lacks. A batch cancelled meanwhile gets a
 * scheduler whose first tick finds it cancelled and removes it.
 */
@Injectable()
export class BatchSchedulerKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BatchSchedulerKeeper.name);
  private readonly keeper: JobSchedulerKeeper;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) queue: Queue,
    private readonly config: GatewayConfig,
  ) {
    this.keeper = new JobSchedulerKeeper(queue, () => this.scheduled(), {
      checkEveryMs: config.batchScheduleCheckMs,
      log: (level, entry) => this.logger[level](entry),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.keeper.start();
  }

  onApplicationShutdown(): void {
    this.keeper.stop();
  }

  /** The schedulers the scheduled batches should have (maintenance across workspaces: each its batch's). */
  private async scheduled(): Promise<KeptScheduler[]> {
    const batches = await this.dataSource.query<{ id: string; workspace_id: string }[]>(
      `SELECT id, workspace_id FROM batches
        WHERE cancelled_at IS NULL AND jsonb_typeof(schedule) = 'object'
        ORDER BY created_at`,
    );
    return batches.map((batch) =>
      batchScheduler(this.config.batchRefreshTickMs, batch.workspace_id, batch.id),
    );
  }
}
