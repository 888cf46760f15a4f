import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Response } from 'express';
import { renderCompanyProfile } from '../companies-house/company-profile';
import { World } from '../world/generate-world';

/** Where the sandbox's timepoints start: realistic-looking, and 0 is never valid. */
export const FIRST_TIMEPOINT = 47_000_000;
const DEFAULT_INTERVAL_MS = 250;
const KEEP_ALIVE_MS = 1000;

/** Published so far, in a fixed order over the world: one company event per tick. */
function eventAt(world: World, timepoint: number): string {
  const index = timepoint - FIRST_TIMEPOINT;
  const company = world.companies[index % world.size];
  const published = new Date(Date.UTC(2026, 10, 22, 0, 0, 0) + index * 1000).toISOString().slice(0, 19);
  return JSON.stringify({
    resource_kind: 'company-profile',
    resource_uri: `/company/${company.company_number}`,
    resource_id: company.company_number,
    data: renderCompanyProfile(company),
    event: { timepoint, published_at: published, type: 'changed' },
  });
}

/**
 * The companies stream: one long-lived response per connection, one JSON event per line, blank
 * keep-alive lines between events, replay from a timepoint. Tracks open connections so an admin
 * call (or closing the app) can drop them, as the real service does now and then.
 */
@Injectable()
export class StreamHub implements OnModuleDestroy {
  private readonly connections = new Set<{ response: Response; timers: NodeJS.Timeout[] }>();
  /** Events published so far (the head of the stream). */
  private published = 0;
  /**
   * Where each connection asked to start (`null`: at the head), so tests can check resumption; a
   * request refused for a timepoint out of range is listed too, with `refused: 416` and no `from`.
   */
  readonly opened: { timepoint: number | null; from: number | null; at: string; refused?: 416 }[] = [];

  constructor(private readonly world: World) {}

  /** The next timepoint to be published. */
  get head(): number {
    return FIRST_TIMEPOINT + this.published;
  }

  /** Whether a client may resume from `timepoint` (a value the stream gave out, or the head). */
  inRange(timepoint: number): boolean {
    return timepoint >= FIRST_TIMEPOINT && timepoint <= this.head;
  }

  /** Notes a request refused for asking to resume from `timepoint`, out of range. */
  refuse(timepoint: number): void {
    this.opened.push({ timepoint, from: null, at: new Date().toISOString(), refused: 416 });
  }

  open(response: Response, from: number, intervalMs: number, requested: number | null = null): void {
    this.opened.push({ timepoint: requested, from, at: new Date().toISOString() });
    response.status(200);
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Cache-Control', 'no-cache');
    response.flushHeaders();
    let next = from;
    const connection = { response, timers: [] as NodeJS.Timeout[] };
    const tick = setInterval(
      () => {
        if (next >= this.head) {
          this.published += 1;
        }
        response.write(`${eventAt(this.world, next)}\n`);
        next += 1;
      },
      intervalMs > 0 ? intervalMs : DEFAULT_INTERVAL_MS,
    );
    const keepAlive = setInterval(() => response.write('\n'), KEEP_ALIVE_MS);
    connection.timers.push(tick, keepAlive);
    for (const timer of connection.timers) {
      timer.unref();
    }
    this.connections.add(connection);
    response.on('close', () => this.drop(connection));
  }

  /** Ends every open connection; returns how many there were. */
  disconnectAll(): number {
    const count = this.connections.size;
    for (const connection of [...this.connections]) {
      this.drop(connection);
      connection.response.destroy();
    }
    return count;
  }

  reset(): void {
    this.disconnectAll();
    this.published = 0;
    this.opened.length = 0;
  }

  onModuleDestroy(): void {
    this.disconnectAll();
  }

  private drop(connection: { response: Response; timers: NodeJS.Timeout[] }): void {
    connection.timers.forEach(clearInterval);
    this.connections.delete(connection);
  }
}
