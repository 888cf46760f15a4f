import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RelayPair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP relay in front of a real server (Redis, PostgreSQL), for an app whose connections a test
 * must drop at a moment of its choosing while the test's own connections (not through the relay)
 * carry on. {@link cut} drops every connection through the relay and refuses new ones until
 * {@link mend}: what an app sees of a restart, a failover or a server that is unreachable.
 */
export class TcpRelay {
  private server!: Server;
  private readonly pairs = new Set<RelayPair>();
  private refusing = false;
  /** Whether connections are reset (RST) rather than closed while cut. */
  private resetting = false;
  /** Connections refused while cut. */
  refused = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** `url` (a database or Redis URL on the target server) with the relay's address instead. */
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

  /**
   * Drops every connection through the relay and refuses new ones until {@link mend}. With `reset`,
   * the app's side sees ECONNRESET (an error) on each, as from a server that is gone, rather than
   * an orderly close.
   */
  cut(options: { reset?: boolean } = {}): void {
    this.refusing = true;
    this.resetting = options.reset ?? false;
    for (const pair of [...this.pairs]) {
      this.drop(pair);
    }
  }

  /** Lets connections through again. */
  mend(): void {
    this.refusing = false;
    this.resetting = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Passes what each side sends to the other; a subclass may look at it on the way. */
  protected pipe(pair: RelayPair): void {
    pair.client.on('data', (chunk: Buffer) => pair.upstream.write(chunk));
    pair.upstream.on('data', (chunk: Buffer) => pair.client.write(chunk));
  }

  protected drop(pair: RelayPair): void {
    this.close(pair.client);
    pair.upstream.destroy();
    this.pairs.delete(pair);
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      this.refused += 1;
      this.close(client);
      return;
    }
    const pair: RelayPair = { client, upstream: connect(this.target.port, this.target.host) };
    this.pairs.add(pair);
    for (const socket of [pair.client, pair.upstream]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    this.pipe(pair);
  }

  private close(socket: Socket): void {
    if (this.resetting && !socket.destroyed) {
      socket.resetAndDestroy();
    } else {
      socket.destroy();
    }
  }
}
