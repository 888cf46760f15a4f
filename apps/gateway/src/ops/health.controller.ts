import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { InjectQueue } from '@nestjs/bullmq';
import { RedisHealthIndicator } from '@sluice/platform';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
  ) {}

  /** 200 when Redis and PostgreSQL both answer, 503 otherwise (with which one is down). */
  @Get()
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    // BullMQ types its client loosely; it is the ioredis connection QueueRootModule created.
    const client = (await this.queue.client) as unknown as { ping(): Promise<string> };
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 1500 }),
      () => this.redis.ping('redis', client),
    ]);
  }
}
