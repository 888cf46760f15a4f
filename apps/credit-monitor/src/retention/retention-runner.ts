import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditMonitorConfig } from '@sluice/config';
import { RETENTION_LOCK } from '@sluice/db';
import { DataSource } from 'typeorm';
import { AlertBook } from '../alerts/alert-book';
import { retentionTargets, type RetentionTarget } from './retention-policy';

export interface RetentionRunResult {
  /** The run's report row; null when the run did not start (see `skipped`). */
  runId: string | null;
  deleted: Record<string, number>;
  total: number;
  alertId: string | null;
  /** Why the run did not start: another run holds the retention lock. */
  skipped?: string;
}

/**
 * Deletes data past its retention (see {@link retentionTargets}) in small batches: each batch is one
 * statement deleting at most RETENTION_BATCH_ROWS rows picked by primary key, committed on its own,
 * so it holds row locks on those rows only and for milliseconds; readers are never blocked and
 * writers only on the rows being deleted. Cut-offs are fixed when the run starts, so a run ends
 * however fast new rows age. Each run leaves a `retention_runs` row; a run deleting more than
 * RETENTION_ALERT_ROWS rows raises an alert.
 *
 * Redis holds no copy past retention: the pipeline's result cache entries expire on their own TTLs
 * (hours to 30 days, all far shorter than any retention period), so the run leaves Redis alone.
 */
@Injectable()
export class RetentionRunner {
  private readonly logger = new Logger(RetentionRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertBook,
    private readonly config: CreditMonitorConfig,
  ) {}

  /**
   * One run at a time, across every credit monitor: a run holds a PostgreSQL advisory lock on its
   * own connection while it goes on, so a second run (a manual one during the nightly one) does not
   * start, and a run whose process died releases it with its connection. Whoever takes the lock
   * next therefore knows that a report row still `running` belongs to a dead run, and marks it
   * failed as interrupted rather than leaving it running for ever.
   */
  async run(trigger: 'schedule' | 'manual', now = new Date()): Promise<RetentionRunResult> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      // The lock's connection waits, idle, while the run deletes on others: a server that ends
      // idle sessions (`idle_session_timeout`, PostgreSQL 14+) would end it, and the lock with it,
      // within the run, leaving another run free to start and this one to fail at its unlock.
      await lock.query(
        "SELECT set_config('idle_session_timeout', '0', false) WHERE current_setting('server_version_num')::int >= 140000",
      );
      const [{ locked }] = (await lock.query('SELECT pg_try_advisory_lock($1) AS locked', [
        RETENTION_LOCK,
      ])) as { locked: boolean }[];
      if (!locked) {
        this.logger.warn({ msg: 'retention run not started: another run is in progress', trigger });
        return {
          runId: null,
          deleted: {},
          total: 0,
          alertId: null,
          skipped: 'another retention run is in progress',
        };
      }
      try {
        const interrupted = await this.dataSource.query<{ id: string }[]>(
          `UPDATE retention_runs
              SET status = 'failed', finished_at = now(),
                  error = 'interrupted: the process running it stopped before it finished; the next run went on'
            WHERE status = 'running'
        RETURNING id`,
        );
        // TypeORM hands an UPDATE … RETURNING back as [rows, count].
        const ids = (Array.isArray(interrupted[0]) ? interrupted[0] : interrupted) as { id: string }[];
        if (ids.length > 0) {
          this.logger.warn({ msg: 'retention runs marked interrupted', runIds: ids.map((row) => row.id) });
        }
        return await this.runLocked(trigger, now);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      await lock.release();
    }
  }

  private async runLocked(trigger: 'schedule' | 'manual', now: Date): Promise<RetentionRunResult> {
    const [{ id: runId }] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO retention_runs (trigger, status, started_at) VALUES ($1, 'running', $2) RETURNING id`,
      [trigger, now],
    );
    const deleted: Record<string, number> = {};
    try {
      for (const target of retentionTargets(this.config)) {
        const cutoff = new Date(now.getTime() - target.days * 86_400_000);
        if (target.table === 'enrichment_requests') {
          const counts = await this.deleteRequests(target, cutoff);
          deleted.enrichment_steps = (deleted.enrichment_steps ?? 0) + counts.steps;
          deleted.enrichment_requests = (deleted.enrichment_requests ?? 0) + counts.requests;
        } else {
          deleted[target.table] = (deleted[target.table] ?? 0) + (await this.deleteRows(target, cutoff));
        }
        // Progress is visible while a long run goes on.
        await this.record(runId, deleted);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.record(runId, deleted, { status: 'failed', error: message });
      this.logger.error({ msg: 'retention run failed', runId, error: message });
      throw error;
    }
    const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
    await this.record(runId, deleted, { status: 'finished' });
    let alertId: string | null = null;
    if (total > this.config.retentionAlertRows) {
      alertId = await this.alerts.raise({
        kind: 'retention.large-run',
        severity: 'warning',
        title: `Retention run deleted ${total} rows (more than RETENTION_ALERT_ROWS = ${this.config.retentionAlertRows})`,
        text: Object.entries(deleted)
          .filter(([, n]) => n > 0)
          .map(([table, n]) => `${table}: ${n}`)
          .join('\n'),
        details: { runId, deleted, total },
      });
    }
    this.logger.log({ msg: 'retention run finished', runId, total, deleted });
    return { runId, deleted, total, alertId };
  }

  private async deleteRows(target: RetentionTarget, cutoff: Date): Promise<number> {
    const extra = target.where ? ` AND ${target.where}` : '';
    let total = 0;
    for (;;) {
      const [, affected] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM ${target.table} WHERE id IN (
           SELECT id FROM ${target.table} WHERE ${target.column} < $1${extra} LIMIT $2)`,
        [cutoff, this.config.retentionBatchRows],
      );
      total += affected;
      if (affected < this.config.retentionBatchRows) {
        return total;
      }
    }
  }

  /** Finished requests with their steps, one batch of requests per statement (steps first). */
  private async deleteRequests(
    target: RetentionTarget,
    cutoff: Date,
  ): Promise<{ requests: number; steps: number }> {
    const counts = { requests: 0, steps: 0 };
    for (;;) {
      const [row] = await this.dataSource.query<{ requests: number; steps: number }[]>(
        `WITH doomed AS (
           SELECT id FROM enrichment_requests WHERE ${target.column} < $1 AND ${target.where ?? 'true'}
            LIMIT $2 FOR UPDATE SKIP LOCKED),
         steps AS (DELETE FROM enrichment_steps WHERE request_id IN (SELECT id FROM doomed) RETURNING 1),
         requests AS (DELETE FROM enrichment_requests WHERE id IN (SELECT id FROM doomed) RETURNING 1)
         SELECT (SELECT count(*) FROM requests)::int AS requests, (SELECT count(*) FROM steps)::int AS steps`,
        [cutoff, this.config.retentionBatchRows],
      );
      counts.requests += row.requests;
      counts.steps += row.steps;
      if (row.requests < this.config.retentionBatchRows) {
        return counts;
      }
    }
  }

  private async record(
    runId: string,
    deleted: Record<string, number>,
    end?: { status: 'finished' | 'failed'; error?: string },
  ): Promise<void> {
    const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
    await this.dataSource.query(
      `UPDATE retention_runs
          SET deleted = $2::jsonb, total_deleted = $3,
              status = COALESCE($4, status), error = $5,
              finished_at = CASE WHEN $4::text IS NULL THEN finished_at ELSE now() END
        WHERE id = $1`,
      [runId, JSON.stringify(deleted), total, end?.status ?? null, end?.error ?? null],
    );
  }
}
