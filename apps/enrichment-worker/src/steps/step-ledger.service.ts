import { Injectable } from '@nestjs/common';
import { suppressionHashesOf } from '@sluice/enrichment';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  EnrichmentRequest,
  EnrichmentStep,
  ErasedTask,
  preparedSql,
  queryPrepared,
  suppressedUnderErasureLock,
  type LedgerKind,
  type StepState,
} from '@sluice/db';
import { DataSource, type EntityManager } from 'typeorm';
import { insertCallsSql, ProviderCallLog } from './provider-call-log';
import {
  fromRow,
  metadataOf,
  requestWithStepsOf,
  type RequestWithSteps,
  selectList,
  statementFor,
  takePendingStep,
  type TakenStep,
} from './rows';

/**
 * A step's settlement in one statement: the request's row lock, then the step (only if still
 * pending), its ledger row (only if it charged; the key is the step's, so never twice) and its
 * provider calls (whatever the step's state); it answers the request with its steps as read under
 * the lock (`r_…`, `s_…`) and the step as settled (`u_…`, null when it was not pending).
 *
 * The lock comes first, as cancelling and planning take it: the step's UPDATE waits on `r` (its
 * one-time EXISTS), which locks the request's row before any step row is touched. The steps read
 * beside it are the statement's snapshot, so the settled one appears as it was; `u_…` replaces it.
 */
const SETTLE_SQL = statementFor(
  (meta) => `WITH r AS (
    -- workspace_id: see WORKSPACE_BESIDE_KEY (libs/db/src/prepared.ts)
    SELECT * FROM enrichment_requests WHERE id = $11 AND workspace_id IS NOT DISTINCT FROM $12 FOR UPDATE
  ), s AS (
    UPDATE enrichment_steps
       SET state = $2, reason = $3, error = $4, latency_ms = $5, credits = $6, output = $7::jsonb, cached = $8,
           completed_at = now(), updated_at = now()
     WHERE id = $1 AND state = 'pending' AND EXISTS (SELECT 1 FROM r)
     RETURNING *
  ), ledger AS (
    INSERT INTO credit_ledger (provider, workspace_id, request_id, step_id, kind, credits, idempotency_key)
    SELECT provider, workspace_id, request_id, id, $10, credits, 'step:' || id FROM s WHERE credits > 0
    ON CONFLICT (idempotency_key) DO NOTHING
  ), calls AS (
    ${insertCallsSql('$9')}
  )
  SELECT ${selectList(meta.request, 'r', 'r_')}, ${selectList(meta.step, 'st', 's_')},
         ${selectList(meta.step, 'u', 'u_')}
    FROM r
    LEFT JOIN enrichment_steps st ON st.request_id = r.id
    LEFT JOIN s u ON true
   ORDER BY st.seq`,
);

/**
 * What a provider charged for a step that was settled meanwhile by someone else — a cancellation
 * (of the job, its batch or import, or by the companies stream) skips pending steps, and a call
 * already on the wire is charged all the same. The step keeps its state and reason; it takes the
 * credits and their ledger row (the step's key: never twice), so the ledger stays what the provider
 * charged. A step that already shows credits was settled by a run that recorded its own charge.
 * Run after SETTLE_SQL in its transaction: the request's lock is held, and this statement sees the
 * cancellation that SETTLE_SQL waited for.
 */
const CHARGE_SETTLED_SQL = preparedSql(
  `WITH s AS (
    UPDATE enrichment_steps SET credits = $3, updated_at = now()
     WHERE id = $1 AND workspace_id IS NOT DISTINCT FROM $2 -- see WORKSPACE_BESIDE_KEY (libs/db/src/prepared.ts)
       AND state <> 'pending' AND credits = 0
     RETURNING provider, workspace_id, request_id, id, credits
  )
  INSERT INTO credit_ledger (provider, workspace_id, request_id, step_id, kind, credits, idempotency_key)
  SELECT provider, workspace_id, request_id, id, $4, credits, 'step:' || id FROM s
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING credits`,
);

