import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP relay in front of a real PostgreSQL server, for an app whose connections a test must drop
 * at a moment of its choosing while the test's own connections (not through the relay) carry on:
 *
 * - {@link cut}: every connection through the relay is dropped and new ones are refused — what an
 *   app sees of a restart or a failover — until {@link mend}.
 * - {@link loseAnswerTo}: the next statement whose text holds a marker runs to its end on the
 *   server (committed, when it is a statement of its own), but its answer never reaches the app:
 *   the connection drops once the server is ready for the next query.
 */
export class PostgresRelay {
  private server!: Server;
  private readonly pairs = new Set<Pair>();
  private refusing = false;
  private marker: string | null = null;
  /** Connections refused while cut. */
  refused = 0;
  /** Statements whose answer was lost. */
  answersLost = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** `url` (a database on the target server) with the relay's address instead. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Connections open through the relay now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Drops every connection through the relay and refuses new ones until {@link mend}. */
  cut(): void {
    this.refusing = true;
    for (const pair of [...this.pairs]) {
      this.drop(pair);
    }
  }

  /** Lets connections through again. */
  mend(): void {
    this.refusing = false;
  }

  /** The next statement sent with `marker` in its text runs, but its answer is lost. */
  loseAnswerTo(marker: string): void {
    this.marker = marker;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.refusing) {
      this.refused += 1;
      client.destroy();
      return;
    }
    const pair: Pair = { client, upstream: connect(this.target.port, this.target.host) };
    this.pairs.add(pair);
    for (const socket of [pair.client, pair.upstream]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    // The end of what the client sent, so that a marker split across two reads is still found.
    let tail = '';
    let losing = false;
    let answer = Buffer.alloc(0);
    pair.client.on('data', (chunk: Buffer) => {
      if (this.marker !== null && !losing) {
        const text = tail + chunk.toString('latin1');
        if (text.includes(this.marker)) {
          this.marker = null;
          losing = true;
        }
        tail = text.slice(-1024);
      }
      pair.upstream.write(chunk);
    });
    pair.upstream.on('data', (chunk: Buffer) => {
      if (!losing) {
        pair.client.write(chunk);
        return;
      }
      // The client sends a statement only once the last one is answered (node-postgres does not
      // pipeline), so this answer starts at a message's start.
      answer = Buffer.concat([answer, chunk]);
      if (readyForQueryIn(answer)) {
        this.answersLost += 1;
        this.drop(pair);
      }
    });
  }

  private drop(pair: Pair): void {
    pair.client.destroy();
    pair.upstream.destroy();
    this.pairs.delete(pair);
  }
}

/** Whether the server's messages in `bytes` (from a message's start) include ReadyForQuery. */
function readyForQueryIn(bytes: Buffer): boolean {
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    if (bytes[offset] === 'Z'.charCodeAt(0)) {
      return true;
    }
    offset += 1 + bytes.readInt32BE(offset + 1);
  }
  return false;
}
