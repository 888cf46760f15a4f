import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encodeKeysetCursor } from '../keyset-cursor';
import type { AuditAction } from './audit-actions';
import { type AuditQuery, withoutSecrets } from './audit-query';

/** What an audited action records; `actor` is the API key id, or `admin` for the admin token. */
export interface AuditEntry {
  workspaceId: string | null;
  actor: string;
  /** One of `AUDIT_ACTIONS` (audit-actions.ts), the list the audit lists' `action` filter takes. */
  action: AuditAction;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  correlationId: string | null;
}

/**
 * How long an answer waits for its audit row. The row is written after the action succeeded; a
 * slow database must not hold the answer, so past this the write carries on in the background.
 */
const AUDIT_WAIT_MS = 2000;

/** Reads of person data: frequent, so their rows are written in batches without holding the answer. */
const isRead = (action: string): boolean => action.endsWith('.read') || action === 'export.download';
/** How long a read's row may wait in the batch, and the most rows one INSERT carries. */
const FLUSH_MS = 50;
const FLUSH_ROWS = 500;

interface Pending {
  entry: AuditEntry;
  written: () => void;
}

/**
 * Writes audit events after the audited action succeeded, never failing or long delaying it. An
 * admin action or a credential change waits for its row (at most {@link AUDIT_WAIT_MS}); a read of
 * person data, which every poll of a job makes, joins a batch written within {@link FLUSH_MS} in
 * one INSERT, so reading stays one round trip cheaper than writing. Listing the trail first writes
 * what this gateway still holds; another replica's batch follows within {@link FLUSH_MS}. A batch
 * is hand-written here: it is a list and a timer, nothing a library would add to.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The last batch's write: each batch is written after the one before (see flush). */
  private writing: Promise<void> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records `entry`; never throws. A failed write is logged as an error (the action stands). */
  async record(entry: AuditEntry): Promise<void> {
    const written = new Promise<void>((resolve) => this.pending.push({ entry, written: resolve }));
    if (isRead(entry.action) && this.pending.length < FLUSH_ROWS) {
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
      return;
    }
    void this.flush();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn({ msg: 'audit write is slow; answering without waiting', action: entry.action });
        resolve();
      }, AUDIT_WAIT_MS);
      timer.unref();
    });
    await Promise.race([written, late]);
    clearTimeout(timer);
  }

  /**
   * Writes every row held so far, in one statement, after the statements of earlier flushes: rows
   * get their time (`clock_timestamp()`) as they are written, so two batches written at once on two
   * connections could land in the wrong order (a read batch whose timer fired, then an admin action
   * flushed right behind it).
   */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      return this.writing;
    }
    const written = this.writing.then(() => this.write(batch));
    this.writing = written;
    return written;
  }

  /** Writes one batch; never throws (a lost row is logged as an error, the action stands). */
  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.insert(batch.map((item) => item.entry));
    } catch (error) {
      for (const { entry } of batch) {
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
      }
    } finally {
      batch.forEach((item) => item.written());
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async insert(entries: AuditEntry[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_events (workspace_id, actor, action, target_type, target_id, details, correlation_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[])`,
      [
        entries.map((entry) => entry.workspaceId),
        entries.map((entry) => entry.actor),
        entries.map((entry) => entry.action),
        entries.map((entry) => entry.targetType ?? null),
        entries.map((entry) => entry.targetId ?? null),
        entries.map((entry) => JSON.stringify(withoutSecrets(entry.details ?? {}))),
        entries.map((entry) => entry.correlationId || null),
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly log: AuditLog,
  ) {}

  async list(query: AuditQuery): Promise<{ data: AuditEventView[]; next_cursor: string | null }> {
    await this.log.flush(); // what this gateway still holds in its batch is part of the trail
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
      next_cursor: rows.length > query.limit && last ? encodeKeysetCursor(last.at_key, last.id) : null,
    };
  }
}
