import { ApiProperty } from '@nestjs/swagger';
import { TERMINAL_STATUSES } from './job-view';

/** A set of jobs (a batch's records', an import's rows') counted by status. */
export interface JobProgress {
  total: number;
  by_status: Record<string, number>;
  /** Jobs completed, failed or cancelled. */
  finished: number;
}

/** The progress of jobs counted per status (`SELECT status, count(*) … GROUP BY status`). */
export function jobProgress(counts: readonly { status: string; count: number }[]): JobProgress {
  const byStatus = Object.fromEntries(counts.map((row) => [row.status, row.count]));
  return {
    total: counts.reduce((sum, row) => sum + row.count, 0),
    by_status: byStatus,
    finished: TERMINAL_STATUSES.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0),
  };
}

/** A row of a set-based progress read: a group's count of one status, or (status null) its credits. */
export interface GroupProgressRow {
  group_id: string;
  status: string | null;
  count: number | null;
  credits: string | null;
}

/** A group's jobs now (a batch's records', an import's rows'): by status, and the credits they spent. */
export interface GroupJobs {
  progress: JobProgress;
  creditsSpent: number;
}

/**
 * The jobs of each group (a page of batches, of imports) from one statement's rows: per group, a
 * row per status with its count, and one row (status null) with the credits. A group with no rows
 * has no jobs.
 */
export function groupProgress(rows: readonly GroupProgressRow[]): (groupId: string) => GroupJobs {
  return (groupId) => {
    const own = rows.filter((row) => row.group_id === groupId);
    return {
      progress: jobProgress(
        own.flatMap((row) =>
          row.status === null || row.count === null ? [] : [{ status: row.status, count: row.count }],
        ),
      ),
      creditsSpent: own.reduce((sum, row) => sum + Number(row.credits ?? 0), 0),
    };
  };
}

export class JobProgressDto implements JobProgress {
  @ApiProperty({ type: 'integer', example: 500 })
  total!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { completed: 320, running: 30, queued: 150 },
    description: 'The jobs, by status.',
  })
  by_status!: Record<string, number>;

  @ApiProperty({ type: 'integer', example: 320, description: 'Jobs completed, failed or cancelled.' })
  finished!: number;
}
