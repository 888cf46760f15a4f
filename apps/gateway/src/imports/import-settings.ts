import { BadRequestException } from '@nestjs/common';
import {
  REQUEST_INPUT_FIELDS,
  SUPPORTED_REQUEST_TYPES,
  type RequestInput,
  type RequestOptions,
  type RequestType,
} from '@sluice/enrichment';
import { callbackUrlProblem } from '../callbacks/callback-url';
import { parseJobOptionsFor } from '../jobs/job-input';
import { UUID } from '../jobs/job-list';

/** The settings of an import, as form fields or query parameters: every value a string. */
export const IMPORT_SETTING_NAMES = [
  'type',
  'mapping',
  'options',
  'priority',
  'callback_url',
  'reference',
  'resume',
] as const;
export type RawImportSettings = Partial<Record<string, string>>;

export interface ImportSettings {
  type: RequestType;
  /** CSV column → canonical input field, or null to take the columns already named after a field. */
  mapping: Record<string, keyof RequestInput> | null;
  options: RequestOptions;
  priority: 'interactive' | 'bulk';
  callbackUrl: string | null;
  /** The client's label for the import, to find it again without its id (`GET /v1/imports?reference=`). */
  reference: string | null;
  /** The import this upload resumes: its committed rows are skipped. */
  resume: string | null;
}

/** What a reference may look like: visible ASCII, as an Idempotency-Key, but shorter. */
const REFERENCE_FORMAT = /^[\x21-\x7e]{1,128}$/;

/** A `reference` as a setting or a filter: 1 to 128 visible ASCII characters, else a 400. */
export function referenceOf(raw: string): string {
  if (!REFERENCE_FORMAT.test(raw)) {
    throw new BadRequestException(
      'reference must be 1 to 128 visible ASCII characters (no spaces), e.g. leads-2026-12-02.',
    );
  }
  return raw;
}

