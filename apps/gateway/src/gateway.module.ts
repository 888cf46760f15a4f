import { APP_INTERCEPTOR } from '@nestjs/core';
import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { BullBoardModule } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { LoggerModule } from 'nestjs-pino';
import {
  CallbackConfig,
  CoreConfig,
  CreditMonitorConfig,
  CredentialsConfig,
  GatewayConfig,
  loadConfigs,
  PipelineConfig,
  ProvidersConfig,
  SluiceConfigModule,
  type Env,
} from '@sluice/config';
import { DatabaseModule } from '@sluice/db';
import { HttpMetricsMiddleware, loggerParams, OpsModule } from '@sluice/platform';
import { ACTIVE_QUEUE_NAMES, QUEUE_NAMES, QueueRootModule } from '@sluice/queue';
import { adminTokenMiddleware, AdminTokenGuard } from './auth/admin-token.guard';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyCache } from './auth/api-key-cache';
import { ApiKeyUsage } from './auth/api-key-usage';
import { JobsController } from './jobs/jobs.controller';
import { CancelledJobs } from './jobs/cancelled-jobs.service';
import { JobsService } from './jobs/jobs.service';
import { PersonsController } from './persons/persons.controller';
import { ErasureService } from './persons/erasure.service';
import { ErasureRuns } from './persons/erasure-runs';
import { ErasuresController } from './persons/erasures.controller';
import { SuppressionCheck } from './persons/suppression-check';
import { WorkspacesController } from './admin/workspaces.controller';
import { WorkspacesService } from './admin/workspaces.service';
import { ApiKeysController } from './admin/api-keys.controller';
import { IdempotencyInterceptor } from './auth/idempotency.interceptor';
import { WriteQueryInterceptor } from './http-params';
import { DurableIdempotencyAnswers } from './auth/durable-idempotency-answers';
import { JobEventsHub } from './jobs/job-events';
import { ProvidersAdminController } from './admin/providers-admin.controller';
import { RetentionAdminController } from './admin/retention-admin.controller';
import { ProviderSettingsController } from './admin/provider-settings.controller';
import { ProviderSettingsService } from './admin/provider-settings.service';
import { CreditsController } from './credits/credits.controller';
import { QuotasAdminController } from './credits/quotas-admin.controller';
import { Quotas } from './credits/quotas.service';
import { QuotaHoldWaker } from './credits/quota-hold-waker';
import { noFraming } from './ops/no-framing';
import { QueueMetrics } from './ops/queue-metrics';
import { CallbacksController } from './callbacks/callbacks.controller';
import { WebhookSecrets } from './callbacks/webhook-secrets.service';
import { CancelledCallbacks } from './callbacks/cancelled-callbacks.service';
import { EnrichController } from './enrich/enrich.controller';
import { EnrichFastPath } from './enrich/enrich-fast-path';
import { EnrichService } from './enrich/enrich.service';
import { ProvidersController } from './providers/providers.controller';
import { WorkspaceCredentials } from './providers/workspace-credentials.service';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { BatchSchedulerKeeper } from './batches/batch-scheduler-keeper';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { ImportCancellation } from './imports/import-cancellation';
import { StaleImportSweep } from './imports/stale-import-sweep';
import { ExportsController } from './exports/exports.controller';
import { ExportsService } from './exports/exports.service';
import { AdminAuditController, AuditController } from './audit/audit.controller';
import { AuditLog, AuditReader } from './audit/audit-log.service';
import { AdminOpsController } from './admin-ops/admin-ops.controller';
import { AdminOps } from './admin-ops/admin-ops.service';
import { DataQuality } from './admin-ops/data-quality';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardService } from './dashboard/dashboard.service';
import { DashboardSessionGuard, DashboardSessions } from './dashboard/dashboard-session.guard';

/** The workers' queues and the credit monitor's: the gateway enqueues to both and Bull Board shows both. */
const GATEWAY_QUEUES = [...ACTIVE_QUEUE_NAMES, QUEUE_NAMES.creditMonitor];

