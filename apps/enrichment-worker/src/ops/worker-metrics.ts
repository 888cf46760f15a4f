import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@sluice/platform';
import { Counter, Histogram, type Registry } from 'prom-client';

@Injectable()
export class WorkerMetrics {
  readonly jobs: Counter<'queue' | 'outcome'>;
  readonly providerCalls: Histogram<'provider' | 'endpoint' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.jobs = new Counter({
      name: 'sluice_jobs_processed_total',
      help: 'Jobs processed by this worker, per queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
    this.providerCalls = new Histogram({
      name: 'sluice_provider_call_duration_seconds',
      help: 'Provider HTTP calls, per provider, endpoint and outcome',
      labelNames: ['provider', 'endpoint', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }
}
