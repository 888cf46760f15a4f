import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import { DataSource } from 'typeorm';

/**
 * Marks failed the running imports whose gateway died: a live import refreshes its row with every
 * chunk and on a timer while its upload is open, so a row left unrefreshed for IMPORT_STALE_AFTER_MS
 * has no process behind it. Each becomes resumable from its last committed row, unless its gateway
 * died between storing a chunk's jobs and recording them (more jobs than it counts: where to resume
 * is unknown). Every gateway runs the sweep on a plain interval: the gateway registers no BullMQ
 * processor, and the sweep is one conditional UPDATE, harmless when replicas run it together.
 */
@Injectable()
export class StaleImportSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleImportSweep.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.tick(),
      Math.max(500, Math.floor(this.config.importStaleAfterMs / 2)),
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }

  private async tick(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn({ msg: 'stale import sweep failed', error: String(error) });
    } finally {
      this.sweeping = false;
    }
  }

  /** Marks stale running imports failed; returns their ids. */
  async sweep(): Promise<string[]> {
    const seconds = Math.round(this.config.importStaleAfterMs / 1000);
    const [rows] = await this.dataSource.query<[{ id: string }[], number]>(
      `WITH stale AS (
         SELECT i.id,
                -- Rows' first attempts: a retry keeps its original's import, but is no row of its own.
                (SELECT count(*) FROM enrichment_requests r WHERE r.import_id = i.id AND r.retry_of IS NULL)
                  <= i.rows_accepted AS consistent
           FROM imports i
          WHERE i.status = 'running' AND i.updated_at < now() - make_interval(secs => $1::double precision / 1000)
          FOR UPDATE SKIP LOCKED
       )
       UPDATE imports i
          SET status = 'failed', completed_at = now(), resumable = stale.consistent,
              error = CASE WHEN stale.consistent
                THEN 'The gateway handling this import stopped (no sign of it for over ' || $2 || ' s). The '
                     || i.rows_accepted || ' row(s) accepted before stay queued (GET /v1/jobs?import_id=' || i.id
                     || '). To import the rest, send the same file with resume=' || i.id || ': its first '
                     || i.rows_committed || ' data row(s), already handled, are skipped.'
                ELSE 'The gateway handling this import stopped (no sign of it for over ' || $2 || ' s) while it '
                     || 'was writing a chunk: its jobs were stored but not counted, so it cannot be resumed. '
                     || 'Its jobs: GET /v1/jobs?import_id=' || i.id || '.'
              END
         FROM stale
        WHERE i.id = stale.id AND i.status = 'running'
      RETURNING i.id`,
      [this.config.importStaleAfterMs, seconds],
    );
    if (rows.length > 0) {
      this.logger.warn({
        msg: 'imports whose gateway stopped marked failed',
        ids: rows.map((row) => row.id),
      });
    }
    return rows.map((row) => row.id);
  }
}
