import type { Socket } from 'node:net';
import { type RelayPair, TcpRelay } from './tcp-relay';

/**
 * A {@link TcpRelay} that passes everything, late: each chunk either way waits {@link delayMs}
 * (a slow network path, or a busy server), and {@link stall} holds everything for a while (a
 * server stuck in a long command, a fork, a disk that does not answer) before it goes on in order.
 * Nothing is lost or reordered: the apps see a server that answers, only slowly.
 */
export class SlowRelay extends TcpRelay {
  /** How long each chunk waits, each way. */
  delayMs = 0;
  /** Until when (epoch ms) nothing passes either way. */
  private stalledUntil = 0;
  private readonly lanes = new Set<Lane>();

  /** Holds everything, either way, for `ms` from now (on top of {@link delayMs}). */
  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
  }

  /** Lets what is held go now, and later chunks pass without waiting. */
  quicken(): void {
    this.delayMs = 0;
    this.stalledUntil = 0;
    for (const lane of this.lanes) {
      lane.flush();
    }
  }

  protected override pipe(pair: RelayPair): void {
    const up = new Lane(
      pair.upstream,
      () => this.delayMs,
      () => this.stalledUntil,
    );
    const down = new Lane(
      pair.client,
      () => this.delayMs,
      () => this.stalledUntil,
    );
    this.lanes.add(up);
    this.lanes.add(down);
    pair.client.once('close', () => {
      up.clear();
      down.clear();
      this.lanes.delete(up);
      this.lanes.delete(down);
    });
    pair.client.on('data', (chunk: Buffer) => up.push(chunk));
    pair.upstream.on('data', (chunk: Buffer) => down.push(chunk));
  }
}

/**
 * One direction of a connection: chunks in order, each written once its time comes. Hand-written
 * (a FIFO and one timer) because separate timers per chunk may fire out of order when the delay
 * changes between them, and a byte stream must not be reordered.
 */
class Lane {
  private readonly queue: { due: number; chunk: Buffer }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly to: Socket,
    private readonly delayMs: () => number,
    private readonly stalledUntil: () => number,
  ) {}

  push(chunk: Buffer): void {
    const last = this.queue.at(-1)?.due ?? 0;
    this.queue.push({ due: Math.max(Date.now() + this.delayMs(), last), chunk });
    this.pump();
  }

  flush(): void {
    for (const entry of this.queue) {
      entry.due = 0;
    }
    this.pump();
  }

  clear(): void {
    this.queue.length = 0;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = Date.now();
    // A stall holds what was already on its way too.
    const held = this.stalledUntil() > now;
    while (!held && this.queue.length > 0 && this.queue[0].due <= now) {
      const { chunk } = this.queue.shift()!;
      if (!this.to.destroyed) {
        this.to.write(chunk);
      }
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(
        () => {
          this.timer = null;
          this.pump();
        },
        Math.max(this.queue[0].due, this.stalledUntil()) - now,
      );
    }
  }
}
