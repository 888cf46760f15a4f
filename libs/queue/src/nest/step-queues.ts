import { getQueueToken } from '@nestjs/bullmq';
import type { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { ownAccountQueueName, type ProviderName, providerQueueName } from '../names';

/** A provider's two step queues, as registered in the app (see `ownAccountQueueName`). */
export interface StepQueues {
  /** Steps on the platform's account: paused for its credits, rate limited for its window. */
  platform: Queue;
  /** Steps on workspaces' own accounts: paused only by an operator. */
  ownAccounts: Queue;
}

/** The provider's two step queues, from an app that registered both. */
export function stepQueuesOf(moduleRef: ModuleRef, provider: ProviderName): StepQueues {
  return {
    platform: moduleRef.get<Queue>(getQueueToken(providerQueueName(provider)), { strict: false }),
    ownAccounts: moduleRef.get<Queue>(getQueueToken(ownAccountQueueName(provider)), { strict: false }),
  };
}

/**
 * The job of step `stepId` (`step-<id>`), on whichever of the provider's queues it is: a step is
 * put on the own accounts' queue when its workspace had credentials at the provider, and the
 * workspace may have stored or removed them since.
 */
export async function findStepJob(queues: StepQueues, stepId: string): Promise<Job | undefined> {
  const [platform, own] = await Promise.all([
    queues.platform.getJob(`step-${stepId}`),
    queues.ownAccounts.getJob(`step-${stepId}`),
  ]);
  return platform ?? own;
}
