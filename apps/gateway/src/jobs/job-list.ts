import { BadRequestException } from '@nestjs/common';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { isoDateParam, limitParam, refuseUnknownParams, singleParams } from '../http-params';
import { decodeKeysetCursor, type KeysetPosition } from '../keyset-cursor';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

export interface JobListQuery {
  status?: (typeof JOB_STATUSES)[number];
  type?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  limit: number;
  /** Only the jobs of this CSV import. */
  importId?: string;
  /** Where the previous page ended: its last job's creation time (as PostgreSQL printed it) and id. */
  after?: KeysetPosition;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  const createdAfter = isoDateParam(text('created_after'), 'created_after');
  const createdBefore = isoDateParam(text('created_before'), 'created_before');
  if (createdAfter && createdBefore && createdAfter >= createdBefore) {
    // An empty page would read as "no such jobs", where the filter can match none.
    throw new BadRequestException('created_after must be before created_before.');
  }
  return {
    status: status as JobListQuery['status'],
    type,
    importId,
    createdAfter,
    createdBefore,
    limit,
    after: cursor ? decodeKeysetCursor(cursor) : undefined,
  };
}
