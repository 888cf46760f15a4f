import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, WorkerConfig } from '@sluice/config';
import { ACTIVE_QUEUE_NAMES } from '@sluice/queue';
import { DataSource } from 'typeorm';
import { WorkerRegistry } from './worker-registry';

/** How long the check's `SELECT 1` may take before it counts as unanswered (ms). */
const CHECK_DEADLINE_MS = 1_500;

/** What a check found: an answer, a failure, or no answer within its deadline. */
type Verdict = 'up' | 'down' | 'slow';

/**
 * Pauses this process's workers while PostgreSQL is unreachable (jobs wait in Redis instead of
 * burning their attempts) and resumes them when it answers again. Redis outages need no help:
 * BullMQ workers on a `maxRetriesPerRequest: null` connection wait and resume by themselves.
 * Also refuses to start when an active queue has no worker.
 *
 * A check that failed (refused, reset, terminated) pauses at once. One that only went unanswered
 * for {@link CHECK_DEADLINE_MS} does not: on a busy host, opening a new connection may take up to
 * `DATABASE_CONNECT_TIMEOUT_MS`, and pausing would stop work for a database that is merely slow.
 * Checks that keep going unanswered for longer than that (a network gone silent) pause as well.
 */
@Injectable()
export class DependencyWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DependencyWatchdog.name);
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private checking = false;
  /** When the first of the checks that have gone unanswered since the last answer was sent. */
  private slowSince: number | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkerRegistry,
    private readonly config: WorkerConfig,
    private readonly core: CoreConfig,
  ) {}

  onApplicationBootstrap(): void {
    const missing = ACTIVE_QUEUE_NAMES.filter((name) => !this.registry.queueNames().includes(name));
    if (missing.length > 0) {
      throw new Error(
        `No processor for queue(s) ${missing.join(', ')}: give each a worker in ProviderWorkers.`,
      );
    }
    this.timer = setInterval(() => void this.check(), this.config.dependencyCheckIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  async check(): Promise<void> {
    if (this.checking) {
      return;
    }
    this.checking = true;
    try {
      const sent = Date.now();
      const verdict = await this.databaseAnswers();
      if (verdict === 'slow') {
        this.slowSince ??= sent;
        if (Date.now() - this.slowSince < this.core.databaseConnectTimeoutMs) {
          // Not yet decided either way: the workers stay as they are.
          return;
        }
      } else {
        this.slowSince = null;
      }
      const healthy = verdict === 'up';
      if (!healthy && !this.paused) {
        this.paused = true;
        this.logger.warn({
          msg: 'PostgreSQL is unreachable: pausing workers until it is back.',
          reason: verdict === 'slow' ? `no answer for ${Date.now() - (this.slowSince ?? sent)} ms` : 'failed',
        });
        await Promise.all(this.registry.all().map((worker) => worker.pause(true)));
      } else if (healthy && this.paused) {
        this.paused = false;
        this.logger.log('PostgreSQL is back: resuming workers.');
        for (const worker of this.registry.all()) {
          worker.resume();
        }
      } else if (healthy) {
        this.restartStoppedWorkers();
      }
    } finally {
      this.checking = false;
    }
  }

  /**
   * A worker paused without waiting for its active jobs can end its main loop just after a quick
   * `resume()` (BullMQ resumes only a loop that is still running or already stopped): it then sits
   * idle, neither paused nor running, and its jobs wait forever. Restart any such worker.
   */
  private restartStoppedWorkers(): void {
    for (const worker of this.registry.all()) {
      if (!worker.isRunning() && !worker.isPaused() && !worker.closing) {
        this.logger.warn({ msg: 'restarting a worker whose loop had stopped', queue: worker.name });
        worker
          .run()
          .catch((error: unknown) =>
            this.logger.error({ msg: 'worker failed to restart', queue: worker.name, error: String(error) }),
          );
      }
    }
  }

  private async databaseAnswers(): Promise<Verdict> {
    let deadline: NodeJS.Timeout | undefined;
    const unanswered = Symbol('unanswered');
    try {
      const answer = await Promise.race([
        this.dataSource.query<unknown>('SELECT 1'),
        new Promise<typeof unanswered>((resolve) => {
          deadline = setTimeout(() => resolve(unanswered), CHECK_DEADLINE_MS);
        }),
      ]);
      if (answer !== unanswered) {
        return 'up';
      }
      // With every connection of the pool checked out (a burst of work, a stalled machine), the
      // check only waited in the pool's queue: those connections are in use, not gone, and pausing
      // the workers would stop the very work that frees them. An outage ends them (socket errors,
      // query_timeout), and the next check tells.
      return this.poolSaturated() ? 'up' : 'slow';
    } catch {
      // The same reading of a saturated pool as for a check that went unanswered.
      return this.poolSaturated() ? 'up' : 'down';
    } finally {
      // Left running, each check's deadline would hold the event loop for 1.5 s after the check:
      // a process closing its apps could not exit until the last one fired.
      clearTimeout(deadline);
    }
  }

  /** Whether the pool has no idle connection and may open no more (pg's Pool behind TypeORM). */
  private poolSaturated(): boolean {
    const pool = (
      this.dataSource as {
        driver?: { master?: { totalCount: number; idleCount: number; options: { max: number } } };
      }
    ).driver?.master;
    return pool !== undefined && pool.idleCount === 0 && pool.totalCount >= pool.options.max;
  }
}
