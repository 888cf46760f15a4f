import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';

/** Something that answers Redis PING: the app's queue connection, provided by its queue module. */
export interface RedisPinger {
  ping(): Promise<string>;
}
export const REDIS_PINGER = Symbol('REDIS_PINGER');

/** `GET /health` of every app: 200 when Redis and PostgreSQL both answer, 503 naming which is down. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @Inject(REDIS_PINGER) private readonly pinger: RedisPinger,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether Redis and PostgreSQL answer this process' })
  @ApiResponse({
    status: 200,
    description: 'Both answer.',
    schema: {
      type: 'object',
      example: {
        status: 'ok',
        info: { postgres: { status: 'up' }, redis: { status: 'up' } },
        error: {},
        details: { postgres: { status: 'up' }, redis: { status: 'up' } },
      },
    },
  })
  @ApiResponse({
    status: 503,
    description: 'Redis or PostgreSQL does not answer; the failing one is named.',
    schema: {
      type: 'object',
      example: {
        status: 'error',
        info: { postgres: { status: 'up' } },
        error: { redis: { status: 'down', message: 'Connection is closed.' } },
        details: { postgres: { status: 'up' }, redis: { status: 'down', message: 'Connection is closed.' } },
      },
    },
  })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 1500 }),
      () => this.redis.ping('redis', this.pinger),
    ]);
  }
}
