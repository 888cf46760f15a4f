import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, GatewayConfig } from '@sluice/config';
import type { ErasureStatus } from '@sluice/db';
import { suppressionHash, type SuppressionIdentifierKind } from '@sluice/enrichment';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import type { Caller } from '../auth/request-context';
import { encodeKeysetCursor, type KeysetPosition } from '../keyset-cursor';
import { type ErasureIdentifiers, type ErasureReport, ErasureService, escapeRegex } from './erasure.service';

/** An erasure as `GET /v1/erasures/:id` shows it (and `DELETE /v1/persons` when it answers 202). */
export interface ErasureView {
  id: string;
  status: ErasureStatus;
  /** The kind of identifier it was asked by. */
  kind: SuppressionIdentifierKind;
  /** SHA-256 of the normalised identifier, as the suppression and the audit trail name the person. */
  identifier_hash: string;
  suppressed: { kind: SuppressionIdentifierKind }[];
  /** What was erased, per table or store, once completed (the `erased` of DELETE /v1/persons). */
  erased: Record<string, number> | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  /** The last sign of life of the gateway running it. */
  heartbeat_at: string;
}

/** An erasure started: its record as it stands, and its end (the report, or why it failed). */
export interface StartedErasure {
  view: ErasureView;
  done: Promise<ErasureReport>;
}

/** An erasure's row as read, with the view's fields (its times as dates). */
type ErasureRow = Omit<ErasureView, 'created_at' | 'finished_at' | 'heartbeat_at'> & {
  created_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  /** Running, with no sign of life for ERASURE_STALE_AFTER_MS (by the database's clock). */
  stale: boolean;
  created_key: string;
};

/** An erasure this gateway runs. */
interface Run {
  done: Promise<ErasureReport>;
  stop: AbortController;
  /** The PostgreSQL backend running its deletions and their transaction's start, once they began. */
  connection: { backend: { pid: number; started: string } | null };
}

const COLUMNS = `id, status, kind, identifier_hash, suppressed, erased, error, created_at, finished_at,
  heartbeat_at, created_at::text AS created_key,
  status = 'running' AND heartbeat_at < now() - make_interval(secs => $2::double precision / 1000) AS stale`;

const REPEAT =
  'The suppression is recorded, so the person is not enriched again; repeat DELETE /v1/persons with the same identifier to finish the erasure (repeating is safe).';

/** Shares of SHUTDOWN_TIMEOUT_MS: waiting for erasures to finish, then for those stopped to roll back. */
const SHUTDOWN_DRAIN_SHARE = 0.6;
const SHUTDOWN_STOP_SHARE = 0.15;

/**
 * Runs the erasures of `DELETE /v1/persons` in this gateway and keeps their record (`erasures`).
 * The suppression and the record commit together before the request is answered; the deletions
 * then run to their end whether or not the request still waits, one at a time per workspace (here,
 * then under the workspace's erasure run lock across replicas). A running record is refreshed on a
 * timer; one whose gateway died is read as failed, interrupted, rather than marked so by a sweep:
 * reading it so costs nothing, needs no timer, and a gateway that was only slow to refresh (its
 * pool busy) still records the erasure's true end when it comes.
 */
