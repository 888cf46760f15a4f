import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

const TERMINAL = ['completed', 'failed', 'cancelled'] as const;

/**
 * The writes that move a step and its request forward. Each transition is a conditional update
 * (`WHERE state = 'pending'`), so a retried or duplicated job can never complete a step twice.
 */
@Injectable()
export class StepLedger {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async loadPending(stepId: string): Promise<{ step: EnrichmentStep; request: EnrichmentRequest } | null> {
    const step = await this.dataSource
      .getRepository(EnrichmentStep)
      .findOneBy({ id: stepId, state: 'pending' });
    if (!step) {
      return null;
    }
    const request = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOneBy({ id: step.requestId, workspaceId: step.workspaceId });
    return request ? { step, request } : null;
  }

  async countAttempt(stepId: string): Promise<void> {
    await this.dataSource
      .getRepository(EnrichmentStep)
      .increment({ id: stepId, state: 'pending' }, 'attempts', 1);
  }

  /**
   * Completes the step and, in the same transaction, whatever `effects` writes (e.g. the company
   * row). Returns false when the step was already settled; then nothing is written.
   */
  async complete(
    stepId: string,
    outcome: {
      latencyMs: number;
      credits: number;
      output: Record<string, unknown>;
      requestResult: Record<string, unknown>;
    },
    effects: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(EnrichmentStep)
        .set({
          state: 'completed',
          latencyMs: outcome.latencyMs,
          credits: String(outcome.credits),
          output: outcome.output,
          error: null,
          completedAt: () => 'now()',
        })
        .where({ id: stepId, state: 'pending' })
        .returning(['requestId', 'workspaceId'])
        .execute();
      const row = (claimed.raw as { request_id: string; workspace_id: string }[])[0];
      if (!row) {
        return false;
      }
      await effects(manager);
      await this.finishRequestIfDone(manager, row.request_id, row.workspace_id, outcome.requestResult);
      return true;
    });
  }

  /** Fails the step and its request (this slice's plans have no fallback step). */
  async fail(
    stepId: string,
    failure: { reason: string; error: string; latencyMs: number | null },
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(EnrichmentStep)
        .set({
          state: 'failed',
          reason: failure.reason,
          error: failure.error,
          latencyMs: failure.latencyMs,
          completedAt: () => 'now()',
        })
        .where({ id: stepId, state: 'pending' })
        .returning(['requestId', 'workspaceId'])
        .execute();
      const row = (claimed.raw as { request_id: string; workspace_id: string }[])[0];
      if (!row) {
        return false;
      }
      await manager
        .getRepository(EnrichmentRequest)
        .update(
          { id: row.request_id, workspaceId: row.workspace_id, status: Not(In([...TERMINAL])) },
          { status: 'failed', error: failure.error, completedAt: () => 'now()' },
        );
      return true;
    });
  }

  /** When no step is pending any more, the request is complete with the result. */
  private async finishRequestIfDone(
    manager: EntityManager,
    requestId: string,
    workspaceId: string,
    result: Record<string, unknown>,
  ): Promise<void> {
    const pending = await manager.getRepository(EnrichmentStep).countBy({ requestId, state: 'pending' });
    const requests = manager.getRepository(EnrichmentRequest);
    const where = { id: requestId, workspaceId, status: Not(In([...TERMINAL])) };
    if (pending === 0) {
      await requests.update(where, {
        status: 'completed',
        result,
        error: null,
        completedAt: () => 'now()',
      } as QueryDeepPartialEntity<EnrichmentRequest>);
    } else {
      await requests.update(where, { status: 'running' });
    }
  }
}
