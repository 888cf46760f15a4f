import { BadRequestException } from '@nestjs/common';
import { IMPORT_STATUSES, type ImportStatus } from '@sluice/db';
import { limitParam, refuseUnknownParams, singleParams } from '../http-params';
import { decodeKeysetCursor, type KeysetPosition } from '../keyset-cursor';
import { referenceOf } from './import-settings';

export interface ImportListQuery {
  /** Only the imports the client labelled so. */
  reference?: string;
  status?: ImportStatus;
  limit: number;
  /** Where the previous page ended: its last import's creation time (as PostgreSQL printed it) and id. */
  after?: KeysetPosition;
}

const KNOWN = ['reference', 'status', 'limit', 'cursor'];

/** Validates `GET /v1/imports`'s query: each problem named, never a 500. */
export function parseImportListQuery(raw: Record<string, unknown>): ImportListQuery {
  refuseUnknownParams(raw, KNOWN);
  const text = singleParams(raw);
  const reference = text('reference');
  const status = text('status');
  if (status !== undefined && !(IMPORT_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestException(`status must be one of: ${IMPORT_STATUSES.join(', ')}.`);
  }
  const limit = limitParam(text('limit'), 20, 100);
  const cursor = text('cursor');
  return {
    reference: reference === undefined ? undefined : referenceOf(reference),
    status: status as ImportStatus | undefined,
    limit,
    after: cursor ? decodeKeysetCursor(cursor) : undefined,
  };
}
