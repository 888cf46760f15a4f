import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import { batchRefreshSchedulerId, JOB_NAMES, QUEUE_NAMES, type BatchRefreshPayload } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

/** Sets (or replaces) a scheduled batch's job scheduler; its first tick is at once. */
export async function upsertBatchScheduler(
  queue: Queue,
  tickMs: number,
  workspaceId: string,
  batchId: string,
): Promise<void> {
  await queue.upsertJobScheduler(
    batchRefreshSchedulerId(batchId),
    { every: tickMs },
    {
      name: JOB_NAMES.batchRefresh,
      data: { batchId, workspaceId } satisfies BatchRefreshPayload,
      opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } },
    },
  );
}

/**
 * Keeps every scheduled batch's job scheduler in Redis. The schedule is PostgreSQL's (`batches.schedule`),
 * the scheduler only Redis's: one lost with Redis's data (restarted without persistence, a failover
 * to a replica that missed the last writes, a FLUSHALL), or never made (Redis refused it after the
 * schedule was written), would leave the batch scheduled and never refreshed. So every
 * BATCH_SCHEDULE_CHECK_MS the gateway reads the scheduled batches that are not cancelled and
 * upserts the scheduler of each one Redis lacks. Replicas doing the same leave one scheduler (an
 * upsert is idempotent); a batch cancelled meanwhile gets a scheduler whose first tick finds it
 * cancelled and removes it. (JobSchedulerKeeper keeps a fixed list; this list is the database's.)
 */
@Injectable()
export class BatchSchedulerKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BatchSchedulerKeeper.name);
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.config.batchScheduleCheckMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Puts back the schedulers Redis lacks; returns the ids of their batches. */
  async check(): Promise<string[]> {
    if (this.checking) {
      return [];
    }
    this.checking = true;
    const restored: string[] = [];
    try {
      // Maintenance across workspaces: each scheduler is made for its batch's own workspace.
      const scheduled = await this.dataSource.query<{ id: string; workspace_id: string }[]>(
        `SELECT id, workspace_id FROM batches
          WHERE cancelled_at IS NULL AND jsonb_typeof(schedule) = 'object'
          ORDER BY created_at`,
      );
      for (const batch of scheduled) {
        // A scheduler that does not exist still answers, with no interval.
        const scheduler = await this.queue.getJobScheduler(batchRefreshSchedulerId(batch.id));
        if (!scheduler?.every) {
          await upsertBatchScheduler(
            this.queue,
            this.config.batchRefreshTickMs,
            batch.workspace_id,
            batch.id,
          );
          restored.push(batch.id);
        }
      }
      if (restored.length > 0) {
        this.logger.warn({
          msg: 'scheduled batches had no job scheduler in Redis (lost with its data, or never made): restored',
          batches: restored,
        });
      }
    } catch (error) {
      // Redis or PostgreSQL away: the next check tries again.
      this.logger.debug({ msg: 'batch scheduler check failed', error: String(error) });
    } finally {
      this.checking = false;
    }
    return restored;
  }
}
