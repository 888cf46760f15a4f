import { ENRICH_FIELDS, REQUEST_INPUT_FIELDS, type RequestType } from '@sluice/enrichment';

/** A job as the export query reads it. */
export interface ExportedJob {
  id: string;
  type: string;
  status: string;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  /** A numeric sum from PostgreSQL (text). */
  credits_spent: string | number;
  created_at: Date;
  completed_at: Date | null;
}

/** Every input field of any request type, once, in the order the types name them. */
export const EXPORT_INPUT_FIELDS: readonly string[] = [
  ...new Set(Object.values(REQUEST_INPUT_FIELDS as Record<RequestType, readonly string[]>).flat()),
];

/**
 * The CSV header, fixed whatever the jobs hold: the job, its input (`input_`-prefixed, as input and
 * result share names such as `company_name`), every result field, then where the data came from.
 */
export const EXPORT_CSV_COLUMNS: readonly string[] = [
  'job_id',
  'type',
  'status',
  ...EXPORT_INPUT_FIELDS.map((field) => `input_${field}`),
  ...ENRICH_FIELDS,
  'sources',
  'attribution',
  'error',
  'credits_spent',
  'created_at',
  'completed_at',
];

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Attribution the data must carry (e.g. "Powered by RocketReach"). */
function attributionOf(job: ExportedJob): string[] {
  const attribution = job.result?.attribution;
  return Array.isArray(attribution) ? attribution.map(String) : [];
}

/** One CSV cell: empty for unknown, lists joined with "; ", anything structured as JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) {
    return value.map((item) => cell(item)).join('; ');
  }
  return JSON.stringify(value);
}

/** A job as one CSV row, in the order of {@link EXPORT_CSV_COLUMNS}. */
export function csvRowOf(job: ExportedJob): string[] {
  const data = record(job.result?.data) ?? {};
  const sources = record(job.result?.sources);
  return [
    job.id,
    job.type,
    job.status,
    ...EXPORT_INPUT_FIELDS.map((field) => cell(job.input[field])),
    ...ENRICH_FIELDS.map((field) => cell(data[field])),
    sources ? JSON.stringify(sources) : '',
    attributionOf(job).join('; '),
    cell(job.error),
    String(Number(job.credits_spent)),
    job.created_at.toISOString(),
    job.completed_at?.toISOString() ?? '',
  ];
}

/** A job as one JSON Lines object. */
export function jsonLineOf(job: ExportedJob): Record<string, unknown> {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    input: job.input,
    data: record(job.result?.data),
    sources: record(job.result?.sources),
    confidence: record(job.result?.confidence),
    attribution: attributionOf(job),
    error: job.error,
    credits_spent: Number(job.credits_spent),
    created_at: job.created_at.toISOString(),
    completed_at: job.completed_at?.toISOString() ?? null,
  };
}