/** The credits CHARGE_SETTLED_SQL recorded: 0 when the step showed a charge already. */
function recorded(rows: readonly { credits: string | number }[]): number {
  return rows.reduce((sum, row) => sum + Number(row.credits), 0);
}

const SUPPRESSED_SQL = preparedSql(
  'SELECT 1 FROM suppressions WHERE workspace_id = $1 AND identifier_hash = ANY($2::text[]) LIMIT 1',
);

export interface StepSettlement {
  state: Exclude<StepState, 'pending'>;
  /** Why it ended so (e.g. `not_found`, `circuit_open`, `rejected: catch_all`); null for an accepted answer. */
  reason: string | null;
  error?: string | null;
  latencyMs: number | null;
  /** Credits the provider charged for this step (0 for cached answers). */
  credits: number;
  output?: Record<string, unknown> | null;
  cached?: boolean;
  /**
   * The ledger row's kind: `charge` (the platform's account, the default) or `workspace_charge` (a
   * call on the workspace's own credentials).
   */
  ledgerKind?: Extract<LedgerKind, 'charge' | 'workspace_charge'>;
  /**
   * Suppression hashes of the people the settlement's output names: checked in its transaction,
   * under the workspace's erasure lock (see `suppressedUnderErasureLock`), before anything is written.
   */
  names?: readonly string[];
}

/**
 * A settlement's output names a person erased from the workspace since the step's own checks: the
 * transaction wrote nothing; the caller settles the step as suppressed instead.
 */
export class NamesErasedPersonError extends Error {
  constructor() {
    super('the answer names a person erased from this workspace');
  }
}

/**
 * The writes that move a step forward. Each transition is a conditional update
 * (`WHERE state = 'pending'`), so a retried or duplicated job can never settle a step twice, and
 * the credit ledger row's key is the step's, so it can never be charged twice either.
 */
