import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import {
  type CoreConfig,
  type CreditMonitorConfig,
  type PipelineConfig,
  type ProvidersConfig,
  SluiceConfigModule,
} from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { ACTIVE_PROVIDERS, QUEUE_NAMES, QueueRootModule, stepQueueNames } from '@sluice/queue';
import { AlertBook } from './alerts/alert-book';
import { AlertDelivery } from './alerts/alert-delivery';
import { BalanceCheck } from './credits/balance-check';
import { BalanceReaders } from './credits/balance-readers';
import { BalanceReadWindow } from './credits/balance-read-window';
import { MonitorWorker } from './monitor-worker';
import { OpsChecks } from './ops/ops-checks';
import { PipelineEvents } from './ops/pipeline-events';
import { UsageReport } from './reports/usage-report';
import { RetentionRunner } from './retention/retention-runner';

/**
 * Watches provider credits: scheduled balance checks with snapshots and ledger reconciliation,
 * thresholds, forecasts, operational alerts, the daily usage report, and pausing or resuming a
 * provider's queue by its balance. Alerts go to a Slack-compatible webhook, e-mail and the log.
 */
@Module({})
export class CreditMonitorModule {
  static forRoot(
    core: CoreConfig,
    monitor: CreditMonitorConfig,
    providers: ProvidersConfig,
    // Its rate windows: PROVIDER_OVERRIDES' rules and RATE_LIMITER, as the workers read them.
    pipeline: PipelineConfig,
  ): DynamicModule {
    return {
      module: CreditMonitorModule,
      imports: [
        SluiceConfigModule.forRoot([core, monitor, providers, pipeline]),
        LoggerModule.forRoot(
          loggerParams({ app: 'credit-monitor', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-credit-monitor', 5),
        QueueRootModule.forApp({
          role: 'worker',
          connectionName: 'sluice-credit-monitor',
          // Its own queue, and the provider queues it pauses and resumes.
          queues: [QUEUE_NAMES.creditMonitor, ...ACTIVE_PROVIDERS.flatMap(stepQueueNames)],
          deployment: { app: 'credit-monitor' },
        }),
        OpsModule.forApp({ app: 'credit-monitor', retryAfterSeconds: 5 }),
      ],
      providers: [
        AlertBook,
        AlertDelivery,
        BalanceReaders,
        BalanceReadWindow,
        BalanceCheck,
        OpsChecks,
        UsageReport,
        RetentionRunner,
        PipelineEvents,
        MonitorWorker,
      ],
    };
  }
}
