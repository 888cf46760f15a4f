import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, SluiceConfigModule, type CreditMonitorConfig } from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { QUEUE_NAMES, QueueRootModule } from '@sluice/queue';

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
        LoggerModule.forRoot(
          loggerParams({ app: 'credit-monitor', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-credit-monitor', 5),
        QueueRootModule.forApp({
          role: 'worker',
          connectionName: 'sluice-credit-monitor',
          queues: [QUEUE_NAMES.enrichment],
        }),
        OpsModule.forApp({ app: 'credit-monitor', retryAfterSeconds: 5 }),
      ],
    };
  }
}
