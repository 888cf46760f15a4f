import { APP_INTERCEPTOR } from '@nestjs/core';
import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { BullBoardModule } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { LoggerModule } from 'nestjs-pino';
import {
  type CallbackConfig,
  type CoreConfig,
  type CreditMonitorConfig,
  type GatewayConfig,
  SluiceConfigModule,
} from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { HttpMetricsMiddleware, loggerParams, OpsModule } from '@sluice/platform';
import { ACTIVE_QUEUE_NAMES, QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { adminTokenMiddleware, AdminTokenGuard } from './auth/admin-token.guard';
import { ApiKeyGuard } from './auth/api-key.guard';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { WorkspacesController } from './admin/workspaces.controller';
import { WorkspacesService } from './admin/workspaces.service';
import { ApiKeysController } from './admin/api-keys.controller';
import { IdempotencyInterceptor } from './auth/idempotency.interceptor';
import { JobEventsHub } from './jobs/job-events';
import { ProvidersAdminController } from './admin/providers-admin.controller';
import { CreditsController } from './credits/credits.controller';
import { QuotasAdminController } from './credits/quotas-admin.controller';
import { Quotas } from './credits/quotas.service';
import { QueueMetrics } from './ops/queue-metrics';
import { CallbacksController } from './callbacks/callbacks.controller';
import { WebhookSecrets } from './callbacks/webhook-secrets.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { ImportCancellation } from './imports/import-cancellation';
import { ExportsController } from './exports/exports.controller';
import { ExportsService } from './exports/exports.service';

/** The workers' queues and the credit monitor's: the gateway enqueues to both and Bull Board shows both. */
const GATEWAY_QUEUES = [...ACTIVE_QUEUE_NAMES, QUEUE_NAMES.creditMonitor];

@Module({})
export class GatewayModule implements NestModule {
  static forRoot(
    core: CoreConfig,
    gateway: GatewayConfig,
    callbacks: CallbackConfig,
    monitor: CreditMonitorConfig,
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        SluiceConfigModule.forRoot([core, gateway, callbacks, monitor]),
        LoggerModule.forRoot(
          loggerParams({ app: 'gateway', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-gateway'),
        QueueRootModule.forApp({
          role: 'producer',
          connectionName: 'sluice-gateway',
          queues: GATEWAY_QUEUES,
        }),
        OpsModule.forApp({ app: 'gateway', retryAfterSeconds: gateway.retryAfterSeconds }),
        BullBoardModule.forRoot({
          route: '/admin/queues',
          adapter: ExpressAdapter,
          middleware: adminTokenMiddleware(gateway.adminToken),
        }),
        BullBoardModule.forFeature(...GATEWAY_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
      ],
      controllers: [
        JobsController,
        WorkspacesController,
        CallbacksController,
        ProvidersAdminController,
        CreditsController,
        QuotasAdminController,
        ApiKeysController,
        ImportsController,
        ExportsController,
      ],
      providers: [
        HttpMetricsMiddleware,
        QueueMetrics,
        ApiKeyGuard,
        AdminTokenGuard,
        JobsService,
        WorkspacesService,
        WebhookSecrets,
        Quotas,
        JobEventsHub,
        ImportsService,
        ImportCancellation,
        ExportsService,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
