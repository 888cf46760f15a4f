import type { JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';

/** One job scheduler as its owner declares it: what `Queue.upsertJobScheduler` takes. */
export interface KeptScheduler {
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; data: unknown; opts?: JobSchedulerTemplateOptions };
}

export interface JobSchedulerKeeperOptions {
  /**
   * How often the keeper looks for its schedulers in Redis (one read per scheduler).
   * @defaultValue 5000
   */
  checkEveryMs?: number;
  /**
   * Called after a check had to put a scheduler back, which means Redis lost its data: e.g. to read
   * again what was kept there beside the scheduler.
   */
  onRestored?: (ids: string[]) => Promise<void>;
  /** Where a failed check or a restore is reported. */
  log?: (level: 'warn' | 'debug', entry: Record<string, unknown>) => void;
}

/** The schedulers to keep: a fixed list, or one read afresh at every check (from PostgreSQL, say). */
export type KeptSchedulers = readonly KeptScheduler[] | (() => Promise<readonly KeptScheduler[]>);

/**
 * Keeps a process's BullMQ job schedulers in Redis. BullMQ keeps a scheduler only there, and adds
 * its next job when the current one runs: once Redis loses its data (restarted without
 * persistence, a failover to a replica that missed the last writes, a FLUSHALL), the scheduler is
 * gone and nothing would ever add it back until the process restarts. So the keeper upserts them at
 * start, then checks every few seconds that each is still there and upserts the missing ones
 * (an upsert is idempotent: replicas that both restore one leave one scheduler). A list read at
 * each check (the schedules of records in the database) is only checked, not upserted at start: its
 * schedulers were made when their records were, and an upsert ticks an `every` scheduler at once.
 */
export class JobSchedulerKeeper {
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly queue: Queue,
    private readonly schedulers: KeptSchedulers,
    private readonly options: JobSchedulerKeeperOptions = {},
  ) {}

  /** Upserts every scheduler, then keeps them. */
  async start(): Promise<void> {
    if (typeof this.schedulers !== 'function') {
      for (const scheduler of this.schedulers) {
        await this.upsert(scheduler);
      }
    }
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Puts back the schedulers Redis no longer has; returns their ids. */
  async check(): Promise<string[]> {
    if (this.checking) {
      return [];
    }
    this.checking = true;
    const restored: string[] = [];
    try {
      const schedulers = typeof this.schedulers === 'function' ? await this.schedulers() : this.schedulers;
      for (const scheduler of schedulers) {
        // A scheduler that does not exist may still answer, with neither interval nor pattern.
        const kept = await this.queue.getJobScheduler(scheduler.id);
        if (!kept?.every && !kept?.pattern) {
          await this.upsert(scheduler);
          restored.push(scheduler.id);
        }
      }
      if (restored.length > 0) {
        this.options.log?.('warn', {
          msg: 'job schedulers were missing from Redis (lost with its data, or never made): restored',
          queue: this.queue.name,
          schedulers: restored,
        });
        await this.options.onRestored?.(restored);
      }
    } catch (error) {
      // Redis away: the next check tries again.
      this.options.log?.('debug', {
        msg: 'job scheduler check failed',
        queue: this.queue.name,
        error: String(error),
      });
    } finally {
      this.checking = false;
    }
    return restored;
  }

  private async upsert(scheduler: KeptScheduler): Promise<void> {
    await this.queue.upsertJobScheduler(scheduler.id, scheduler.repeat, scheduler.template);
  }
}
