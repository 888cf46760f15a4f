import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CoreConfig } from '@sluice/config';
import { connectionOptions, pipelineEventsKey, QueueErrorLog } from '@sluice/queue';
import { Redis } from 'ioredis';
import { AlertBook } from '../alerts/alert-book';

const GROUP = 'credit-monitor';

/**
 * Reads the pipeline's event stream (a provider paused or resumed for credits, a gap in the
 * Companies House stream) as one consumer group shared by every monitor, so each event is handled
 * by one of them: a pause raises a critical alert at once, a resume re-arms it, a gap raises a
 * warning. A resume that only probes a provider's credits
 * (`probe`: one without a balance endpoint tried again) re-arms nothing: the outage goes on until a
 * call is answered, and a refusal pausing it again is the same outage, not a new alert. Events are
 * acknowledged once handled; an event a crashed monitor took is claimed by another after a minute.
 */
@Injectable()
export class PipelineEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineEvents.name);
  private readonly consumer = `monitor-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private redis: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly core: CoreConfig,
    private readonly alerts: AlertBook,
    private readonly errors: QueueErrorLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A connection of its own: XREADGROUP blocks it.
    this.redis = new Redis(connectionOptions(this.core.redisUrl, 'worker', 'sluice-credit-monitor-events'));
    this.errors.watch('pipeline events reader', this.redis);
    const key = pipelineEventsKey(this.core.queuePrefix);
    await this.createGroup(key, '$');
    this.running = true;
    this.loop = this.run(key);
  }

  /** Makes the consumer group, reading from `from`; one made meanwhile by another monitor is kept. */
  private async createGroup(key: string, from: '$' | '0'): Promise<void> {
    try {
      await (this.redis as Redis).xgroup('CREATE', key, GROUP, from, 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) {
        throw error;
      }
    }
  }

  private async run(key: string): Promise<void> {
    const redis = this.redis as Redis;
    while (this.running) {
      try {
        // First what another consumer took and never acknowledged, then new events.
        const claimed = (await redis.xautoclaim(key, GROUP, this.consumer, 60_000, '0-0', 'COUNT', 50)) as [
          string,
          [string, string[]][],
        ];
        for (const [id, fields] of claimed[1] ?? []) {
          await this.handle(key, id, fields);
        }
        const reply = (await redis.xreadgroup(
          'GROUP',
          GROUP,
          this.consumer,
          'COUNT',
          50,
          'BLOCK',
          1000,
          'STREAMS',
          key,
          '>',
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            await this.handle(key, id, fields);
          }
        }
      } catch (error) {
        if (!this.running) {
          return;
        }
        if (String(error).includes('NOGROUP')) {
          // Redis lost its data (a restart without persistence, a failover, a flush): the stream
          // and its group went with it, and every read would fail until a restart, each pause
          // raising no alert. Made again from the stream's start: what the workers wrote since the
          // loss has not been read.
          const made = await this.createGroup(key, '0').then(
            () => true,
            () => false,
          );
          if (made) {
            this.logger.warn({
              msg: 'pipeline events: consumer group missing from Redis (lost with its data): made again',
            });
            continue;
          }
        }
        this.logger.warn({ msg: 'pipeline events: read failed', error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async handle(key: string, id: string, fields: string[]): Promise<void> {
    const event: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) {
      event[fields[i]] = fields[i + 1];
    }
    const provider = event.provider ?? '';
    if (event.type === 'provider.paused' && provider) {
      await this.alerts.fire(`provider.paused:${provider}`, {
        kind: 'provider.paused',
        // An operator's pause is news to the others, not an emergency.
        severity: event.manual === '1' ? 'info' : 'critical',
        provider,
        title: `${provider} paused: ${event.reason ?? 'credits cannot pay for its next call'}`,
        text: `No further call reaches ${provider} until it is resumed (${event.reason ?? 'credits'}). New work goes to the next eligible provider, or waits where the request asked to wait. Balance: ${event.balance ?? 'unknown'}.`,
        details: event,
      });
    } else if (event.type === 'stream.gap' && event.stream) {
      // One alert per gap: each refused position is its own loss.
      await this.alerts.fire(`stream.gap:${event.stream}:${event.timepoint ?? ''}`, {
        kind: 'stream.gap',
        severity: 'warning',
        provider: 'companies-house',
        title: `Companies House stream resumed from now: timepoint ${event.timepoint ?? 'unknown'} is no longer kept`,
        text: `The stored position of ${event.stream} was older than Companies House keeps (HTTP 416), so the stream is followed from now. Changes published in between were missed: a company struck off or dissolved then did not cancel its queued paid work, and stored profiles may be stale until refreshed.`,
        details: event,
      });
    } else if (event.type === 'provider.resumed' && provider && event.probe !== '1') {
      await this.alerts.clear(`provider.paused:${provider}`);
    }
    await (this.redis as Redis).xack(key, GROUP, id);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.redis?.disconnect();
    await this.loop?.catch(() => undefined);
  }
}
