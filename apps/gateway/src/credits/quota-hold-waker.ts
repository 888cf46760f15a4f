import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CoreConfig } from '@sluice/config';
import { findStepJob, type ProviderName, stepQueuesOf, wakeQuotaHolds } from '@sluice/queue';
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
      const queues = stepQueuesOf(this.moduleRef, provider);
      // BullMQ types its connection minimally; it is the ioredis client the queue was given.
      const redis = (await queues.platform.client) as unknown as Redis;
      const woken = await wakeQuotaHolds(redis, this.core.queuePrefix, workspaceId, provider, (stepId) =>
        findStepJob(queues, stepId),
      );
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
