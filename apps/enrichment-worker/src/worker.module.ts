import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, ProvidersConfig, SluiceConfigModule, type WorkerConfig } from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import {
  ApiExceptionFilter,
  createRegistry,
  loggerParams,
  METRICS_REGISTRY,
  MetricsController,
  RedisHealthIndicator,
} from '@sluice/platform';
import { CompaniesHouseClient } from '@sluice/providers';
import { ACTIVE_QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { PlanProcessor } from './orchestrator/plan.processor';
import { RequestRecovery } from './orchestrator/request-recovery.service';
import { CompaniesHouseProcessor } from './steps/companies-house.processor';
import { StepLedger } from './steps/step-ledger.service';
import { DependencyWatchdog } from './ops/dependency-watchdog';
import { WorkerHealthController } from './ops/health.controller';
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
        QueueRootModule.forApp('worker', 'sluice-enrichment-worker'),
        BullModule.registerQueue(...ACTIVE_QUEUE_NAMES.map((name) => ({ name }))),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [WorkerHealthController, MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: createRegistry('enrichment-worker') },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(5) },
        {
          provide: CompaniesHouseClient,
          inject: [ProvidersConfig],
          useFactory: (config: ProvidersConfig) =>
            new CompaniesHouseClient({
              baseUrl: config.companiesHouseBaseUrl,
              apiKey: config.companiesHouseApiKey,
              timeoutMs: config.providerTimeoutMs,
            }),
        },
        RedisHealthIndicator,
        WorkerRegistry,
        WorkerMetrics,
        DependencyWatchdog,
        StepLedger,
        RequestRecovery,
        PlanProcessor,
        CompaniesHouseProcessor,
      ],
    };
  }
}
