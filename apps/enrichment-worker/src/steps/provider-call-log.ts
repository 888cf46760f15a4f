import { AsyncLocalStorage } from 'node:async_hooks';
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
}

interface Scope {
  context: CallContext;
  records: ProviderCallRecord[];
}

/** A call log row, as `jsonb_to_recordset` reads it. */
export interface CallRow {
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
}

function outcomeOf(record: ProviderCallRecord): CallOutcome {
  if (record.errorKind === null) {
    return 'hit';
  }
  return record.errorKind === 'not_found' ? 'miss' : 'error';
}

function rowOf(context: CallContext | null, record: ProviderCallRecord): CallRow {
  return {
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
  };
}

/**
 * The statement that writes call rows given as one JSON parameter (`$n`): any number of rows in one
 * round trip, usable as a CTE in a step's settlement.
 */
export function insertCallsSql(param: string): string {
  return `INSERT INTO provider_calls (workspace_id, request_id, step_id, provider, operation, endpoint,
         http_status, outcome, error_kind, latency_ms, credits_charged, provider_request_id)
  SELECT workspace_id, request_id, step_id, provider, operation, endpoint, http_status, outcome, error_kind,
         latency_ms, credits_charged, provider_request_id
    FROM jsonb_to_recordset(${param}::jsonb) AS c(workspace_id uuid, request_id uuid, step_id uuid, provider text,
         operation text, endpoint text, http_status int, outcome text, error_kind text, latency_ms int,
         credits_charged numeric, provider_request_id text)`;
}

/**
 * Writes every provider HTTP call to the provider call log. Adapters report each call to
 * {@link sink} (already redacted); the step it belongs to comes from the scope opened by
 * {@link around}, so one adapter instance serves every job at once. A step's calls are written in
 * the transaction that settles it ({@link take}); whatever a run leaves unsettled (a retry, a wait
 * for asynchronous work) is written when the run ends ({@link flush}). A step does not settle, and
 * a run does not end, before its calls are written.
 */
@Injectable()
export class ProviderCallLog {
  private readonly logger = new Logger(ProviderCallLog.name);
  private readonly scopes = new AsyncLocalStorage<Scope>();
  /** Calls made for a step and not yet written, by step id. */
  private readonly unwritten = new Map<string, CallRow[]>();
  /** Steps whose run is under way: their calls wait for the settlement or the run's end. */
  private readonly running = new Set<string>();

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
      this.insert([rowOf(null, record)]).catch((error: unknown) =>
        this.logger.warn({
          msg: 'could not log a provider call',
          endpoint: record.endpoint,
          error: String(error),
        }),
      );
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
          await this.insert(rows).catch((error: unknown) =>
            this.logger.warn({
              msg: 'could not log provider calls',
              stepId: context.stepId,
              error: String(error),
            }),
          );
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

  /** The run of the step ends: writes what it left unwritten. */
  async flush(stepId: string): Promise<void> {
    this.running.delete(stepId);
    const rows = this.unwritten.get(stepId);
    if (!rows || rows.length === 0) {
      return;
    }
    this.unwritten.delete(stepId);
    try {
      await this.insert(rows);
    } catch (error) {
      this.logger.warn({
        msg: 'could not log provider calls',
        stepId,
        calls: rows.length,
        error: String(error),
      });
    }
  }

  private async insert(rows: CallRow[]): Promise<void> {
    await this.dataSource.query(insertCallsSql('$1'), [JSON.stringify(rows)]);
  }
}
