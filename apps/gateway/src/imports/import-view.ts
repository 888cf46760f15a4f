import type { ImportRecord, ImportRowError } from '@sluice/db';

/** An import as the API shows it. */
export interface ImportView {
  id: string;
  type: string;
  status: string;
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  /** The first rejected rows (up to IMPORT_MAX_ERRORS), in file order. */
  errors: ImportRowError[];
  /** Whether more rows were rejected than `errors` lists. */
  errors_truncated: boolean;
  /** Why a failed import stopped. */
  error: string | null;
  created_at: string;
  completed_at: string | null;
}

export function toImportView(record: ImportRecord): ImportView {
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    rows_total: record.rowsTotal,
    rows_accepted: record.rowsAccepted,
    rows_rejected: record.rowsRejected,
    errors: record.errors,
    errors_truncated: record.rowsRejected > record.errors.length,
    error: record.error,
    created_at: record.createdAt.toISOString(),
    completed_at: record.completedAt?.toISOString() ?? null,
  };
}
