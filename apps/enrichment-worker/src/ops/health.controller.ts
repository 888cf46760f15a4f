import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { RedisHealthIndicator } from '@sluice/platform';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';

@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
  ) {}

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
