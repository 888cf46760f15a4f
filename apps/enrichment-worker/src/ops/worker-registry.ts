import { Injectable } from '@nestjs/common';
import { QueueErrorLog } from '@sluice/queue';
import type { Worker } from 'bullmq';

/** Every BullMQ worker of this process, so that start-up checks and the watchdog can reach them. */
@Injectable()
export class WorkerRegistry {
  private readonly workers = new Map<string, Worker>();

  constructor(private readonly errors: QueueErrorLog) {}

  register(queueName: string, worker: Worker): void {
    if (this.workers.has(queueName)) {
      throw new Error(`Two processors handle queue '${queueName}': keep exactly one.`);
    }
    this.workers.set(queueName, worker);
    this.errors.watch(`worker ${queueName}`, worker);
  }

  all(): Worker[] {
    return [...this.workers.values()];
  }

  queueNames(): string[] {
    return [...this.workers.keys()];
  }
}