@Injectable()
export class ErasureRuns implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ErasureRuns.name);
  private readonly runs = new Map<string, Run>();
  /** Per workspace, the end of the last erasure this gateway queued. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly closingController = new AbortController();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly erasure: ErasureService,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
    private readonly core: CoreConfig,
  ) {}

  /**
   * Records the suppression and the erasure's record, together, then sets the deletions going.
   * When this answers, later jobs for the person are refused.
   */
  async start(
    caller: Caller,
    correlationId: string,
    kind: SuppressionIdentifierKind,
    normalised: string,
  ): Promise<StartedErasure> {
    const id = randomUUID();
    const { identifiers, row } = await this.dataSource.transaction(async (manager) => {
      const found = await this.erasure.suppress(manager, caller.workspaceId, kind, normalised);
      const suppressed = [...found].flatMap(([k, values]) => [...values].map(() => ({ kind: k })));
      const [inserted] = await manager.query<ErasureRow[]>(
        `INSERT INTO erasures (id, workspace_id, kind, identifier_hash, suppressed)
         VALUES ($1, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [
          id,
          this.config.erasureStaleAfterMs,
          caller.workspaceId,
          kind,
          suppressionHash(normalised),
          JSON.stringify(suppressed),
        ],
      );
      return { identifiers: found, row: inserted };
    });
    const done = this.run(id, caller, correlationId, kind, row.identifier_hash, identifiers);
    return { view: this.viewOf(row), done };
  }

  /**
   * The erasure's report if it finishes within `waitMs`; null if not (or when the gateway begins
   * to shut down meanwhile: the request is answered, and the erasure goes on while the shutdown
   * waits for it). A failure within the wait is thrown, as the erasure's request fails.
   */
  async outcome(done: Promise<ErasureReport>, waitMs: number): Promise<ErasureReport | null> {
    if (waitMs <= 0 || this.closingController.signal.aborted) {
      return null;
    }
    const stopWaiting = new AbortController();
    const onClose = (): void => stopWaiting.abort();
    this.closingController.signal.addEventListener('abort', onClose, { once: true });
    try {
      return await Promise.race([
        done,
        delay(waitMs, null, { signal: stopWaiting.signal }).catch(() => null),
      ]);
    } finally {
      stopWaiting.abort();
      this.closingController.signal.removeEventListener('abort', onClose);
    }
  }

  /** An erasure of the caller's workspace; 404 for any other. */
  async get(workspaceId: string, id: string): Promise<ErasureView> {
    const [row] = await this.dataSource.query<ErasureRow[]>(
      `SELECT ${COLUMNS} FROM erasures WHERE id = $1 AND workspace_id = $3`,
      [id, this.config.erasureStaleAfterMs, workspaceId],
    );
    if (!row) {
      throw new NotFoundException(`No erasure ${id} in this workspace.`);
    }
    return this.viewOf(row);
  }

  /** The workspace's erasures, newest first, a page at a time. */
  async list(
    workspaceId: string,
    limit: number,
    after?: KeysetPosition,
  ): Promise<{ data: ErasureView[]; next_cursor: string | null }> {
    const rows = await this.dataSource.query<ErasureRow[]>(
      `SELECT ${COLUMNS} FROM erasures
        WHERE workspace_id = $1
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $5`,
      [workspaceId, this.config.erasureStaleAfterMs, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page.at(-1) : undefined;
    return {
      data: page.map((row) => this.viewOf(row)),
      next_cursor: last ? encodeKeysetCursor(last.created_key, last.id) : null,
    };
  }

  /**
   * On shutdown, waiting requests are answered at once (202) and the erasures in progress are
   * given most of SHUTDOWN_TIMEOUT_MS to finish. Those that cannot are stopped: their deletions
   * roll back together, and their record says they were interrupted and that repeating finishes
   * them. The database and Redis close only after this (their hooks run later).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closingController.abort();
    if (this.runs.size === 0) {
      return;
    }
    const drainMs = Math.floor(this.core.shutdownTimeoutMs * SHUTDOWN_DRAIN_SHARE);
    this.logger.log({ msg: 'waiting for erasures in progress', erasures: [...this.runs.keys()], drainMs });
    await this.settled(drainMs);
    if (this.runs.size === 0) {
      return;
    }
    const stopped = [...this.runs.keys()];
    for (const run of this.runs.values()) {
      run.stop.abort(new Error(`Interrupted: the gateway shut down before the erasure finished. ${REPEAT}`));
      const backend = run.connection.backend;
      if (backend !== null) {
        // Only while the backend is still in the erasure's transaction: its connection goes back
        // to the pool when the transaction ends, and may be running another request's query.
        await this.dataSource
          .query(
            `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
              WHERE pid = $1 AND xact_start = $2::timestamptz`,
            [backend.pid, backend.started],
          )
          .catch((error: unknown) =>
            this.logger.warn({ msg: 'could not cancel an erasure statement', error: String(error) }),
          );
      }
    }
    await this.settled(Math.floor(this.core.shutdownTimeoutMs * SHUTDOWN_STOP_SHARE));
    this.logger.warn({
      msg: 'erasures stopped by the shutdown: repeating their DELETE finishes them',
      erasures: stopped,
      stillRunning: [...this.runs.keys()],
    });
  }

  /** Waits until no erasure runs here, or `ms` passed. */
  private async settled(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.runs.size > 0 && Date.now() < deadline) {
      const timer = new AbortController();
      await Promise.race([
        Promise.allSettled([...this.runs.values()].map((run) => run.done)),
        delay(deadline - Date.now(), undefined, { signal: timer.signal }).catch(() => undefined),
      ]);
      timer.abort();
    }
  }

  private run(
    id: string,
    caller: Caller,
    correlationId: string,
    kind: SuppressionIdentifierKind,
    hash: string,
    identifiers: ErasureIdentifiers,
  ): Promise<ErasureReport> {
    const { workspaceId } = caller;
    const stop = new AbortController();
    const connection: Run['connection'] = { backend: null };
    const heartbeat = setInterval(
      () =>
        void this.dataSource
          .query(
            `UPDATE erasures SET heartbeat_at = now() WHERE id = $1 AND workspace_id = $2 AND status = 'running'`,
            [id, workspaceId],
          )
          .catch((error: unknown) =>
            this.logger.warn({ msg: 'erasure heartbeat not written', erasureId: id, error: String(error) }),
          ),
      Math.max(250, Math.floor(this.config.erasureStaleAfterMs / 3)),
    );
    heartbeat.unref();
    // One erasure of a workspace at a time in this gateway: those queued behind it hold no
    // database connection while they wait (each would hold one, waiting for the run lock).
    const previous = this.queues.get(workspaceId) ?? Promise.resolve();
    const done = previous
      .then(() =>
        this.erasure.eraseSuppressed(workspaceId, kind, identifiers, {
          erasureId: id,
          signal: stop.signal,
          onConnection: (backend) => {
            connection.backend = backend;
          },
        }),
      )
      .then(
        async (report) => {
          // The person is named by the hash their suppression is stored under, never by the
          // identifier: an audit row outlives the erasure (the trail is append-only), so a clear
          // identifier here would keep exactly what was erased.
          await this.audit.record({
            workspaceId,
            actor: caller.apiKeyId,
            action: 'person.erase',
            targetType: 'person',
            targetId: hash,
            details: { kind, erased: report.erased, suppressed: report.suppressed.length, erasure_id: id },
            correlationId,
          });
          // After the audit row: a record read as completed has its audit row written.
          await this.finish(id, workspaceId, 'completed', report.erased, null);
          return report;
        },
        async (error: unknown) => {
          const reason = stop.signal.aborted
            ? errorText(stop.signal.reason)
            : `The erasure failed: ${withoutIdentifiers(errorText(error), identifiers)}. ${REPEAT}`;
          this.logger.error({ msg: 'erasure failed', erasureId: id, workspaceId, error: reason });
          await this.finish(id, workspaceId, 'failed', null, reason);
          throw error;
        },
      )
      .finally(() => {
        clearInterval(heartbeat);
        this.runs.delete(id);
        if (this.queues.get(workspaceId) === queued) {
          this.queues.delete(workspaceId);
        }
      });
    // Its failure is recorded and logged; nobody need wait for it (a 202 was answered).
    const queued = done.catch(() => undefined);
    this.queues.set(workspaceId, queued);
    this.runs.set(id, { done, stop, connection });
    return done;
  }

  /** Records the erasure's end; a record that cannot be written reads as interrupted later. */
  private async finish(
    id: string,
    workspaceId: string,
    status: ErasureStatus,
    erased: Record<string, number> | null,
    error: string | null,
  ): Promise<void> {
    await this.dataSource
      .query(
        `UPDATE erasures SET status = $3, erased = $4, error = $5, finished_at = now(), heartbeat_at = now()
          WHERE id = $1 AND workspace_id = $2`,
        [id, workspaceId, status, erased === null ? null : JSON.stringify(erased), error],
      )
      .catch((failure: unknown) =>
        this.logger.error({
          msg: 'erasure record not written',
          erasureId: id,
          status,
          error: String(failure),
        }),
      );
  }

  private viewOf(row: ErasureRow): ErasureView {
    const seconds = Math.round(this.config.erasureStaleAfterMs / 1000);
    return {
      id: row.id,
      status: row.stale ? 'failed' : row.status,
      kind: row.kind,
      identifier_hash: row.identifier_hash,
      suppressed: row.suppressed,
      erased: row.erased,
      error: row.stale
        ? `Interrupted: the gateway running this erasure stopped (no sign of it for over ${seconds} s) before it finished. ${REPEAT}`
        : row.error,
      created_at: row.created_at.toISOString(),
      finished_at: row.finished_at?.toISOString() ?? null,
      heartbeat_at: row.heartbeat_at.toISOString(),
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The text with the person's identifiers blanked: a database error may quote a value. */
function withoutIdentifiers(text: string, identifiers: ErasureIdentifiers): string {
  let plain = text;
  for (const values of identifiers.values()) {
    for (const value of values) {
      for (const form of [value, value.replace(/^https:\/\/www\./, '')]) {
        plain = plain.replace(new RegExp(escapeRegex(form), 'gi'), '[identifier]');
      }
    }
  }
  return plain;
}
