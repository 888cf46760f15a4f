import { BadRequestException } from '@nestjs/common';
import { isCalendarDate, refuseUnknownParams, utcDate } from '../http-params';
import { decodeKeysetCursor, type KeysetPosition } from '../keyset-cursor';
import { AUDIT_ACTIONS, type AuditAction, isAuditAction } from './audit-actions';

/** Detail keys that could carry a secret: dropped from every audit row, whatever the caller passed. */
const SECRET_KEY = /secret|token|password|api_?key$|key_hash|ciphertext|credential_values|authorization/i;

/** `details` without any member whose name looks like it holds a secret (at any depth). */
export function withoutSecrets(details: Record<string, unknown>): Record<string, unknown> {
  const clean = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(clean);
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key]) => !SECRET_KEY.test(key))
          .map(([key, inner]) => [key, clean(inner)]),
      );
    }
    return value;
  };
  return clean(details) as Record<string, unknown>;
}

export interface AuditQuery {
  workspaceId: string | null;
  action: AuditAction | null;
  from: Date | null;
  to: Date | null;
  limit: number;
  /** Keyset position: the `at` (full precision, as text) and id of the last row of the previous page. */
  after: KeysetPosition | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTION = /^[a-z_]+(\.[a-z_]+)*$/;

function dateOf(name: string, value: unknown): Date | null {
  if (value === undefined) {
    return null;
  }
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new BadRequestException(`${name} must be an ISO 8601 date or time, like 2026-12-01T00:00:00Z.`);
  }
  return utcDate(value);
}

/**
 * The filters of an audit list: `workspace_id` (admin only), `action` (one of
 * {@link AUDIT_ACTIONS}), `from`/`to` (ISO 8601, from inclusive, to exclusive), `limit` 1–200
 * (default 50), `cursor`. Anything else is refused by name.
 */
export function parseAuditQuery(query: Record<string, unknown>, options: { admin: boolean }): AuditQuery {
  const allowed = [...(options.admin ? ['workspace_id'] : []), 'action', 'from', 'to', 'limit', 'cursor'];
  refuseUnknownParams(query, allowed);
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      throw new BadRequestException(`${key} must be given once, as a single value.`);
    }
  }
  const workspace = query.workspace_id as string | undefined;
  if (workspace !== undefined && !UUID.test(workspace)) {
    throw new BadRequestException('workspace_id must be a UUID.');
  }
  const action = query.action as string | undefined;
  if (action !== undefined && (!ACTION.test(action) || action.length > 100)) {
    throw new BadRequestException('action must be an action name like job.read or api_key.create.');
  }
  // A misspelt action would match no row and read as "nothing happened".
  if (action !== undefined && !isAuditAction(action)) {
    throw new BadRequestException(
      `action '${action}' is not an audited action; actions: ${AUDIT_ACTIONS.join(', ')}.`,
    );
  }
  let limit = 50;
  const rawLimit = query.limit as string | undefined; // a single string: checked above
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 200) {
      throw new BadRequestException('limit must be a whole number from 1 to 200.');
    }
  }
  const from = dateOf('from', query.from);
  const to = dateOf('to', query.to);
  if (from && to && from >= to) {
    throw new BadRequestException('from must be before to.');
  }
  return {
    workspaceId: workspace ?? null,
    action: action ?? null,
    from,
    to,
    limit,
    after: query.cursor === undefined ? null : decodeKeysetCursor(query.cursor as string),
  };
}
