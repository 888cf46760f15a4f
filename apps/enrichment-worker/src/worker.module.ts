import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import {
  type CallbackConfig,
  type CoreConfig,
  type CredentialsConfig,
  type PipelineConfig,
  type ProvidersConfig,
  SluiceConfigModule,
  type WorkerConfig,
} from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { ACTIVE_QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { PlanProcessor } from './orchestrator/plan.processor';
import { RequestRecovery } from './orchestrator/request-recovery.service';
import { BatchRefresh } from './orchestrator/batch-refresh.service';
import { BalanceReads } from './pipeline/balance-reads';
import { CreditGate } from './pipeline/credit-gate';
import { Orchestrator } from './pipeline/orchestrator';
import {
  PipelineGuards,
  PipelineRedisCloser,
  callbackTokensProvider,
  pipelineRedisProvider,
  ResultCache,
} from './pipeline/pipeline-redis';
import { ProviderCatalog } from './pipeline/provider-catalog';
import { ProviderSettingsReloader } from './pipeline/provider-settings-reloader';
import { ProviderInvoker } from './pipeline/provider-invoker';
import { ProviderWorkers } from './pipeline/provider-workers';
import { PausedStepReroute } from './pipeline/paused-reroute';
import { StepRunner } from './pipeline/step-runner';
import { WorkspaceAccounts } from './pipeline/workspace-accounts';
import { WorkspaceQuotas } from './pipeline/workspace-quotas';
import { WebhookCompletion } from './pipeline/webhook-completion';
import { CallbackSender } from './pipeline/callback-sender';
import { CompaniesStreamConsumer } from './pipeline/companies-stream';
import { StoredResults } from './pipeline/stored-results';
import { ProviderCallLog } from './steps/provider-call-log';
import { StepLedger } from './steps/step-ledger.service';
import { DependencyWatchdog } from './ops/dependency-watchdog';
import { WorkerMetrics } from './ops/worker-metrics';
import { WorkerRegistry } from './ops/worker-registry';

@Module({})
export class WorkerModule {
  static forRoot(
    core: CoreConfig,
    worker: WorkerConfig,
    providers: ProvidersConfig,
    pipeline: PipelineConfig,
    callbacks: CallbackConfig,
    credentials: CredentialsConfig,
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SluiceConfigModule.forRoot([core, worker, providers, pipeline, callbacks, credentials]),
        LoggerModule.forRoot(
          loggerParams({ app: 'enrichment-worker', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-enrichment-worker'),
        QueueRootModule.forApp({
          role: 'worker',
          connectionName: 'sluice-enrichment-worker',
          queues: ACTIVE_QUEUE_NAMES,
          deployment: { app: 'enrichment-worker', credentials: 'opens' },
        }),
        OpsModule.forApp({ app: 'enrichment-worker', retryAfterSeconds: 5 }),
      ],
      providers: [
        WorkerRegistry,
        WorkerMetrics,
        DependencyWatchdog,
        StepLedger,
        ProviderCallLog,
        RequestRecovery,
        BatchRefresh,
        PlanProcessor,
        pipelineRedisProvider,
        callbackTokensProvider,
        PipelineRedisCloser,
        PipelineGuards,
        ResultCache,
        ProviderCatalog,
        ProviderSettingsReloader,
        ProviderInvoker,
        BalanceReads,
        CreditGate,
        StoredResults,
        WorkspaceQuotas,
        WorkspaceAccounts,
        Orchestrator,
        PausedStepReroute,
        StepRunner,
        WebhookCompletion,
        CallbackSender,
        CompaniesStreamConsumer,
        ProviderWorkers,
      ],
    };
  }
}
