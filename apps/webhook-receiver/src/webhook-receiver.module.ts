import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { type CoreConfig, SluiceConfigModule, type WebhookReceiverConfig } from '@sluice/config';
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
import { ReceiverHealthController } from './health.controller';

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
        QueueRootModule.forApp('producer', 'sluice-webhook-receiver'),
        BullModule.registerQueue({ name: QUEUE_NAMES.enrichment }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ReceiverHealthController, MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: createRegistry('webhook-receiver') },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(5) },
        RedisHealthIndicator,
      ],
    };
  }
}
