import { BadRequestException } from '@nestjs/common';
import {
  cacheKeyOf,
  REQUEST_INPUT_FIELDS,
  type EnrichField,
  type RequestInput,
  type RequestOptions,
} from '@sluice/enrichment';
import { assertReachable, parseEnrichFields, parseJobInput, parseJobOptions } from '../jobs/job-input';
import { fitsCreditColumn } from '../credit-figures';

/** The identifiers `POST /v1/enrich` takes, at the top level of its body. */
export const ENRICH_IDENTIFIERS = REQUEST_INPUT_FIELDS.enrich;
/** The body's other members. */
const ENRICH_SETTINGS = [
  'enrich',
  'timeout_ms',
  'options',
  'max_credits',
  'callback_url',
  'priority',
] as const;

export interface EnrichQuery {
  input: RequestInput;
  fields: EnrichField[];
  options: RequestOptions;
}

export interface EnrichRequest extends EnrichQuery {
  timeoutMs: number;
  maxCredits: number | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields asked and the options, the same for every record of a call. */
export function parseEnrichSettings(
  rawFields: unknown,
  rawOptions: unknown,
): { fields: EnrichField[]; options: RequestOptions } {
  if (rawOptions !== undefined && !isObject(rawOptions)) {
    throw new BadRequestException('options must be an object');
  }
  if (isObject(rawOptions) && rawOptions.fields !== undefined) {
    throw new BadRequestException('options.fields is not taken here: list the fields in enrich');
  }
  const fields = parseEnrichFields(rawFields, 'enrich');
  return { fields, options: { ...parseJobOptions(rawOptions), fields } };
}

/**
 * One record's identifiers and the fields asked of it: identifiers validated and normalised as for
 * a job (`input.` left out of the messages: here they are top-level), the fields known, and each
 * field reachable from the identifiers.
 */
export function parseEnrichQuery(
  identifiers: Record<string, unknown>,
  rawFields: unknown,
  rawOptions: unknown,
  where = '',
): EnrichQuery {
  const { fields, options } = parseEnrichSettings(rawFields, rawOptions);
  const present = Object.fromEntries(
    Object.entries(identifiers).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
  if (Object.keys(present).length === 0) {
    throw new BadRequestException(
      `${where}no identifier given: send at least one of ${ENRICH_IDENTIFIERS.join(', ')}`,
    );
  }
  let input: RequestInput;
  try {
    input = parseJobInput('enrich', present);
  } catch (error) {
    if (error instanceof BadRequestException) {
      const raw = (error.getResponse() as { message?: unknown }).message;
      const message = typeof raw === 'string' ? raw : error.message;
      throw new BadRequestException(`${where}${message.replace(/\binput\./g, '')}`);
    }
    throw error;
  }
  assertReachable(input, fields);
  return { input, fields, options };
}

/** The body of `POST /v1/enrich`: identifiers, `enrich`, and optional settings; nothing else. */
export function parseEnrichBody(
  body: unknown,
  limits: { defaultTimeoutMs: number; maxTimeoutMs: number },
): EnrichRequest {
  if (!isObject(body)) {
    throw new BadRequestException('The body must be a JSON object with identifiers and "enrich".');
  }
  const known: readonly string[] = [...ENRICH_IDENTIFIERS, ...ENRICH_SETTINGS];
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `unknown member(s) ${unknown.map((key) => `'${key}'`).join(', ')}; identifiers: ${ENRICH_IDENTIFIERS.join(', ')}; settings: ${ENRICH_SETTINGS.join(', ')}`,
    );
  }
  for (const setting of ['callback_url', 'priority'] as const) {
    if (body[setting] !== undefined) {
      throw new BadRequestException(
        `${setting} is for POST /v1/enrich/enqueue: POST /v1/enrich answers in the response`,
      );
    }
  }
  const timeoutMs = body.timeout_ms ?? limits.defaultTimeoutMs;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 0 ||
    timeoutMs > limits.maxTimeoutMs
  ) {
    throw new BadRequestException(`timeout_ms must be an integer from 0 to ${limits.maxTimeoutMs}`);
  }
  const identifiers = Object.fromEntries(
    ENRICH_IDENTIFIERS.filter((k) => k in body).map((k) => [k, body[k]]),
  );
  return {
    ...parseEnrichQuery(identifiers, body.enrich, body.options),
    timeoutMs,
    maxCredits: parseMaxCredits(body.max_credits),
  };
}

export function parseMaxCredits(raw: unknown): number | null {
  if (raw === undefined || raw === null) {
    return null;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > 1_000_000) {
    throw new BadRequestException('max_credits must be a number from 0 to 1000000');
  }
  if (!fitsCreditColumn(raw)) {
    throw new BadRequestException('max_credits must have at most 4 decimal places');
  }
  return raw;
}

/**
 * The answer cache's key of a query, built like the provider cache's keys ({@link cacheKeyOf}):
 * identifiers in their canonical form (case, spacing and URL forms do not matter), the fields as a
 * set, and the options.
 */
export function enrichQueryKey(query: EnrichQuery): string {
  const { fields: _fields, ...options } = query.options;
  return cacheKeyOf('sluice', 'enrich', {
    ...query.input,
    fields: [...query.fields].sort(),
    options,
  });
}
