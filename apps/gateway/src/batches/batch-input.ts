import { messagesOf } from '../http-errors';
import { BadRequestException, HttpException } from '@nestjs/common';
import type { BatchSchedule } from '@sluice/db';
import type { EnrichField, RequestInput, RequestOptions } from '@sluice/enrichment';
import {
  ENRICH_IDENTIFIERS,
  parseEnrichQuery,
  parseEnrichSettings,
  parseMaxCredits,
} from '../enrich/enrich-input';
import { isoDateParam } from '../http-params';

/** The members of a `POST /v1/batches` body. */
export const BATCH_SETTINGS = [
  'name',
  'records',
  'enrich',
  'options',
  'since_days',
  'limit',
  'priority',
  'max_credits',
  'schedule',
] as const;
/** What a record may carry besides its identifiers. */
export const RECORD_EXTRAS = ['external_id', 'occurred_at'] as const;

export const SINCE_DAYS = { min: 1, max: 3650 } as const;
export const EVERY_DAYS = { min: 1, max: 365 } as const;
const MAX_NAME = 200;
const MAX_EXTERNAL_ID = 200;
/** Credits are stored with 4 decimals: a record's share of the budget is rounded down to them. */
const CREDIT_SCALE = 10_000;

/** The batch-wide settings: one mistake here is every record's, so it is the request's 400. */
export interface BatchSettings {
  name: string | null;
  fields: EnrichField[];
  options: RequestOptions;
  sinceDays: number | null;
  limit: number | null;
  priority: 'interactive' | 'bulk';
  maxCredits: number | null;
  schedule: BatchSchedule | null;
  records: unknown[];
}

export interface ParsedRecord {
  index: number;
  input: RequestInput;
  externalId: string | null;
  occurredAt: Date | null;
}

export interface RejectedRecord {
  index: number;
  errors: string[];
}

export interface FilteredRecord {
  index: number;
  reason: 'since_days' | 'limit';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundedInt(raw: unknown, name: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return raw;
}

/** `schedule`: `{"every_days": n}`, n from 1 to 365. */
export function parseSchedule(raw: unknown, name = 'schedule'): BatchSchedule {
  if (!isObject(raw)) {
    throw new BadRequestException(`${name} must be an object {"every_days": n}`);
  }
  const unknown = Object.keys(raw).filter((key) => key !== 'every_days');
  if (unknown.length > 0) {
    throw new BadRequestException(
      `${name} has unknown member(s) ${unknown.map((key) => `'${key}'`).join(', ')}; accepted: every_days`,
    );
  }
  return {
    every_days: boundedInt(raw.every_days, `${name}.every_days`, EVERY_DAYS.min, EVERY_DAYS.max),
  };
}

export function parseBatchSettings(body: unknown, maxRecords: number): BatchSettings {
  if (!isObject(body)) {
    throw new BadRequestException('The body must be a JSON object with "records" and "enrich".');
  }
  const unknown = Object.keys(body).filter((key) => !(BATCH_SETTINGS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `unknown member(s) ${unknown.map((key) => `'${key}'`).join(', ')}; accepted: ${BATCH_SETTINGS.join(', ')}`,
    );
  }
  let name: string | null = null;
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > MAX_NAME) {
      throw new BadRequestException(`name must be a non-empty string of at most ${MAX_NAME} characters`);
    }
    name = body.name.trim();
  }
  const records = body.records;
  if (!Array.isArray(records) || records.length === 0) {
    throw new BadRequestException('records must be a non-empty list of records (objects of identifiers)');
  }
  if (records.length > maxRecords) {
    throw new BadRequestException(`records has ${records.length} records; at most ${maxRecords} per batch`);
  }
  const { fields, options } = parseEnrichSettings(body.enrich, body.options);
  const sinceDays =
    body.since_days === undefined || body.since_days === null
      ? null
      : boundedInt(body.since_days, 'since_days', SINCE_DAYS.min, SINCE_DAYS.max);
  const limit =
    body.limit === undefined || body.limit === null ? null : boundedInt(body.limit, 'limit', 1, maxRecords);
  const priority = body.priority ?? 'bulk';
  if (priority !== 'bulk' && priority !== 'interactive') {
    throw new BadRequestException('priority must be interactive or bulk');
  }
  const schedule =
    body.schedule === undefined || body.schedule === null ? null : parseSchedule(body.schedule);
  return {
    name,
    fields,
    options,
    sinceDays,
    limit,
    priority,
    maxCredits: parseMaxCredits(body.max_credits),
    schedule,
    records,
  };
}