@Injectable()
export class StepLedger {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callLog: ProviderCallLog,
  ) {}

  /**
   * Takes the pending step for a run, with its request, recording the run's attempt (see
   * `takePendingStep`), in one statement. Null once the step is settled.
   */
  loadPending(stepId: string, attempt: number): Promise<TakenStep | null> {
    return takePendingStep(this.dataSource, stepId, attempt);
  }

  stepsOf(requestId: string): Promise<EnrichmentStep[]> {
    return this.dataSource
      .getRepository(EnrichmentStep)
      .find({ where: { requestId }, order: { seq: 'ASC' } });
  }

  /**
   * Whether any of `inputs` names a person erased from the workspace (the suppression list holds
   * SHA-256 hashes of normalised identifiers): no paid call is made for them.
   */
  async isSuppressed(
    workspaceId: string,
    inputs: readonly Readonly<Record<string, unknown>>[],
  ): Promise<boolean> {
    const hashes = [...new Set(inputs.flatMap((input) => suppressionHashesOf(input).map((h) => h.hash)))];
    if (hashes.length === 0) {
      return false;
    }
    const rows = await queryPrepared<unknown[]>(this.dataSource, SUPPRESSED_SQL, [workspaceId, hashes]);
    return rows.length > 0;
  }

  /**
   * A step skipped (cancelled) with no charge recorded yet, and its request, when a run of it may
   * still have a charge to record: asynchronous work it started at the provider (its task id), or,
   * with `paidKept`, an answer it paid for and kept before it could settle it. Null for any other
   * step.
   */
  async skippedUncharged(
    stepId: string,
    paidKept: boolean,
  ): Promise<{ step: EnrichmentStep; request: EnrichmentRequest } | null> {
    const step = await this.dataSource
      .getRepository(EnrichmentStep)
      .findOne({ where: { id: stepId, state: 'skipped' } });
    if (!step || Number(step.credits) !== 0 || (!step.providerTaskId && !paidKept)) {
      return null;
    }
    const request = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOne({ where: { id: step.requestId, workspaceId: step.workspaceId } });
    return request ? { step, request } : null;
  }

  /** The asynchronous work of the step, if the step was erased with a person while it ran (see ErasedTask). */
  async erasedTask(stepId: string): Promise<ErasedTask | null> {
    return this.dataSource.getRepository(ErasedTask).findOneBy({ stepId });
  }

  /**
   * Records what the provider charged for the work of a step erased while it ran, with what is
   * left of the step (its ids), under the key its settlement would have had (`step:<id>`), and
   * forgets the work: the credits recorded (0 when recorded already).
   */
  async chargeErased(
    task: ErasedTask,
    credits: number,
    ledgerKind: Extract<LedgerKind, 'charge' | 'workspace_charge'>,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows =
        credits > 0
          ? await manager.query<{ credits: string }[]>(
              `INSERT INTO credit_ledger (provider, workspace_id, request_id, step_id, kind, credits, idempotency_key)
               VALUES ($1, $2, $3, $4::uuid, $5, $6, 'step:' || $4::text)
               ON CONFLICT (idempotency_key) DO NOTHING
               RETURNING credits`,
              [task.provider, task.workspaceId, task.requestId, task.stepId, ledgerKind, String(credits)],
            )
          : [];
      await manager.delete(ErasedTask, { stepId: task.stepId });
      return recorded(rows);
    });
  }

  /** Forgets the work of an erased step that charged nothing (or whose charge is past collecting). */
  async forgetErased(stepId: string): Promise<void> {
    await this.dataSource.getRepository(ErasedTask).delete({ stepId });
  }

  /** Whether the provider called back for the step's work (it has finished it, and charged for it). */
  async calledBack(stepId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM webhook_events WHERE step_id = $1 LIMIT 1',
      [stepId],
    );
    return rows.length > 0;
  }

  /**
   * Drops the provider callbacks stored for a step (their bodies quote the answer): for a step
   * whose answer named a person erased from the workspace.
   */
  async forgetCallbacks(
    step: Pick<EnrichmentStep, 'id' | 'workspaceId'>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query('DELETE FROM webhook_events WHERE step_id = $1 AND workspace_id = $2', [
      step.id,
      step.workspaceId,
    ]);
  }

  /**
   * Records what the provider charged for a step settled meanwhile (see CHARGE_SETTLED_SQL): the
   * credits recorded, 0 when the step already showed its charge.
   */
  async chargeSettled(
    step: Pick<EnrichmentStep, 'id' | 'workspaceId'>,
    credits: number,
    ledgerKind: Extract<LedgerKind, 'charge' | 'workspace_charge'>,
  ): Promise<number> {
    if (credits <= 0) {
      return 0;
    }
    return recorded(
      await queryPrepared<{ credits: string }[]>(this.dataSource, CHARGE_SETTLED_SQL, [
        step.id,
        step.workspaceId,
        String(credits),
        ledgerKind,
      ]),
    );
  }

  async requestStatus(requestId: string, workspaceId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOne({ select: { status: true }, where: { id: requestId, workspaceId } });
    return row?.status ?? null;
  }

  /**
   * Keeps the provider's task id, the account it was started on (`platform` or the version of the
   * workspace's credentials; null: not known) and a deadline while the step waits for asynchronous work.
   */
  async markWaiting(stepId: string, taskId: string, deadline: Date, account: string | null): Promise<void> {
    // Also on a step skipped (cancelled) while the call that started the task was on the wire: the
    // provider charges for that work when it finishes, and collecting that charge needs the task.
    await this.dataSource.query(
      `UPDATE enrichment_steps SET provider_task_id = $2, deadline_at = $3, provider_task_account = $4,
              updated_at = now()
        WHERE id = $1 AND (state = 'pending' OR (state = 'skipped' AND provider_task_id IS NULL))`,
      [stepId, taskId, deadline, account],
    );
  }

  /**
   * Shows on the pending step that its workspace's used-up quota holds it (`reason` `quota_held`,
   * `error` saying until when), for the job's status; its settlement replaces both. False when the
   * step is pending no more (cancelled meanwhile).
   */
  async markHeld(stepId: string, detail: string): Promise<boolean> {
    const [, updated] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE enrichment_steps SET reason = 'quota_held', error = $2, updated_at = now()
        WHERE id = $1 AND state = 'pending'`,
      [stepId, detail],
    );
    return updated > 0;
  }

  /** The step is no longer held by its quota (it goes on): its status says so no more. */
  async clearHeld(stepId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE enrichment_steps SET reason = NULL, error = NULL, updated_at = now()
        WHERE id = $1 AND state = 'pending' AND reason = 'quota_held'`,
      [stepId],
    );
  }

  /** Forgets a provider task that ended without an answer, so the step starts a new one. */
  async clearWaiting(stepId: string): Promise<void> {
    await this.dataSource
      .getRepository(EnrichmentStep)
      .update(
        { id: stepId, state: 'pending' },
        { providerTaskId: null, providerTaskAccount: null, deadlineAt: null },
      );
  }

  /**
   * Runs `write` (a cache write of an answer naming the people `names` hashes) unless one of them is
   * erased from the workspace, under the workspace's erasure lock held shared: an erasure either
   * finds what `write` wrote when it sweeps, or is found here. Returns whether it was refused.
   */
  async unlessErased(
    workspaceId: string,
    names: readonly string[],
    write: () => Promise<void>,
  ): Promise<boolean> {
    if (names.length === 0) {
      await write();
      return false;
    }
    return this.dataSource.transaction(async (manager) => {
      if (await suppressedUnderErasureLock(manager, workspaceId, names)) {
        return true;
      }
      await write();
      return false;
    });
  }

  /**
   * Settles the step and, in the same transaction, its ledger row, its provider calls, whatever
   * `effects` writes (stored records) and what `after` does (planning the next step, given the
   * request as locked here with its steps, this one settled). When the step was already settled its
   * calls are still written, and what the provider charged is recorded on a step that shows none
   * (see CHARGE_SETTLED_SQL), but nothing else, and `settled` is false; `lateCharge` is what that
   * recorded.
   */
  async settle<T = undefined>(
    step: Pick<EnrichmentStep, 'id' | 'requestId' | 'workspaceId'>,
    settlement: StepSettlement,
    effects?: (manager: EntityManager, step: EnrichmentStep) => Promise<void>,
    after?: (manager: EntityManager, locked: RequestWithSteps) => Promise<T>,
  ): Promise<{ settled: boolean; after: T | undefined; lateCharge: number }> {
    const calls = this.callLog.take(step.id);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const meta = metadataOf(manager);
        if (
          settlement.names &&
          settlement.names.length > 0 &&
          (await suppressedUnderErasureLock(manager, step.workspaceId, settlement.names))
        ) {
          throw new NamesErasedPersonError();
        }
        const rows = await queryPrepared<Record<string, unknown>[]>(manager, SETTLE_SQL(manager), [
          step.id,
          settlement.state,
          settlement.reason,
          settlement.error ?? null,
          settlement.latencyMs === null ? null : Math.round(settlement.latencyMs),
          String(settlement.credits),
          settlement.output ? JSON.stringify(settlement.output) : null,
          settlement.cached ?? false,
          calls.length > 0 ? JSON.stringify(calls) : null,
          settlement.ledgerKind ?? 'charge',
          step.requestId,
          step.workspaceId,
        ]);
        const locked = requestWithStepsOf(manager, rows);
        const settled = rows[0] ? fromRow<EnrichmentStep>(meta.step, rows[0], 'u_') : null;
        let lateCharge = 0;
        if (locked && !settled && settlement.credits > 0) {
          // Settled elsewhere while this run's call was on the wire: the call is paid for even so.
          lateCharge = recorded(
            await queryPrepared<{ credits: string }[]>(manager, CHARGE_SETTLED_SQL, [
              step.id,
              step.workspaceId,
              String(settlement.credits),
              settlement.ledgerKind ?? 'charge',
            ]),
          );
        }
        if (!settled || !locked) {
          return { settled: false, after: undefined, lateCharge };
        }
        locked.steps = locked.steps.map((s) => (s.id === settled.id ? settled : s));
        if (effects) {
          await effects(manager, settled);
        }
        return { settled: true, after: after ? await after(manager, locked) : undefined, lateCharge: 0 };
      });
    } catch (error) {
      this.callLog.restore(step.id, calls);
      throw error;
    }
  }
}
