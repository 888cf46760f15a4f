import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, SluiceConfigModule, type WebhookReceiverConfig } from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { loggerParams, OpsModule } from '@sluice/platform';
import { QUEUE_NAMES, QueueRootModule } from '@sluice/queue';

/**
 * Receives provider callbacks. Provider webhook routes (`POST /webhooks/:provider`) arrive with the
 * asynchronous providers; today the app serves /health and /metrics so deployments can wire it.
 */
@Module({})
export class WebhookReceiverModule {
  static forRoot(core: CoreConfig, receiver: WebhookReceiverConfig): DynamicModule {
    return {
      module: WebhookReceiverModule,
      imports: [
        SluiceConfigModule.forRoot([core, receiver]),
        LoggerModule.forRoot(loggerParams({ app: 'webhook-receiver', level: core.logLevel })),
        DatabaseModule.forApp('sluice-webhook-receiver', 5),
        QueueRootModule.forApp({
          role: 'producer',
          connectionName: 'sluice-webhook-receiver',
          queues: [QUEUE_NAMES.enrichment],
        }),
        OpsModule.forApp({ app: 'webhook-receiver', retryAfterSeconds: 5 }),
      ],
    };
  }
}
