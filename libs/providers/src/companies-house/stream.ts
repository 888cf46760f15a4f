import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../errors';
import { isRecord, parseJson } from '../json';
import type { CompaniesHouseCompanyProfile } from './types';

/** One event of the companies stream (provider-apis.md §3). */
export interface CompanyStreamEvent {
  resourceKind: string;
  resourceId: string;
  resourceUri: string;
  /** The company profile as `GET /company/{n}` serves it. */
  data: CompaniesHouseCompanyProfile;
  event: {
    timepoint: number;
    /** ISO date-time, UTC (the stream prints no zone). */
    publishedAt: string;
    type: 'changed' | 'deleted';
    fieldsChanged: string[];
  };
}

export interface CompaniesHouseStreamOptions {
  /** `https://stream.companieshouse.gov.uk` or the sandbox's `http://127.0.0.1:4010/companies-house-stream`. */
  baseUrl: string;
  /** A Streaming API key (not a REST key), sent as the Basic-auth user name. */
  streamKey: string;
  /** Resume after this timepoint (the last one processed); without it the stream starts now. */
  timepoint?: number;
  /**
   * Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with jitter.
   * @defaultValue `{ initialMs: 1000, maxMs: 60000 }`
   */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * No byte (event or keep-alive line) for this long means the connection is dead: reconnect.
   * @defaultValue 90000
   */
  idleTimeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** Told of every disconnect before the reconnect, for logs and metrics. */
  onDisconnect?: (reason: string, attempt: number) => void;
}

/** Parses one line of the stream; `null` for keep-alive blank lines. Throws on a line that is not an event. */
export function parseStreamLine(line: string): CompanyStreamEvent | null {
  if (line.trim() === '') {
    return null;
  }
  const parsed = parseJson(line);
  const value = parsed.ok ? parsed.value : null;
  if (!isRecord(value) || !isRecord(value.event) || typeof value.event.timepoint !== 'number') {
    throw new Error(`not a stream event: ${line.slice(0, 120)}`);
  }
  const event = value.event;
  return {
    resourceKind: typeof value.resource_kind === 'string' ? value.resource_kind : 'unknown',
    resourceId: typeof value.resource_id === 'string' ? value.resource_id : '',
    resourceUri: typeof value.resource_uri === 'string' ? value.resource_uri : '',
    data: (isRecord(value.data) ? value.data : {}) as CompaniesHouseCompanyProfile,
    event: {
      timepoint: event.timepoint as number,
      publishedAt: typeof event.published_at === 'string' ? `${event.published_at.replace(/Z$/, '')}Z` : '',
      type: event.type === 'deleted' ? 'deleted' : 'changed',
      fieldsChanged: Array.isArray(event.fields_changed)
        ? event.fields_changed.filter((f) => typeof f === 'string')
        : [],
    },
  };
}

/**
 * A consumer of the Companies House companies stream: one long-lived GET, one JSON event per line,
 * keep-alive blank lines skipped. It remembers the last timepoint and, after any disconnect, resumes
 * from it with exponential backoff; events at or before the last timepoint are not yielded again
 * (resume may be inclusive). A 401 or a 416 (timepoint out of range) ends the stream with a
 * `ProviderError`: retrying cannot fix either. `stop()` ends it cleanly.
 */
export class CompaniesHouseStream implements AsyncIterable<CompanyStreamEvent> {
  private last: number | null;
  private readonly controller = new AbortController();
  private readonly authorization: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: CompaniesHouseStreamOptions) {
    if (!options.streamKey) {
      throw new Error('CompaniesHouseStream needs a streaming key: configure COMPANIES_HOUSE_STREAM_KEY.');
    }
    this.last = options.timepoint ?? null;
    this.authorization = `Basic ${Buffer.from(`${options.streamKey}:`).toString('base64')}`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The last timepoint yielded: persist it once the event's work is durable, resume from it later. */
  get lastTimepoint(): number | null {
    return this.last;
  }

  stop(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CompanyStreamEvent> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    let attempt = 0;
    while (!this.controller.signal.aborted) {
      let reason: string;
      try {
        for await (const event of this.connect()) {
          attempt = 0;
          if (this.last !== null && event.event.timepoint <= this.last) {
            continue;
          }
          this.last = event.event.timepoint;
          yield event;
        }
        reason = 'the stream ended';
      } catch (error) {
        if (this.controller.signal.aborted) {
          return;
        }
        if (error instanceof ProviderError && !error.retryable) {
          throw error;
        }
        reason = error instanceof Error ? error.message : String(error);
      }
      if (this.controller.signal.aborted) {
        return;
      }
      attempt += 1;
      this.options.onDisconnect?.(reason, attempt);
      const delay = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2), undefined, {
        signal: this.controller.signal,
      }).catch(() => undefined);
    }
  }

  private async *connect(): AsyncGenerator<CompanyStreamEvent> {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}/companies`);
    if (this.last !== null) {
      url.searchParams.set('timepoint', String(this.last));
    }
    // One controller per connection: the idle watchdog aborts it, stop() aborts them all.
    const connection = new AbortController();
    const onStop = () => connection.abort();
    this.controller.signal.addEventListener('abort', onStop, { once: true });
    const idleMs = this.options.idleTimeoutMs ?? 90_000;
    let idle = setTimeout(() => connection.abort(), idleMs);
    let input: Readable | null = null;
    try {
      const response = await this.fetchImpl(url, {
        headers: { Authorization: this.authorization, Accept: 'application/json' },
        signal: connection.signal,
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw this.statusError(response.status, url);
      }
      input = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      // Errors after the consumer has left (the abort below) have no one to report to.
      input.on('error', () => undefined);
      const lines = createInterface({ input, crlfDelay: Infinity });
      for await (const line of lines) {
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(), idleMs);
        const event = parseStreamLine(line);
        if (event) {
          yield event;
        }
      }
    } finally {
      clearTimeout(idle);
      this.controller.signal.removeEventListener('abort', onStop);
      input?.destroy();
      connection.abort();
    }
  }

  private statusError(status: number, url: URL): ProviderError {
    const call = {
      provider: 'companies-house',
      method: 'GET',
      endpoint: 'GET /companies (stream)',
      url: url.toString(),
      status,
      latencyMs: 0,
    };
    if (status === 401) {
      return new ProviderError({
        provider: 'companies-house',
        kind: 'unauthorized',
        status,
        call,
        message:
          'Companies House refused the streaming key (HTTP 401); configure a Streaming API key (REST keys are not accepted).',
      });
    }
    if (status === 416) {
      return new ProviderError({
        provider: 'companies-house',
        kind: 'bad_request',
        status,
        call,
        message: `Companies House no longer has timepoint ${this.last} (HTTP 416); restart the stream from now and reconcile what was missed.`,
      });
    }
    const kind = status === 429 ? 'rate_limited' : 'unavailable';
    return new ProviderError({
      provider: 'companies-house',
      kind,
      status,
      call,
      message: `Companies House stream answered HTTP ${status}; reconnecting.`,
    });
  }
}
