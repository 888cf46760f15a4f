import { Inject, Injectable } from '@nestjs/common';
import { gaugeReadAtScrape, METRICS_REGISTRY } from '@sluice/platform';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

@Injectable()
export class WorkerMetrics {
  readonly jobs: Counter<'queue' | 'outcome'>;
  readonly providerCalls: Histogram<'provider' | 'endpoint' | 'outcome'>;
  readonly steps: Counter<'provider' | 'operation' | 'state' | 'reason'>;
  readonly circuitTransitions: Counter<'provider' | 'to'>;
  readonly circuitState: Gauge<'provider'>;
  readonly creditPauses: Counter<'provider' | 'action'>;
  readonly credits: Counter<'provider'>;
  readonly emailVerifications: Counter<'provider' | 'verdict'>;
  readonly phonesFound: Counter<'provider' | 'kind' | 'valid'>;
  readonly providerCallsUnlogged: Counter;
  readonly providerCallsWaiting: Gauge;
  /** Reads every provider's circuit from Redis, for {@link circuitState} at each scrape. */
  private circuitStates: (() => Promise<ReadonlyMap<string, number>>) | null = null;

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
    this.steps = new Counter({
      name: 'sluice_steps_settled_total',
      help: 'Pipeline steps settled, per provider, operation, final state and reason',
      labelNames: ['provider', 'operation', 'state', 'reason'],
      registers: [registry],
    });
    this.circuitTransitions = new Counter({
      name: 'sluice_circuit_transitions_total',
      help: 'Circuit breaker transitions made by this replica, per provider and new state',
      labelNames: ['provider', 'to'],
      registers: [registry],
    });
    // Read from Redis when Prometheus scrapes: the circuits are shared by every replica, and the
    // transitions this replica made itself (an open circuit another replica closed, one that cooled
    // down to half-open, an operator's reset) would leave it reporting a state long gone.
    // Redis unreadable: the gauge is absent from the scrape and sluice_metrics_source_up says why.
    this.circuitState = gaugeReadAtScrape(
      registry,
      {
        name: 'sluice_circuit_state',
        help: 'Circuit state per provider, shared by every replica (read from Redis at each scrape): 0 closed, 0.5 half-open, 1 open',
        labelNames: ['provider'],
      },
      async () =>
        [...((await this.circuitStates?.()) ?? [])].map(([provider, value]) => [{ provider }, value]),
    );
    this.creditPauses = new Counter({
      name: 'sluice_provider_credit_pauses_total',
      help: 'Provider queues paused or resumed for credits by this replica',
      labelNames: ['provider', 'action'],
      registers: [registry],
    });
    this.credits = new Counter({
      name: 'sluice_credits_charged_total',
      help: 'Credits charged by providers for steps settled by this replica',
      labelNames: ['provider'],
      registers: [registry],
    });
    this.emailVerifications = new Counter({
      name: 'sluice_email_verifications_total',
      help: 'E-mail verification steps completed by this replica, per provider and verdict',
      labelNames: ['provider', 'verdict'],
      registers: [registry],
    });
    this.phonesFound = new Counter({
      name: 'sluice_phones_found_total',
      help: 'Phone numbers in steps completed by this replica, per provider, kind and validity (E.164)',
      labelNames: ['provider', 'kind', 'valid'],
      registers: [registry],
    });
    this.providerCallsUnlogged = new Counter({
      name: 'sluice_provider_calls_unlogged_total',
      help: 'Provider calls this replica gave up writing to the provider call log (PostgreSQL refused them for too long)',
      registers: [registry],
    });
    this.providerCallsWaiting = new Gauge({
      name: 'sluice_provider_calls_unwritten',
      help: 'Provider calls this replica holds to write to the provider call log again (PostgreSQL refused their write)',
      registers: [registry],
    });
  }

  /** Where {@link circuitState} reads the circuits from (the pipeline's Redis). */
  readCircuitsWith(read: () => Promise<ReadonlyMap<string, number>>): void {
    this.circuitStates = read;
  }
}
