import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditLedgerEntry, EnrichmentRequest, EnrichmentStep, type StepState } from '@sluice/db';
import { DataSource, type EntityManager } from 'typeorm';

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
}

/**
 * The writes that move a step forward. Each transition is a conditional update
 * (`WHERE state = 'pending'`), so a retried or duplicated job can never settle a step twice, and
 * the credit ledger row's key is the step's, so it can never be charged twice either.
 */
@Injectable()
export class StepLedger {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The pending step with its request, in one query. */
  async loadPending(stepId: string): Promise<{ step: EnrichmentStep; request: EnrichmentRequest } | null> {
    const step = await this.dataSource
      .getRepository(EnrichmentStep)
      .findOne({ where: { id: stepId, state: 'pending' }, relations: { request: true } });
    if (!step?.request || step.request.workspaceId !== step.workspaceId) {
      return null;
    }
    const { request } = step;
    delete step.request;
    return { step, request };
  }

  stepsOf(requestId: string): Promise<EnrichmentStep[]> {
    return this.dataSource
      .getRepository(EnrichmentStep)
      .find({ where: { requestId }, order: { seq: 'ASC' } });
  }

  async requestStatus(requestId: string, workspaceId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOne({ select: { status: true }, where: { id: requestId, workspaceId } });
    return row?.status ?? null;
  }

  async countAttempt(stepId: string): Promise<void> {
    await this.dataSource
      .getRepository(EnrichmentStep)
      .increment({ id: stepId, state: 'pending' }, 'attempts', 1);
  }

  /** Keeps the provider's task id and a deadline while the step waits for asynchronous work. */
  async markWaiting(stepId: string, taskId: string, deadline: Date): Promise<void> {
    await this.dataSource
      .getRepository(EnrichmentStep)
      .update({ id: stepId, state: 'pending' }, { providerTaskId: taskId, deadlineAt: deadline });
  }

  /** Forgets a provider task that ended without an answer, so the step starts a new one. */
  async clearWaiting(stepId: string): Promise<void> {
    await this.dataSource
      .getRepository(EnrichmentStep)
      .update({ id: stepId, state: 'pending' }, { providerTaskId: null, deadlineAt: null });
  }

  /**
   * Settles the step and, in the same transaction, its ledger row, whatever `effects` writes
   * (stored records) and what `after` does (planning the next step). When the step was already
   * settled nothing is written and `settled` is false.
   */
  async settle<T = undefined>(
    stepId: string,
    requestId: string,
    settlement: StepSettlement,
    effects?: (manager: EntityManager, step: EnrichmentStep) => Promise<void>,
    after?: (manager: EntityManager) => Promise<T>,
  ): Promise<{ settled: boolean; after: T | undefined }> {
    return this.dataSource.transaction(async (manager) => {
      // The request's row lock first (as cancelling and planning take it), then the step's.
      await manager.query('SELECT 1 FROM enrichment_requests WHERE id = $1 FOR UPDATE', [requestId]);
      const claimed = await manager
        .createQueryBuilder()
        .update(EnrichmentStep)
        .set({
          state: settlement.state,
          reason: settlement.reason,
          error: settlement.error ?? null,
          latencyMs: settlement.latencyMs,
          credits: String(settlement.credits),
          output: settlement.output ?? null,
          cached: settlement.cached ?? false,
          completedAt: () => 'now()',
        })
        .where({ id: stepId, state: 'pending' })
        .returning('*')
        .execute();
      const row = (claimed.raw as Record<string, unknown>[])[0];
      if (!row) {
        return { settled: false, after: undefined };
      }
      const step = manager.getRepository(EnrichmentStep).create({
        id: String(row.id),
        requestId: String(row.request_id),
        workspaceId: String(row.workspace_id),
        provider: String(row.provider),
        operation: String(row.operation),
        goal: String(row.goal),
        cacheKey: (row.cache_key as string | null) ?? null,
      });
      if (settlement.credits > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(CreditLedgerEntry)
          .values({
            provider: step.provider,
            workspaceId: step.workspaceId,
            requestId: step.requestId,
            stepId: step.id,
            kind: 'charge',
            credits: String(settlement.credits),
            idempotencyKey: `step:${step.id}`,
          })
          .orIgnore()
          .execute();
      }
      if (effects) {
        await effects(manager, step);
      }
      return { settled: true, after: after ? await after(manager) : undefined };
    });
  }
}
