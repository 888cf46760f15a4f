import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueErrorLog } from './queue-error-log';

/** How often the policy is read again: it can be changed on a running server (CONFIG SET). */
const RECHECK_MS = 10 * 60_000;

/** The server's `maxmemory-policy`, from the text of `INFO memory` (null when it does not say). */
export function evictionPolicyOf(info: string): string | null {
  const line = info.split(/\r?\n/).find((entry) => entry.startsWith('maxmemory_policy:'));
  return line ? line.slice('maxmemory_policy:'.length).trim() || null : null;
}

/**
 * Says in the log, as an error, when Redis may evict keys. BullMQ needs `noeviction`: under any
 * other policy a full Redis drops jobs, locks, credit reservations and in-flight claims silently
 * (a job lost, a step paid twice). BullMQ itself only prints a plain line to stderr when a
 * connection opens, which log pipelines reading JSON miss, and nothing when the policy is changed
 * later; this reads it at start and every 10 minutes, and logs each policy it finds once.
 */
@Injectable()
export class EvictionPolicyCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private timer: NodeJS.Timeout | undefined;
  private lastSeen: string | null = 'noeviction';

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(QueueErrorLog.QUEUES) private readonly queueNames: readonly string[],
  ) {}

  onApplicationBootstrap(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), RECHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads the policy and logs it when it is not `noeviction` and was not logged last time. */
  async check(): Promise<string | null> {
    let policy: string | null;
    try {
      const queue = this.moduleRef.get<Queue>(getQueueToken(this.queueNames[0]), { strict: false });
      // BullMQ types its client loosely; it is this queue's own ioredis connection.
      policy = evictionPolicyOf(await ((await queue.client) as unknown as Redis).info('memory'));
    } catch {
      // Redis away (QueueErrorLog says so) or INFO not allowed (some managed services): unknown.
      return null;
    }
    if (policy !== null && policy !== 'noeviction' && policy !== this.lastSeen) {
      this.logger.error({
        msg: `Redis maxmemory-policy is ${policy}, not noeviction: when Redis is full it will evict keys, losing queued jobs, locks and credit reservations. Set maxmemory-policy noeviction (docs/operations.md).`,
        policy,
      });
    }
    if (policy !== null) {
      this.lastSeen = policy;
    }
    return policy;
  }
}
