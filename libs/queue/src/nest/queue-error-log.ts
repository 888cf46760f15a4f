import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';

/** A BullMQ Queue or Worker. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const REPEAT_AFTER_MS = 30_000;

/**
 * Queues and workers emit `error` for every failed reconnect while Redis is away. Without a
 * listener BullMQ prints each to the console; here they go to the log, one line per distinct
 * message every 30 s, so an outage is visible without flooding it.
 */
@Injectable()
export class QueueErrorLog implements OnModuleInit {
  static readonly QUEUES = Symbol('QueueErrorLog.QUEUES');
  private readonly logger = new Logger('Redis');
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(QueueErrorLog.QUEUES) private readonly queueNames: readonly string[],
  ) {}

  onModuleInit(): void {
    for (const name of this.queueNames) {
      this.watch(`queue ${name}`, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    }
  }

  /** Routes a queue's or worker's error events to the log. */
  watch(label: string, emitter: ErrorEmitter): void {
    emitter.on('error', (error: Error) => this.report(label, error));
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
