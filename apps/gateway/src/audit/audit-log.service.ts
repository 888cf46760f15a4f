import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AuditQuery, encodeCursor, withoutSecrets } from './audit-query';

/** What an audited action records; `actor` is the API key id, or `admin` for the admin token. */
export interface AuditEntry {
  workspaceId: string | null;
  actor: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  correlationId?: string | null;
}

/**
 * How long an answer waits for its audit row. The row is written after the action succeeded; a
 * slow database must not hold the answer, so past this the write carries on in the background.
 */
const AUDIT_WAIT_MS = 2000;

/** Writes audit events: after the audited action succeeded, never failing or long delaying it. */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records `entry`; never throws. A failed write is logged as an error (the action stands). */
  async record(entry: AuditEntry): Promise<void> {
    const write = this.insert(entry).catch((error: unknown) => {
      this.logger.error({
        msg: 'AUDIT EVENT LOST: the action succeeded but its audit row could not be written',
        event: 'audit.failed',
        action: entry.action,
        workspaceId: entry.workspaceId,
        actor: entry.actor,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        correlationId: entry.correlationId ?? null,
        error: String(error),
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn({ msg: 'audit write is slow; answering without waiting', action: entry.action });
        resolve();
      }, AUDIT_WAIT_MS);
      timer.unref();
    });
    await Promise.race([write, late]);
    clearTimeout(timer);
  }

  private async insert(entry: AuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_events (workspace_id, actor, action, target_type, target_id, details, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entry.workspaceId,
        entry.actor,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        JSON.stringify(withoutSecrets(entry.details ?? {})),
        entry.correlationId || null,
      ],
    );
  }
}

export interface AuditEventView {
  id: string;
  at: string;
  workspace_id: string | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  correlation_id: string | null;
}

/** A page of audit events, newest first, with keyset pagination on (at, id). */
@Injectable()
export class AuditReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: AuditQuery): Promise<{ data: AuditEventView[]; next_cursor: string | null }> {
    const rows = await this.dataSource.query<
      {
        id: string;
        at: Date;
        at_key: string;
        workspace_id: string | null;
        actor: string;
        action: string;
        target_type: string | null;
        target_id: string | null;
        details: Record<string, unknown>;
        correlation_id: string | null;
      }[]
    >(
      `SELECT id, at, at::text AS at_key, workspace_id, actor, action, target_type, target_id, details,
              correlation_id
         FROM audit_events
        WHERE ($1::uuid IS NULL OR workspace_id = $1)
          AND ($2::text IS NULL OR action = $2)
          AND ($3::timestamptz IS NULL OR at >= $3)
          AND ($4::timestamptz IS NULL OR at < $4)
          AND ($5::timestamptz IS NULL OR (at, id) < ($5::timestamptz, $6::uuid))
        ORDER BY at DESC, id DESC
        LIMIT $7`,
      [
        query.workspaceId,
        query.action,
        query.from,
        query.to,
        query.after?.at ?? null,
        query.after?.id ?? null,
        query.limit + 1,
      ],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => ({
        id: row.id,
        at: new Date(row.at).toISOString(),
        workspace_id: row.workspace_id,
        actor: row.actor,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        details: row.details,
        correlation_id: row.correlation_id,
      })),
      next_cursor: rows.length > query.limit && last ? encodeCursor(last.at_key, last.id) : null,
    };
  }
}
