import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import {
  type CallbackConfig,
  type CoreConfig,
  type ProvidersConfig,
  SluiceConfigModule,
  type WebhookReceiverConfig,
} from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { WebhookIntake } from './webhooks/webhook-intake.service';
import { WebhookMetrics } from './webhooks/webhook-metrics';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * Receives provider callbacks (`POST /webhooks/rocketreach`, `POST /webhooks/:provider/:token`),
 * stores each before anything else and queues it for the worker; also /health and /metrics.
 */
@Module({})
export class WebhookReceiverModule {
  static forRoot(
    core: CoreConfig,
    receiver: WebhookReceiverConfig,
    providers: ProvidersConfig,
    callbacks: CallbackConfig,
  ): DynamicModule {
    return {
      module: WebhookReceiverModule,
      imports: [
        SluiceConfigModule.forRoot([core, receiver, providers, callbacks]),
        LoggerModule.forRoot(
          loggerParams({ app: 'webhook-receiver', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-webhook-receiver', 5),
        QueueRootModule.forApp({
          role: 'producer',
          connectionName: 'sluice-webhook-receiver',
          queues: [QUEUE_NAMES.enrichment],
          deployment: { app: 'webhook-receiver' },
        }),
        OpsModule.forApp({ app: 'webhook-receiver', retryAfterSeconds: 5 }),
      ],
      controllers: [WebhooksController],
      providers: [WebhookIntake, WebhookMetrics],
    };
  }
}
