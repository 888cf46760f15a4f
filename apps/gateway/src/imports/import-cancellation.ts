import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { skipCancelledSteps } from '@sluice/db';
import { DataSource } from 'typeorm';
import { CancelledJobs } from '../jobs/cancelled-jobs.service';

/** Ids cancelled per statement: bounded, however many rows the import had queued. */
const BATCH = 1000;

/**
 * Cancels the unfinished jobs of an import that was refused part-way (too many rows, a file that
 * stops being CSV): a refused upload leaves nothing to run. The same effect as cancelling each job
 * (`POST /v1/jobs/:id/cancel`), in batches.
 */
@Injectable()
export class ImportCancellation {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cancelledJobs: CancelledJobs,
  ) {}

  /**
   * How many of the import's jobs had finished (completed or failed) before it was refused: a
   * retried job counts once, as its latest attempt.
   */
  async finishedJobs(workspaceId: string, importId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM enrichment_requests r
        WHERE r.import_id = $1 AND r.workspace_id = $2 AND r.status IN ('completed', 'failed')
          AND NOT EXISTS (SELECT 1 FROM enrichment_requests n WHERE n.retry_of = r.id)`,
      [importId, workspaceId],
    );
    return Number(row?.n ?? 0);
  }

  /** Returns how many jobs were cancelled. */
  async cancelJobs(workspaceId: string, importId: string, reason: string): Promise<number> {
    let cancelled = 0;
    for (;;) {
      const rows = await this.dataSource.transaction(async (manager) => {
        const [cancelledRows] = await manager.query<[{ id: string; callback_url: string | null }[], number]>(
          `UPDATE enrichment_requests
              SET status = 'cancelled', error = $3, completed_at = now(), updated_at = now()
            WHERE id IN (SELECT id FROM enrichment_requests
                          WHERE import_id = $1 AND workspace_id = $2
                            AND status NOT IN ('completed', 'failed', 'cancelled')
                          LIMIT ${BATCH})
              AND status NOT IN ('completed', 'failed', 'cancelled')
          RETURNING id, callback_url`,
          [importId, workspaceId, reason],
        );
        const held = await skipCancelledSteps(
          manager,
          workspaceId,
          cancelledRows.map((row) => row.id),
        );
        return { cancelledRows, held };
      });
      const ids = rows.cancelledRows.map((row) => row.id);
      if (ids.length === 0) {
        return cancelled;
      }
      cancelled += ids.length;
      await this.cancelledJobs.announce(workspaceId, rows.cancelledRows, rows.held, { importId });
    }
  }
}