function json(name: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new BadRequestException(`${name} must be a JSON object; it is not valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestException(`${name} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function callbackUrlOf(raw: string): string {
  // The same shape check as POST /v1/jobs; which hosts may be called is decided by
  // WebhookSecrets.checkUrl, as for POST /v1/jobs.
  const problem = callbackUrlProblem(raw);
  if (problem) {
    throw new BadRequestException(`${problem}.`);
  }
  return raw;
}

function resumeOf(raw: string): string {
  if (!UUID.test(raw)) {
    throw new BadRequestException(
      'resume must be the id (a UUID) of the failed import to resume, as GET /v1/imports?reference= lists it.',
    );
  }
  return raw.toLowerCase();
}

/**
 * Validates an import's settings before a byte of the file is read: the request type, the mapping
 * (its targets must be input fields of that type), the options (as POST /v1/jobs takes them for
 * that type), the priority (default `bulk`), the callback URL, the reference and the import to
 * resume. Each problem is a 400 naming it.
 */
export function parseImportSettings(raw: RawImportSettings): ImportSettings {
  const unknown = Object.keys(raw).filter(
    (name) => !(IMPORT_SETTING_NAMES as readonly string[]).includes(name),
  );
  if (unknown.length > 0) {
    throw new BadRequestException(
      `Unknown import setting(s) ${unknown.join(', ')}; the settings are: ${IMPORT_SETTING_NAMES.join(', ')}.`,
    );
  }
  if (raw.type === undefined || raw.type === '') {
    throw new BadRequestException(
      // A form's settings are read when its file part begins, so a type sent after the file is unseen.
      `type is required: the request type every row becomes, one of ${SUPPORTED_REQUEST_TYPES.join(', ')} (a form sends it as a field before the file part; a raw CSV body as ?type=).`,
    );
  }
  if (!(SUPPORTED_REQUEST_TYPES as readonly string[]).includes(raw.type)) {
    throw new BadRequestException(`type must be one of: ${SUPPORTED_REQUEST_TYPES.join(', ')}.`);
  }
  const type = raw.type as RequestType;
  const fields: readonly string[] = REQUEST_INPUT_FIELDS[type];
  let mapping: ImportSettings['mapping'] = null;
  if (raw.mapping !== undefined && raw.mapping !== '') {
    const entries = Object.entries(json('mapping', raw.mapping));
    if (entries.length === 0) {
      throw new BadRequestException('mapping must map at least one CSV column to an input field.');
    }
    const pairs: [string, keyof RequestInput][] = [];
    const targets = new Map<string, string>();
    for (const [column, field] of entries) {
      if (typeof field !== 'string' || !fields.includes(field)) {
        throw new BadRequestException(
          `mapping maps column '${column}' to ${JSON.stringify(field)}, which is not an input field of ${type}; its fields are: ${fields.join(', ')}.`,
        );
      }
      const earlier = targets.get(field);
      if (earlier !== undefined) {
        throw new BadRequestException(
          `mapping maps both '${earlier}' and '${column}' to ${field}; map one column to each field.`,
        );
      }
      targets.set(field, column);
      pairs.push([column, field as keyof RequestInput]);
    }
    // Own properties whatever the column is called: assigned one by one, a column named
    // `__proto__` set the object's prototype instead, and its mapping was dropped without a word.
    mapping = Object.fromEntries(pairs);
  }
  // As POST /v1/jobs takes them for this type; whether each row reaches the fields is the row's.
  const options = parseJobOptionsFor(
    type,
    raw.options === undefined ? undefined : json('options', raw.options),
  );
  const priority = raw.priority ?? 'bulk';
  if (priority !== 'bulk' && priority !== 'interactive') {
    throw new BadRequestException('priority must be interactive or bulk.');
  }
  return {
    type,
    mapping,
    options,
    priority,
    callbackUrl: raw.callback_url ? callbackUrlOf(raw.callback_url) : null,
    reference: raw.reference === undefined ? null : referenceOf(raw.reference),
    resume: raw.resume === undefined ? null : resumeOf(raw.resume),
  };
}

/** Which cell of a row feeds which input field. */
export interface ColumnMap {
  /** The header's column count: a row with another count is refused. */
  width: number;
  fields: { index: number; column: string; field: keyof RequestInput }[];
  /** Header columns not mapped to anything (ignored). */
  ignored: string[];
}

/** The input field a header column is named after: any case, spaces or hyphens for underscores. */
function fieldNamed(column: string): string {
  return column.toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Matches the CSV header to input fields: the mapping's columns, which must all be in the header
 * (once); without a mapping, every column whose name is an input field of the type, trimmed, in any
 * case, with spaces or hyphens for underscores ("First Name" is first_name). At least one column
 * must feed a field. (The separator, comma, semicolon or tab, was told from the header line when
 * the file was read: see `HeaderLine`.)
 */
export function resolveColumns(header: readonly string[], settings: ImportSettings): ColumnMap {
  const names = header.map((name) => name.trim());
  if (names.every((name) => name === '')) {
    throw new BadRequestException('The first line must be a header naming the columns; it is empty.');
  }
  const fields: ColumnMap['fields'] = [];
  const accepted: readonly string[] = REQUEST_INPUT_FIELDS[settings.type];
  if (settings.mapping) {
    for (const [column, field] of Object.entries(settings.mapping)) {
      const at = names.reduce<number[]>(
        (found, name, i) => (name === column.trim() ? [...found, i] : found),
        [],
      );
      if (at.length === 0) {
        throw new BadRequestException(
          `mapping names column '${column}', which the header lacks; the header is: ${names.join(', ')}.`,
        );
      }
      if (at.length > 1) {
        throw new BadRequestException(`The header has column '${column}' more than once; rename one.`);
      }
      const [index] = at;
      fields.push({ index, column: names[index], field });
    }
  } else {
    names.forEach((name, index) => {
      const field = fieldNamed(name);
      if (accepted.includes(field)) {
        if (fields.some((entry) => entry.field === field)) {
          throw new BadRequestException(
            `The header has more than one column for ${field}; pass a mapping naming the one to use.`,
          );
        }
        fields.push({ index, column: name, field: field as keyof RequestInput });
      }
    });
    if (fields.length === 0) {
      throw new BadRequestException(
        `No column of the header is an input field of ${settings.type} (${accepted.join(', ')}); name the columns so, or pass a mapping such as {"Work Email": "email"}. The header is: ${names.join(', ')}.`,
      );
    }
  }
  fields.sort((a, b) => a.index - b.index);
  return {
    width: names.length,
    fields,
    ignored: names.filter((_, index) => !fields.some((entry) => entry.index === index)),
  };
}