/** One record: identifiers checked as `POST /v1/enrich/enqueue` checks them, plus external_id and occurred_at. */
export function parseBatchRecord(raw: unknown, index: number, settings: BatchSettings): ParsedRecord {
  const where = `records[${index}]: `;
  if (!isObject(raw)) {
    throw new BadRequestException(`${where}each record must be an object of identifiers`);
  }
  const allowed: readonly string[] = [...ENRICH_IDENTIFIERS, ...RECORD_EXTRAS];
  const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `${where}unknown member(s) ${unknown.map((key) => `'${key}'`).join(', ')}; identifiers: ${ENRICH_IDENTIFIERS.join(', ')}; also: ${RECORD_EXTRAS.join(', ')}`,
    );
  }
  let externalId: string | null = null;
  if (raw.external_id !== undefined && raw.external_id !== null) {
    if (
      (typeof raw.external_id !== 'string' && typeof raw.external_id !== 'number') ||
      String(raw.external_id).length === 0 ||
      String(raw.external_id).length > MAX_EXTERNAL_ID
    ) {
      throw new BadRequestException(
        `${where}external_id must be a string or number of 1 to ${MAX_EXTERNAL_ID} characters`,
      );
    }
    externalId = String(raw.external_id);
  }
  let occurredAt: Date | null = null;
  if (raw.occurred_at !== undefined && raw.occurred_at !== null) {
    try {
      occurredAt =
        typeof raw.occurred_at === 'string' ? (isoDateParam(raw.occurred_at, 'occurred_at') ?? null) : null;
    } catch (error) {
      if (error instanceof HttpException) {
        throw new BadRequestException(`${where}${messagesOf(error).join('; ')}`);
      }
      throw error;
    }
    if (!occurredAt) {
      throw new BadRequestException(
        `${where}occurred_at must be an ISO 8601 date or date-time, e.g. 2026-11-30`,
      );
    }
  }
  const identifiers = Object.fromEntries(ENRICH_IDENTIFIERS.filter((k) => k in raw).map((k) => [k, raw[k]]));
  try {
    // The options as sent (without the fields parsed into them): they were checked with the settings.
    const { fields: _fields, ...options } = settings.options;
    const { input } = parseEnrichQuery(identifiers, settings.fields, options);
    return { index, input, externalId, occurredAt };
  } catch (error) {
    if (error instanceof HttpException) {
      throw new BadRequestException(messagesOf(error).map((message) => `${where}${message}`));
    }
    throw error;
  }
}

/**
 * Every record checked on its own (a bad one is reported by index, not fatal), then the filters:
 * `since_days` keeps the records whose `occurred_at` is within that many days of `now` (a record
 * without `occurred_at` cannot be shown to be recent and is left out); `limit` then keeps the most
 * recent ones (by `occurred_at`, those without it last, ties in the order sent).
 */
export function selectRecords(
  settings: BatchSettings,
  now: Date,
): { kept: ParsedRecord[]; rejected: RejectedRecord[]; filtered: FilteredRecord[] } {
  const valid: ParsedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const [index, raw] of settings.records.entries()) {
    try {
      valid.push(parseBatchRecord(raw, index, settings));
    } catch (error) {
      if (!(error instanceof HttpException)) {
        throw error;
      }
      rejected.push({ index, errors: messagesOf(error) });
    }
  }
  const filtered: FilteredRecord[] = [];
  let kept = valid;
  if (settings.sinceDays !== null) {
    const cutoff = now.getTime() - settings.sinceDays * 24 * 3600 * 1000;
    kept = [];
    for (const record of valid) {
      if (record.occurredAt !== null && record.occurredAt.getTime() >= cutoff) {
        kept.push(record);
      } else {
        filtered.push({ index: record.index, reason: 'since_days' });
      }
    }
  }
  if (settings.limit !== null && kept.length > settings.limit) {
    const ranked = [...kept].sort(
      (a, b) =>
        (b.occurredAt?.getTime() ?? -Infinity) - (a.occurredAt?.getTime() ?? -Infinity) || a.index - b.index,
    );
    const chosen = new Set(ranked.slice(0, settings.limit).map((record) => record.index));
    for (const record of kept) {
      if (!chosen.has(record.index)) {
        filtered.push({ index: record.index, reason: 'limit' });
      }
    }
    kept = kept.filter((record) => chosen.has(record.index));
  }
  filtered.sort((a, b) => a.index - b.index);
  return { kept, rejected, filtered };
}

/**
 * The batch's budget split over its records: `max_credits` is for the whole batch (per run), and
 * each record's job may spend an equal share of it, rounded down to the 4 decimals credits are
 * kept in (so the jobs together never exceed it). A budget too small to give each record anything
 * is refused rather than made into jobs that could never call a provider.
 */
export function perRecordCredits(maxCredits: number | null, records: number): number | null {
  if (maxCredits === null) {
    return null;
  }
  const share = Math.floor((maxCredits / records) * CREDIT_SCALE) / CREDIT_SCALE;
  if (share <= 0) {
    throw new BadRequestException(
      `max_credits ${maxCredits} is for the whole batch and split over its ${records} records: that is less than 0.0001 credit per record`,
    );
  }
  return share;
}

/** Buckets of `company_size` (head count) in the summary, smallest first. */
export const COMPANY_SIZE_BUCKETS = [
  { label: '1-10', min: 1, max: 10 },
  { label: '11-50', min: 11, max: 50 },
  { label: '51-200', min: 51, max: 200 },
  { label: '201-500', min: 201, max: 500 },
  { label: '501-1000', min: 501, max: 1000 },
  { label: '1001-5000', min: 1001, max: 5000 },
  { label: '5001+', min: 5001, max: null },
] as const;

/** The bucket of a head count (the SQL of the summary is built from the same table). */
export function companySizeBucket(size: number): string | null {
  if (!Number.isFinite(size) || size < 1) {
    return null;
  }
  const count = Math.floor(size);
  const bucket = COMPANY_SIZE_BUCKETS.find((b) => count >= b.min && (b.max === null || count <= b.max));
  return bucket?.label ?? null;
}