/**
 * What Bull Board may do to a queue. Every queue's jobs can be removed, retried or emptied there
 * and the pipeline gets over it (the recovery sweep enqueues again, from PostgreSQL, the plans and
 * steps whose jobs went; a settled step's job run again does nothing) — except the callbacks
 * queue: a delivery removed there would wait for the recovery sweep, and only within its look-back
 * (CALLBACK_RECOVERY_MAX_AGE_MS), and a delivered one retried is sent again. It is shown read-only;
 * `POST /v1/jobs/:id/callback/redeliver` sends a job's callback again.
 */
function boardOptionsOf(queue: string): { readOnlyMode: boolean } {
  return { readOnlyMode: queue === QUEUE_NAMES.callbacks };
}

@Module({})
export class GatewayModule implements NestModule {
  /** The module with every setting section it needs, loaded from `env` (the app and the API document). */
  static fromEnv(env: Env): { module: DynamicModule; gateway: GatewayConfig } {
    const [core, gateway, callbacks, monitor, credentials, providers, pipeline] = loadConfigs(
      [
        CoreConfig,
        GatewayConfig,
        CallbackConfig,
        CreditMonitorConfig,
        // GET /v1/providers: whose credentials, enabled, circuit settings. The gateway only seals.
        CredentialsConfig,
        // Which providers are served by the sandbox (answers marked as sandbox data).
        ProvidersConfig,
        PipelineConfig,
      ],
      env,
    );
    return {
      module: GatewayModule.forRoot(core, gateway, callbacks, monitor, [credentials, providers, pipeline]),
      gateway,
    };
  }

  static forRoot(
    core: CoreConfig,
    gateway: GatewayConfig,
    callbacks: CallbackConfig,
    monitor: CreditMonitorConfig,
    /** Further loaded sections the gateway's services inject (credentials, providers, pipeline). */
    more: object[] = [],
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        SluiceConfigModule.forRoot([core, gateway, callbacks, monitor, ...more]),
        LoggerModule.forRoot(
          loggerParams({ app: 'gateway', level: core.logLevel, flushMs: core.logFlushMs }),
        ),
        DatabaseModule.forApp('sluice-gateway'),
        QueueRootModule.forApp({
          role: 'producer',
          connectionName: 'sluice-gateway',
          queues: GATEWAY_QUEUES,
          deployment: { app: 'gateway', credentials: 'seals', expectsWorkers: true },
        }),
        OpsModule.forApp({ app: 'gateway', retryAfterSeconds: gateway.retryAfterSeconds }),
        BullBoardModule.forRoot({
          route: '/admin/queues',
          adapter: ExpressAdapter,
          // Framing refused before the login check, so that the login prompt is not framed either.
          middleware: [noFraming, adminTokenMiddleware(gateway.adminToken)],
        }),
        BullBoardModule.forFeature(
          ...GATEWAY_QUEUES.map((name) => ({ name, adapter: BullMQAdapter, options: boardOptionsOf(name) })),
        ),
      ],
      controllers: [
        JobsController,
        WorkspacesController,
        CallbacksController,
        ProvidersAdminController,
        RetentionAdminController,
        PersonsController,
        ErasuresController,
        ProviderSettingsController,
        CreditsController,
        QuotasAdminController,
        ApiKeysController,
        EnrichController,
        ProvidersController,
        BatchesController,
        ImportsController,
        ExportsController,
        AdminAuditController,
        AuditController,
        AdminOpsController,
        DashboardController,
      ],
      providers: [
        HttpMetricsMiddleware,
        QueueMetrics,
        ApiKeyGuard,
        ApiKeyCache,
        ApiKeyUsage,
        AdminTokenGuard,
        JobsService,
        ErasureService,
        ErasureRuns,
        SuppressionCheck,
        WorkspacesService,
        WebhookSecrets,
        CancelledCallbacks,
        CancelledJobs,
        Quotas,
        QuotaHoldWaker,
        ProviderSettingsService,
        JobEventsHub,
        EnrichService,
        EnrichFastPath,
        WorkspaceCredentials,
        BatchesService,
        BatchSchedulerKeeper,
        ImportsService,
        StaleImportSweep,
        ImportCancellation,
        ExportsService,
        AuditLog,
        AuditReader,
        AdminOps,
        DataQuality,
        DashboardService,
        DashboardSessions,
        DashboardSessionGuard,
        DurableIdempotencyAnswers,
        // Before the idempotency interceptor: a refused parameter is answered, never kept as an answer.
        { provide: APP_INTERCEPTOR, useClass: WriteQueryInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
