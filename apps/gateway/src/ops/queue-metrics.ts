import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { gaugeReadAtScrape, type GaugeReading, METRICS_REGISTRY } from '@sluice/platform';
import { ACTIVE_QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';

const STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
  'paused',
  'waiting-children',
] as const;

/** Jobs per queue and state, read from Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const queues = ACTIVE_QUEUE_NAMES.map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    // Redis unreadable: the gauge is absent from the scrape and sluice_metrics_source_up says why.
    gaugeReadAtScrape(
      this.registry,
      { name: 'sluice_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'] },
      async () => {
        const values: GaugeReading<'queue' | 'state'> = [];
        for (const queue of queues) {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) {
            values.push([{ queue: queue.name, state }, counts[state] ?? 0]);
          }
        }
        return values;
      },
    );
  }
}
