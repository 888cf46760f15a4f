import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CoreConfig } from '@sluice/config';
import { providerQueueName, type ProviderName, wakeQuotaHolds } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Wakes the steps a workspace's used-up quota (policy `hold`) holds at a provider once an operator
 * changes or removes that quota: each looks at it again now, instead of at the month's reset.
 */
@Injectable()
export class QuotaHoldWaker {
  private readonly logger = new Logger(QuotaHoldWaker.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly core: CoreConfig,
  ) {}

  /**
   * Best effort: the quota is already written, and a held step the wake misses (Redis away) looks
   * at it again within its recheck interval all the same, so a failure is logged, not answered.
   */
  async wake(workspaceId: string, provider: ProviderName): Promise<void> {
    try {
      const queue = this.moduleRef.get<Queue>(getQueueToken(providerQueueName(provider)), { strict: false });
      // BullMQ types its connection minimally; it is the ioredis client the queue was given.
      const redis = (await queue.client) as unknown as Redis;
      const woken = await wakeQuotaHolds(redis, this.core.queuePrefix, workspaceId, provider, queue);
      if (woken > 0) {
        this.logger.log({ msg: 'steps held by the quota woken', workspaceId, provider, woken });
      }
    } catch (error) {
      this.logger.warn({
        msg: 'could not wake the steps held by the quota; they look again within 15 minutes',
        workspaceId,
        provider,
        error: String(error),
      });
    }
  }
}
