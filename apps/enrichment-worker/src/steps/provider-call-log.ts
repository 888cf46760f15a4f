import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CallOutcome } from '@sluice/db';
import type { CallSink, ProviderCallRecord } from '@sluice/providers';
import { DataSource } from 'typeorm';
import { WorkerMetrics } from '../ops/worker-metrics';

/** The step a provider call is made for. */
export interface CallContext {
  workspaceId: string;
  requestId: string;
  stepId: string;
  operation: string;
  /** Made on the workspace's own account at the provider (its stored credentials). */
  ownAccount: boolean;
}

interface Scope {
  context: CallContext;
  records: ProviderCallRecord[];
}

/** A call log row, as `jsonb_to_recordset` reads it. */
export interface CallRow {
  /**
   * Given when the call is recorded, so that writing the row again (a retry after a write whose
   * answer was lost) never makes a second one.
   */
  id: string;
  workspace_id: string | null;
  request_id: string | null;
  step_id: string | null;
  provider: string;
  operation: string;
  endpoint: string;
  http_status: number | null;
  outcome: CallOutcome;
  error_kind: string | null;
  latency_ms: number;
  credits_charged: number;
  provider_request_id: string | null;
  own_account: boolean;
}

function outcomeOf(record: ProviderCallRecord): CallOutcome {
  if (record.errorKind === null) {
    return 'hit';
  }
  return record.errorKind === 'not_found' ? 'miss' : 'error';
}

function rowOf(context: CallContext | null, record: ProviderCallRecord): CallRow {
  return {
    id: randomUUID(),
    workspace_id: context?.workspaceId ?? null,
    request_id: context?.requestId ?? null,
    step_id: context?.stepId ?? null,
    provider: record.provider,
    operation: context?.operation ?? 'account.balance',
    endpoint: record.endpoint,
    http_status: record.status,
    outcome: outcomeOf(record),
    error_kind: record.errorKind,
    latency_ms: Math.round(record.latencyMs),
    credits_charged: record.credits,
    provider_request_id: record.providerRequestId,
    own_account: context?.ownAccount ?? false,
  };
}

/**
 * The statement that writes call rows given as one JSON parameter (`$n`): any number of rows in one
 * round trip, usable as a CTE in a step's settlement. Idempotent: a row already written (its id) is
 * not written again.
 */
export function insertCallsSql(param: string): string {
  return `INSERT INTO provider_calls (id, workspace_id, request_id, step_id, provider, operation, endpoint,
         http_status, outcome, error_kind, latency_ms, credits_charged, provider_request_id, own_account)
  SELECT id, workspace_id, request_id, step_id, provider, operation, endpoint, http_status, outcome, error_kind,
         latency_ms, credits_charged, provider_request_id, COALESCE(own_account, false)
    FROM jsonb_to_recordset(${param}::jsonb) AS c(id uuid, workspace_id uuid, request_id uuid, step_id uuid,
         provider text, operation text, endpoint text, http_status int, outcome text, error_kind text,
         latency_ms int, credits_charged numeric, provider_request_id text, own_account boolean)
  ON CONFLICT (id) DO NOTHING`;
}

/** A row whose write failed, with how many writes of it failed. */
interface KeptRow {
  row: CallRow;
  attempts: number;
}

/**
 * PostgreSQL refused the rows themselves (SQLSTATE class 22, a data exception, or 23, an integrity
 * constraint violation), not the connection: writing them again would only fail again.
 */
function refusedForTheirData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/*
 * The rows kept for another write are a hand-written bounded buffer with one backoff rather than a
 * retry library's loop per failed write: a retry library retries one promise, while here the rows
 * of many failed writes (every step that settled while PostgreSQL was away) must share one bound
 * on memory and go back in a few batched statements, not in as many concurrent loops.
 */

/** Rows that could not be written kept for another try, at most (the oldest are given up beyond). */
const RETRY_MAX_ROWS = 10_000;
/** Rows written per statement when retrying. */
const RETRY_BATCH_ROWS = 500;
/** The first retry's delay; each failed retry doubles it, up to RETRY_MAX_DELAY_MS. */
const RETRY_FIRST_DELAY_MS = 250;
const RETRY_MAX_DELAY_MS = 30_000;
/** Failed writes after which a row is given up (a few minutes of retries: the backoff is shared). */
const RETRY_MAX_ATTEMPTS = 15;

