import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, SluiceConfigModule, type CreditMonitorConfig } from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import {
  ApiExceptionFilter,
  createRegistry,
  loggerParams,
  METRICS_REGISTRY,
  MetricsController,
  RedisHealthIndicator,
} from '@sluice/platform';
import { QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { MonitorHealthController } from './health.controller';

/**
 * Watches provider credits. Balance checks, forecasts and alerts arrive with the credit work; today
 * the app serves /health and /metrics so deployments can wire it.
 */
@Module({})
export class CreditMonitorModule {
  static forRoot(core: CoreConfig, monitor: CreditMonitorConfig): DynamicModule {
    return {
      module: CreditMonitorModule,
      imports: [
        SluiceConfigModule.forRoot([core, monitor]),
        LoggerModule.forRoot(loggerParams({ app: 'credit-monitor', level: core.logLevel })),
        DatabaseModule.forApp('sluice-credit-monitor', 5),
        QueueRootModule.forApp('worker', 'sluice-credit-monitor'),
        BullModule.registerQueue({ name: QUEUE_NAMES.enrichment }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [MonitorHealthController, MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: createRegistry('credit-monitor') },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(5) },
        RedisHealthIndicator,
      ],
    };
  }
}
