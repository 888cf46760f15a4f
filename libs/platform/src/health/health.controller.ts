import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import {
  type DeploymentProblem,
  DEPLOYMENT_PROBLEMS,
  type DeploymentProblemSource,
} from './deployment-problems';
import { RedisHealthIndicator } from './redis.health';

/** Something that answers Redis PING: the app's queue connection, provided by its queue module. */
export interface RedisPinger {
  ping(): Promise<string>;
}
export const REDIS_PINGER = Symbol('REDIS_PINGER');

/**
 * `GET /health` of every app: 200 when Redis and PostgreSQL both answer, 503 naming which is down.
 * Settings at odds with the other apps or with the schema are listed under `problems` without
 * turning the answer into a 503: the probes restart or unroute an app on it, which mends no
 * setting and would stall a rolling restart whose apps hold old and new settings for a while.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @Inject(REDIS_PINGER) private readonly pinger: RedisPinger,
    @Optional() @Inject(DEPLOYMENT_PROBLEMS) private readonly deployment?: DeploymentProblemSource,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether Redis and PostgreSQL answer this process' })
  @ApiResponse({
    status: 200,
    description:
      'Both answer. `problems` (present when there are some) lists settings at odds with the other apps of the installation or with the database schema.',
    schema: {
      type: 'object',
      example: {
        status: 'ok',
        info: { postgres: { status: 'up' }, redis: { status: 'up' } },
        error: {},
        details: { postgres: { status: 'up' }, redis: { status: 'up' } },
        problems: [
          {
            setting: 'SLUICE_ENCRYPTION_KEY',
            message:
              "SLUICE_ENCRYPTION_KEY differs between the apps of this installation: this app's is 3f9a0c1d2e4b, enrichment-worker@worker-1:7/0a1b2c (unset). Give every app the same SLUICE_ENCRYPTION_KEY.",
          },
        ],
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
  async check(): Promise<HealthCheckResult & { problems?: DeploymentProblem[] }> {
    const result = await this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 1500 }),
      () => this.redis.ping('redis', this.pinger),
    ]);
    const problems = this.deployment?.problems() ?? [];
    return problems.length > 0 ? { ...result, problems } : result;
  }
}
