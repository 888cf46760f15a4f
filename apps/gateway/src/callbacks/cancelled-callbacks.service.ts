import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { CallbackConfig } from '@sluice/config';
import { firstCallbackJobs, QUEUE_NAMES, type FinishedRequest } from '@sluice/queue';
import type { Queue } from 'bullmq';

/**
 * Queues the callback of jobs the gateway cancelled (one job, a batch, a refused import). A
 * cancellation is how those jobs end, and the upstream system that gave a `callback_url` waits to
 * hear that they did: the plan never finishes them, so nothing else would tell it. The delivery is
 * the same job the plan queues when a job completes or fails (same job id, so a second announcement
 * of the same job is dropped by BullMQ), signed and retried alike, its body carrying
 * `status: "cancelled"` and the credits recorded when it is sent.
 */
@Injectable()
export class CancelledCallbacks {
  private readonly logger = new Logger(CancelledCallbacks.name);

  constructor(
    @InjectQueue(QUEUE_NAMES.callbacks) private readonly queue: Queue,
    private readonly config: CallbackConfig,
  ) {}

  /**
   * Called once the cancellation has committed, with the cancelled jobs that have a callback URL.
   * Redis refusing does not undo the cancellation (it stands, and is answered as done): the miss
   * is logged, and the workers' recovery sweep queues the same deliveries once Redis takes them
   * (see `RequestRecovery`).
   */
  async announce(requests: readonly FinishedRequest[]): Promise<void> {
    if (requests.length === 0) {
      return;
    }
    await this.queue.addBulk(firstCallbackJobs(requests, this.config)).catch((error: unknown) =>
      this.logger.error({
        msg: 'callbacks of cancelled jobs not queued now; the recovery sweep queues them',
        ids: requests.map((request) => request.id),
        error: String(error),
      }),
    );
  }
}
