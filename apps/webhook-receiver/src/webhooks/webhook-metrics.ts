import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@sluice/platform';
import { Counter, type Registry } from 'prom-client';

/** What the receiver did with a provider callback it verified (see IntakeAnswer). */
export type CallbackOutcome = 'accepted' | 'duplicate' | 'unmatched' | 'late';

@Injectable()
export class WebhookMetrics {
  readonly callbacks: Counter<'provider' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.callbacks = new Counter({
      name: 'sluice_webhook_callbacks_total',
      help: 'Verified provider callbacks, per provider and outcome (late: for a step already settled, body not kept)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    });
  }
}
