import { BadRequestException } from '@nestjs/common';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { isCalendarDate, isoDateParam, limitParam, refuseUnknownParams, singleParams } from '../http-params';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

export interface JobListQuery {
  status?: (typeof JOB_STATUSES)[number];
  type?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  limit: number;
  /** Only the jobs of this CSV import. */
  importId?: string;
  /** Where the previous page ended: its last job's creation time and id. */
  after?: { createdAt: Date; id: string };
}

/** The cursor handed out with a page: opaque to callers, the last job's (created_at, id) inside. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!id || !UUID.test(id) || at === undefined || !isCalendarDate(at)) {
    throw new BadRequestException('cursor is not one this API handed out; pass next_cursor as it came.');
  }
  return { createdAt: new Date(at), id };
}

/** The query parameters `GET /v1/jobs` takes (the OpenAPI document lists the same). */
export const JOB_LIST_PARAMS = [
  'status',
  'type',
  'import_id',
  'created_after',
  'created_before',
  'limit',
  'cursor',
] as const;

/** Validates `GET /v1/jobs`'s query: each problem named, never a 500. */
export function parseJobListQuery(raw: Record<string, unknown>): JobListQuery {
  refuseUnknownParams(raw, JOB_LIST_PARAMS);
  const text = singleParams(raw);
  const status = text('status');
  if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestException(`status must be one of: ${JOB_STATUSES.join(', ')}.`);
  }
  const type = text('type');
  if (type !== undefined && !(SUPPORTED_REQUEST_TYPES as readonly string[]).includes(type)) {
    throw new BadRequestException(`type must be one of: ${SUPPORTED_REQUEST_TYPES.join(', ')}.`);
  }
  const limit = limitParam(text('limit'), 50, 200);
  const importId = text('import_id');
  if (importId !== undefined && !UUID.test(importId)) {
    throw new BadRequestException('import_id must be a UUID, as returned by POST /v1/imports.');
  }
  const cursor = text('cursor');
  return {
    status: status as JobListQuery['status'],
    type,
    importId,
    createdAfter: isoDateParam(text('created_after'), 'created_after'),
    createdBefore: isoDateParam(text('created_before'), 'created_before'),
    limit,
    after: cursor ? decodeCursor(cursor) : undefined,
  };
}