/**
 * Writes every provider HTTP call to the provider call log. Adapters report each call to
 * {@link sink} (already redacted); the step it belongs to comes from the scope opened by
 * {@link around}, so one adapter instance serves every job at once. A step's calls are written in
 * the transaction that settles it ({@link take}); whatever a run leaves unsettled (a retry, a wait
 * for asynchronous work) is written when the run ends ({@link flush}). A step does not settle, and
 * a run does not end, before its calls are written — or, when PostgreSQL refuses that write (its
 * connections dropped), before they are kept for another try: they are written again in the
 * background, with backoff, until PostgreSQL takes them (at most RETRY_MAX_ROWS kept, each for
 * RETRY_MAX_ATTEMPTS tries; see {@link close} for the worker's stop). Every row has its id from the
 * moment of the call, so a write repeated after its answer was lost adds nothing.
 */
@Injectable()
export class ProviderCallLog {
  private readonly logger = new Logger(ProviderCallLog.name);
  private readonly scopes = new AsyncLocalStorage<Scope>();
  /** Calls made for a step and not yet written, by step id. */
  private readonly unwritten = new Map<string, CallRow[]>();
  /** Steps whose run is under way: their calls wait for the settlement or the run's end. */
  private readonly running = new Set<string>();
  /** Rows whose write failed, oldest first, with how many writes of each failed. */
  private retrying: KeptRow[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  /** Consecutive failed retries: the next one waits longer. */
  private retryFailures = 0;
  private retryRunning: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: WorkerMetrics,
  ) {}

  readonly sink: CallSink = (record) => {
    this.metrics.providerCalls.observe(
      { provider: record.provider, endpoint: record.endpoint, outcome: outcomeOf(record) },
      record.latencyMs / 1000,
    );
    const scope = this.scopes.getStore();
    if (!scope) {
      // A call made for the pipeline itself (a balance check): logged without a step.
      void this.write([rowOf(null, record)], null);
      return;
    }
    scope.records.push(record);
  };

  /** Runs `work` with its provider calls attributed to `context`; they wait for {@link take} or {@link flush}. */
  async around<T>(context: CallContext, work: () => Promise<T>): Promise<T> {
    const scope: Scope = { context, records: [] };
    try {
      return await this.scopes.run(scope, work);
    } finally {
      if (scope.records.length > 0) {
        const rows = scope.records.map((record) => rowOf(context, record));
        if (this.running.has(context.stepId)) {
          this.unwritten.set(context.stepId, [...(this.unwritten.get(context.stepId) ?? []), ...rows]);
        } else {
          // The run already ended (it timed out waiting for this call): write the calls now.
          await this.write(rows, context.stepId);
        }
      }
    }
  }

  /** The step's unwritten calls (the caller writes them, with {@link insertCallsSql}). */
  take(stepId: string): CallRow[] {
    const rows = this.unwritten.get(stepId) ?? [];
    this.unwritten.delete(stepId);
    return rows;
  }

  /**
   * What the provider charged for the step's calls this run has made and not yet written (the calls
   * it answered: a charge rule counts only 2xx answers). Non-zero after a failure when the provider
   * charged for an answer that could not then be read (an `invalid_response` after a 2xx).
   */
  chargedFor(stepId: string): number {
    return (this.unwritten.get(stepId) ?? [])
      .filter((row) => row.outcome === 'hit')
      .reduce((sum, row) => sum + row.credits_charged, 0);
  }

  /** Puts calls back that a settlement taken them for did not write (its transaction rolled back). */
  restore(stepId: string, rows: CallRow[]): void {
    if (rows.length > 0) {
      this.unwritten.set(stepId, [...rows, ...(this.unwritten.get(stepId) ?? [])]);
    }
  }

  /** The step the calls being made now are for, if any. */
  current(): CallContext | undefined {
    return this.scopes.getStore()?.context;
  }

  /** A run of the step begins: its calls wait for its settlement or its end. */
  begin(stepId: string): void {
    this.running.add(stepId);
  }

  /** The run of the step ends: writes what it left unwritten (or keeps it for another try). */
  async flush(stepId: string): Promise<void> {
    this.running.delete(stepId);
    const rows = this.unwritten.get(stepId);
    if (!rows || rows.length === 0) {
      return;
    }
    this.unwritten.delete(stepId);
    await this.write(rows, stepId);
  }

