import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ForceClosable } from '@sluice/platform';
import { type Queue, type QueueBase, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/** A BullMQ Queue or Worker, or an ioredis client of the app's own. */
export type RedisHolder = QueueBase | Redis;

const REPEAT_AFTER_MS = 30_000;

/**
 * Queues, workers and ioredis clients emit `error` for every failed reconnect while Redis is away.
 * Without a listener BullMQ prints each to the console and ioredis prints "Unhandled error event";
 * here they go to the log, one line per distinct message every 30 s, so an outage is visible
 * without flooding it. Every connection of the app is watched here, so this is also where the
 * shutdown deadline finds the ones still open (see {@link forceClose}).
 */
@Injectable()
export class QueueErrorLog implements OnModuleInit, ForceClosable {
  static readonly QUEUES = Symbol('QueueErrorLog.QUEUES');
  private readonly logger = new Logger('Redis');
  private readonly lastLogged = new Map<string, number>();
  private readonly watched: { label: string; holder: RedisHolder }[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(QueueErrorLog.QUEUES) private readonly queueNames: readonly string[],
  ) {}

  onModuleInit(): void {
    for (const name of this.queueNames) {
      this.watch(`queue ${name}`, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    }
  }

  /** Routes a queue's, worker's or client's error events to the log; `label` says which it is. */
  watch(label: string, holder: RedisHolder): void {
    holder.on('error', (error: Error) => this.report(label, error));
    this.watched.push({ label, holder });
  }

  /**
   * Closes every watched connection still open without waiting for Redis (ioredis `disconnect`, a
   * worker's forced close: jobs it holds are left to the stalled-job check), and answers their
   * labels. For the shutdown deadline only: the process exits right after.
   */
  forceClose(): string[] {
    const open: string[] = [];
    for (const { label, holder } of this.watched) {
      if (holder instanceof Redis) {
        if (holder.status !== 'end') {
          open.push(label);
          holder.disconnect();
        }
        continue;
      }
      // BullMQ keeps `closed` to itself; it turns true once close() has finished.
      if ((holder as unknown as { closed: boolean }).closed) {
        continue;
      }
      open.push(label);
      // A worker already closing gracefully returns that same close from close(true).
      const forced = holder instanceof Worker && !holder.closing ? holder.close(true) : holder.disconnect();
      forced.catch(() => undefined);
    }
    return open;
  }

  private report(label: string, error: Error): void {
    const key = `${label}:${error.message}`;
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? 0) < REPEAT_AFTER_MS) {
      return;
    }
    this.lastLogged.set(key, now);
    this.logger.warn({ msg: `${label}: ${error.message}` });
  }
}
