import type { ImportRecord, ImportRowError } from '@sluice/db';
import type { GroupJobs, JobProgress } from '../jobs/job-progress';

/** An import as the API shows it. */
export interface ImportView {
  id: string;
  type: string;
  status: string;
  /** The client's label for the import, if it gave one. */
  reference: string | null;
  /** Data rows this import read (after the rows it skipped, when it resumes another). */
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  /** Data rows at the start of the file skipped because the import it resumes had committed them. */
  rows_skipped: number;
  /** Data rows of the file, from its start, whose outcome is stored: a resume skips this many. */
  rows_committed: number;
  /** The first rejected rows (up to IMPORT_MAX_ERRORS), in file order. */
  errors: ImportRowError[];
  /** Whether more rows were rejected than `errors` lists. */
  errors_truncated: boolean;
  /** Why a failed import stopped. */
  error: string | null;
  /** Whether a failed import can be resumed (`POST /v1/imports?resume={id}` with the same file). */
  resumable: boolean;
  /** The import this one resumes. */
  resumed_from: string | null;
  /** The import that resumed this one. */
  resumed_by: string | null;
  /** The jobs of the rows accepted, by status now: the enrichment's progress, not the upload's. */
  progress: JobProgress;
  /** Credits the jobs' steps have spent so far. */
  credits_spent: number;
  created_at: string;
  completed_at: string | null;
}

/** An import's jobs now (see {@link ImportView.progress}). */
export type ImportJobs = GroupJobs;

export function toImportView(record: ImportRecord, resumedBy: string | null, jobs: ImportJobs): ImportView {
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    reference: record.reference,
    rows_total: record.rowsTotal,
    rows_accepted: record.rowsAccepted,
    rows_rejected: record.rowsRejected,
    rows_skipped: record.rowsSkipped,
    rows_committed: record.rowsCommitted,
    errors: record.errors,
    errors_truncated: record.rowsRejected > record.errors.length,
    error: record.error,
    resumable: record.status === 'failed' && record.resumable && resumedBy === null,
    resumed_from: record.resumedFrom,
    resumed_by: resumedBy,
    progress: jobs.progress,
    credits_spent: jobs.creditsSpent,
    created_at: record.createdAt.toISOString(),
    completed_at: record.completedAt?.toISOString() ?? null,
  };
}
