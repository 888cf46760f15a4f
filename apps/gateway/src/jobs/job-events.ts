import { type BeforeApplicationShutdown, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CoreConfig } from '@sluice/config';
import { connectionOptions, jobEventsChannel, QueueErrorLog } from '@sluice/queue';
import { Redis } from 'ioredis';

/**
 * One Redis subscription per gateway for the workers' "job changed" messages, fanned out to the
 * event streams open on this gateway. Subscribed lazily (on the first stream), so a gateway nobody
 * streams from holds no extra connection.
 */
@Injectable()
export class JobEventsHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly listeners = new Map<string, Set<() => void>>();
  private subscriber: Redis | null = null;
  private ready: Promise<void> | null = null;
  private readonly closingController = new AbortController();

  /**
   * Aborted when the gateway starts to shut down. Nest closes the HTTP server only after its
   * shutdown hooks, and the server's close waits for every request in progress: an event stream
   * (open as long as its job) or a real-time enrichment waiting up to `timeout_ms` would hold the
   * shutdown past its deadline, and its client would get a reset connection instead of an answer.
   * Whatever waits on jobs ends its wait here and answers as it would at its timeout.
   */
  readonly closing: AbortSignal = this.closingController.signal;

  beforeApplicationShutdown(): void {
    this.closingController.abort();
  }

  constructor(
    private readonly core: CoreConfig,
    private readonly errors: QueueErrorLog,
  ) {}

  /** Calls `onChange` whenever the job changes, until the returned function is called. */
  async listen(requestId: string, onChange: () => void): Promise<() => void> {
    await this.connect();
    let set = this.listeners.get(requestId);
    if (!set) {
      set = new Set();
      this.listeners.set(requestId, set);
    }
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0) {
        this.listeners.delete(requestId);
      }
    };
  }

  private connect(): Promise<void> {
    this.ready ??= (async () => {
      const subscriber = new Redis(connectionOptions(this.core.redisUrl, 'worker', 'sluice-gateway-events'));
      this.errors.watch('job events subscription', subscriber);
      subscriber.on('message', (_channel: string, requestId: string) => {
        for (const listener of this.listeners.get(requestId) ?? []) {
          listener();
        }
      });
      try {
        await subscriber.subscribe(jobEventsChannel(this.core.queuePrefix));
      } catch (error) {
        // Refused (an ACL without SUBSCRIBE, say): this connection goes, the next stream makes
        // another; left open, each try would keep one reconnecting for nothing.
        subscriber.disconnect();
        throw error;
      }
      this.subscriber = subscriber;
    })().catch((error: unknown) => {
      this.ready = null; // the next stream tries again
      throw error;
    });
    return this.ready;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