  /**
   * The workers have stopped (no step runs any more, so no row is added but a straggler's): one
   * last try at the rows kept, then whatever PostgreSQL still refuses is given up, logged and
   * counted. Called by `ProviderWorkers` once its workers are closed, before the connection
   * pool closes (before application shutdown; the pool closes on it). With PostgreSQL silent this
   * try may not end before the shutdown deadline: the rows are then lost unlogged, as the process
   * exits by force (see `SignalShutdown`).
   */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    await this.retryRunning;
    if (this.retrying.length > 0) {
      await this.retry();
    }
    if (this.retrying.length > 0) {
      this.giveUp(this.retrying.length, 'the worker stopped before PostgreSQL took them');
      this.retrying = [];
    }
    this.metrics.providerCallsWaiting.set(0);
  }

  /** Writes the rows, or keeps them for another try when PostgreSQL refuses. */
  private async write(rows: CallRow[], stepId: string | null): Promise<void> {
    try {
      await this.insert(rows);
    } catch (error) {
      if (refusedForTheirData(error)) {
        this.giveUp(rows.length, `PostgreSQL refused the rows: ${String(error)}`);
        return;
      }
      this.logger.warn({
        msg: 'could not log provider calls; they are kept and written again',
        stepId,
        calls: rows.length,
        error: String(error),
      });
      this.keep(rows.map((row) => ({ row, attempts: 1 })));
    }
  }

  private keep(entries: KeptRow[]): void {
    if (this.stopped) {
      this.giveUp(entries.length, 'the worker stopped');
      return;
    }
    const kept = entries.filter((entry) => entry.attempts < RETRY_MAX_ATTEMPTS);
    if (kept.length < entries.length) {
      this.giveUp(entries.length - kept.length, `${RETRY_MAX_ATTEMPTS} writes failed`);
    }
    this.retrying.push(...kept);
    const over = this.retrying.length - RETRY_MAX_ROWS;
    if (over > 0) {
      this.retrying.splice(0, over);
      this.giveUp(over, `more than ${RETRY_MAX_ROWS} calls were waiting to be written`);
    }
    this.schedule();
  }

  private giveUp(calls: number, why: string): void {
    this.metrics.providerCallsUnlogged.inc(calls);
    this.logger.error({ msg: 'provider calls were not logged', calls, why });
  }

  private schedule(): void {
    this.metrics.providerCallsWaiting.set(this.retrying.length);
    if (this.stopped || this.retryTimer || this.retryRunning || this.retrying.length === 0) {
      return;
    }
    // Jittered (half to all of the step), so that replicas refused by the same failover do not all
    // write again at the same moment.
    const step = Math.min(RETRY_MAX_DELAY_MS, RETRY_FIRST_DELAY_MS * 2 ** this.retryFailures);
    const delay = step / 2 + Math.random() * (step / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.retry();
    }, delay);
    this.retryTimer.unref();
  }

  /** Writes the rows kept, a batch at a time; stops at the first failure and tries again later. */
  private retry(): Promise<void> {
    if (this.retryRunning) {
      return this.retryRunning;
    }
    this.retryRunning = (async () => {
      while (this.retrying.length > 0) {
        const batch = this.retrying.splice(0, RETRY_BATCH_ROWS);
        let unwritten: KeptRow[];
        let failure: unknown;
        try {
          await this.insert(batch.map((entry) => entry.row));
          this.retryFailures = 0;
          continue;
        } catch (error) {
          failure = error;
          // A row PostgreSQL will never take must not cost the rest of its batch theirs.
          unwritten = refusedForTheirData(error) ? await this.writeEach(batch) : batch;
        }
        if (unwritten.length === 0) {
          continue;
        }
        this.retryFailures += 1;
        this.logger.warn({
          msg: 'could not log provider calls again; they are kept',
          calls: unwritten.length + this.retrying.length,
          error: String(failure),
        });
        // Back in front, oldest first, one more failure each.
        const failed = unwritten.map((entry) => ({ row: entry.row, attempts: entry.attempts + 1 }));
        const kept = failed.filter((entry) => entry.attempts < RETRY_MAX_ATTEMPTS);
        if (kept.length < failed.length) {
          this.giveUp(failed.length - kept.length, `${RETRY_MAX_ATTEMPTS} writes failed`);
        }
        this.retrying.unshift(...kept);
        break;
      }
    })().finally(() => {
      this.retryRunning = null;
      this.schedule();
    });
    return this.retryRunning;
  }

  /**
   * Writes a batch PostgreSQL refused for a row's data one row at a time: the rows it refuses are
   * given up, the others written. Answers the rows not written when a write failed for another
   * reason (the connection): that row and the ones after it, which are not tried.
   */
  private async writeEach(batch: KeptRow[]): Promise<KeptRow[]> {
    for (const [index, entry] of batch.entries()) {
      try {
        await this.insert([entry.row]);
      } catch (error) {
        if (!refusedForTheirData(error)) {
          return batch.slice(index);
        }
        this.giveUp(1, `PostgreSQL refused the row: ${String(error)}`);
      }
    }
    return [];
  }

  private async insert(rows: CallRow[]): Promise<void> {
    await this.dataSource.query(insertCallsSql('$1'), [JSON.stringify(rows)]);
  }
}
