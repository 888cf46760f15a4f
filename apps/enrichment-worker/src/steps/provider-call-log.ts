import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ProviderCall, type CallOutcome } from '@sluice/db';
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
  writes: Promise<void>[];
}

function outcomeOf(record: ProviderCallRecord): CallOutcome {
  if (record.errorKind === null) {
    return 'hit';
  }
  return record.errorKind === 'not_found' ? 'miss' : 'error';
}

/**
 * Writes every provider HTTP call to the provider call log. Adapters report each call to
 * {@link sink} (already redacted); the step it belongs to comes from the scope opened by
 * {@link around}, so one adapter instance serves every job at once. A step does not settle before
 * its calls are written.
 */
@Injectable()
export class ProviderCallLog {
  private readonly logger = new Logger(ProviderCallLog.name);
  private readonly scopes = new AsyncLocalStorage<Scope>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: WorkerMetrics,
  ) {}

  readonly sink: CallSink = (record) => {
    const outcome = outcomeOf(record);
    this.metrics.providerCalls.observe(
      { provider: record.provider, endpoint: record.endpoint, outcome },
      record.latencyMs / 1000,
    );
    const scope = this.scopes.getStore();
    if (!scope) {
      // A call made for the pipeline itself (a balance check): logged without a step.
      this.insert(null, record, outcome).catch((error: unknown) =>
        this.logger.warn({
          msg: 'could not log a provider call',
          endpoint: record.endpoint,
          error: String(error),
        }),
      );
      return;
    }
    scope.writes.push(this.insert(scope.context, record, outcome));
  };

  /** Runs `work` with its provider calls attributed to `context`, and waits for their log rows. */
  async around<T>(context: CallContext, work: () => Promise<T>): Promise<T> {
    const scope: Scope = { context, writes: [] };
    try {
      return await this.scopes.run(scope, work);
    } finally {
      await Promise.all(scope.writes);
    }
  }

  private async insert(
    context: CallContext | null,
    record: ProviderCallRecord,
    outcome: CallOutcome,
  ): Promise<void> {
    await this.dataSource.getRepository(ProviderCall).insert({
      workspaceId: context?.workspaceId ?? null,
      requestId: context?.requestId ?? null,
      stepId: context?.stepId ?? null,
      provider: record.provider,
      operation: context?.operation ?? 'account.balance',
      endpoint: record.endpoint,
      httpStatus: record.status,
      outcome,
      errorKind: record.errorKind,
      latencyMs: record.latencyMs,
      creditsCharged: String(record.credits),
      providerRequestId: record.providerRequestId,
    });
  }
}
