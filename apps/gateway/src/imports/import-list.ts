import { BadRequestException } from '@nestjs/common';
import { IMPORT_STATUSES, type ImportStatus } from '@sluice/db';
import { decodeCursor } from '../jobs/job-list';
import { referenceOf } from './import-settings';

export interface ImportListQuery {
  /** Only the imports the client labelled so. */
  reference?: string;
  status?: ImportStatus;
  limit: number;
  /** Where the previous page ended: its last import's creation time and id. */
  after?: { createdAt: Date; id: string };
}

const KNOWN = ['reference', 'status', 'limit', 'cursor'];

/** Validates `GET /v1/imports`'s query: each problem named, never a 500. */
export function parseImportListQuery(raw: Record<string, unknown>): ImportListQuery {
  const unknown = Object.keys(raw).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `Unknown query parameter(s) ${unknown.join(', ')}; allowed: ${KNOWN.join(', ')}.`,
    );
  }
  const text = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw new BadRequestException(`${name} may be given once.`);
    }
    return value;
  };
  const reference = text('reference');
  const status = text('status');
  if (status !== undefined && !(IMPORT_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestException(`status must be one of: ${IMPORT_STATUSES.join(', ')}.`);
  }
  const limitText = text('limit');
  const limit = limitText === undefined ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new BadRequestException('limit must be a whole number from 1 to 100.');
  }
  const cursor = text('cursor');
  return {
    reference: reference === undefined ? undefined : referenceOf(reference),
    status: status as ImportStatus | undefined,
    limit,
    after: cursor ? decodeCursor(cursor) : undefined,
  };
}
