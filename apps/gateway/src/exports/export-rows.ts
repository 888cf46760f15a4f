import { ENRICH_FIELDS, REQUEST_INPUT_FIELDS, type RequestType } from '@sluice/enrichment';
import { unresolvedGoalsOf } from '../jobs/job-view';

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
  'sandbox',
  'error',
  'unresolved',
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

/**
 * The goals left unanswered and why, for a spreadsheet: `email: not_found (retry later: apollo
 * out_of_credits)`, goals joined with "; ". Without it a row with an empty e-mail said nothing of
 * whether anyone was asked.
 */
function unresolvedCell(job: ExportedJob): string {
  return unresolvedGoalsOf(job.result)
    .map(({ goal, reason, retry_later: later }) => {
      const again = (later ?? []).map((entry) => `${entry.provider} ${entry.reason}`).join(', ');
      return `${goal}: ${reason}${again ? ` (retry later: ${again})` : ''}`;
    })
    .join('; ');
}

/** Whether the job's data came from the provider sandbox: marked so in every export, as in the API. */
function sandboxOf(job: ExportedJob): boolean {
  return job.result?.sandbox === true;
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

/** Signs that make a spreadsheet read a cell as a formula, ASCII and full-width. */
const FORMULA_START = /^[=@\t\r\uFF1D\uFF20]/;
const SIGN_START = /^[+\-\uFF0B\uFF0D]/;
/** A sign followed only by digits and number punctuation: a phone number or a figure, never a call. */
const SIGNED_FIGURE = /^[+-][\d\s().\-/]*$/;

/**
 * A cell a spreadsheet will not run (CSV or formula injection, OWASP): names, titles and company
 * data come from upstream systems and providers, and `=HYPERLINK(…)` or `@SUM(…)|cmd` in a name
 * would run when a RevOps user opens the export. Such a cell is written with a leading `'`, which
 * spreadsheets read as "text". Written here rather than with csv-stringify's `escape_formulas`,
 * which also marks every value starting with `+`: every E.164 phone number would be exported as
 * `'+44…`. A sign before nothing but digits and number punctuation is arithmetic at worst, so
 * phone numbers and figures are left as they are. JSON Lines exports carry the values untouched.
 */
export function spreadsheetSafe(value: string): string {
  if (FORMULA_START.test(value) || (SIGN_START.test(value) && !SIGNED_FIGURE.test(value))) {
    return `'${value}`;
  }
  return value;
}

/** A job as one CSV row, in the order of {@link EXPORT_CSV_COLUMNS}; see {@link spreadsheetSafe}. */
export function csvRowOf(job: ExportedJob): string[] {
  return csvValuesOf(job).map(spreadsheetSafe);
}

function csvValuesOf(job: ExportedJob): string[] {
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
    sandboxOf(job) ? 'true' : '',
    cell(job.error),
    unresolvedCell(job),
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
    sandbox: sandboxOf(job),
    error: job.error,
    unresolved: unresolvedGoalsOf(job.result),
    credits_spent: Number(job.credits_spent),
    created_at: job.created_at.toISOString(),
    completed_at: job.completed_at?.toISOString() ?? null,
  };
}
