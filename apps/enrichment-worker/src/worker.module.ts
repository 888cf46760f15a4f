import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, ProvidersConfig, SluiceConfigModule, type WorkerConfig } from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { CompaniesHouseClient } from '@sluice/providers';
import { ACTIVE_QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { PlanProcessor } from './orchestrator/plan.processor';
import { RequestRecovery } from './orchestrator/request-recovery.service';
import { CompaniesHouseProcessor } from './steps/companies-house.processor';
import { ProviderCallLog } from './steps/provider-call-log';
import { StepLedger } from './steps/step-ledger.service';
import { DependencyWatchdog } from './ops/dependency-watchdog';
import { WorkerMetrics } from './ops/worker-metrics';
import { WorkerRegistry } from './ops/worker-registry';

@Module({})
export class WorkerModule {
  static forRoot(core: CoreConfig, worker: WorkerConfig, providers: ProvidersConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SluiceConfigModule.forRoot([core, worker, providers]),
        LoggerModule.forRoot(loggerParams({ app: 'enrichment-worker', level: core.logLevel })),
        DatabaseModule.forApp('sluice-enrichment-worker'),
        QueueRootModule.forApp({
          role: 'worker',
          connectionName: 'sluice-enrichment-worker',
          queues: ACTIVE_QUEUE_NAMES,
        }),
        OpsModule.forApp({ app: 'enrichment-worker', retryAfterSeconds: 5 }),
      ],
      providers: [
        {
          provide: CompaniesHouseClient,
          inject: [ProvidersConfig, ProviderCallLog],
          useFactory: (config: ProvidersConfig, callLog: ProviderCallLog) =>
            new CompaniesHouseClient({
              baseUrl: config.companiesHouseBaseUrl,
              apiKey: config.companiesHouseApiKey,
              timeoutMs: config.providerTimeoutMs,
              onCall: callLog.sink,
            }),
        },
        WorkerRegistry,
        WorkerMetrics,
        DependencyWatchdog,
        StepLedger,
        ProviderCallLog,
        RequestRecovery,
        PlanProcessor,
        CompaniesHouseProcessor,
      ],
    };
  }
}
