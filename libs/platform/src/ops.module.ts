import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { ApiExceptionFilter } from './http/exception-filter';
import { createRegistry, METRICS_REGISTRY, MetricsController } from './metrics/metrics';
import { SignalShutdown } from './shutdown';

export interface OpsOptions {
  /** The app's name, a label on every metric. */
  app: string;
  /** Retry-After (seconds) on the 503 answered while Redis or PostgreSQL is down. */
  retryAfterSeconds: number;
}

/**
 * What every app serves for operations: `/health`, `/metrics` (its own prom-client registry,
 * exported for the app's metrics), the error filter that turns dependency outages into 503, and
 * its shutdown on signals ({@link SignalShutdown}).
 * The app provides {@link REDIS_PINGER} (the queue module does).
 */
@Module({})
export class OpsModule {
  static forApp(options: OpsOptions): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: createRegistry(options.app) },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(options.retryAfterSeconds) },
        RedisHealthIndicator,
        SignalShutdown,
      ],
      exports: [METRICS_REGISTRY, SignalShutdown],
    };
  }
}
