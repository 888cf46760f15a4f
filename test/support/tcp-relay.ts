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
  /** Whether connections are held, passing nothing, rather than dropped while cut. */
  private holding = false;
  /** Connections held while black-holed, let go (destroyed) on {@link mend} or {@link stop}. */
  private readonly held = new Set<Socket>();
  /** Connections refused (or held, by a black hole) while cut. */
  refused = 0;
  /** Bytes the app sent into a black hole: what it is waiting for an answer to. */
  swallowed = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    // Half-open allowed, so that a held connection does not answer the app's FIN with its own (a
    // silent peer never does); while passing data, the app's FIN drops the pair (see accept).
    this.server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
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
   * an orderly close. With `blackHole`, nothing is dropped or refused and nothing errors: every
   * connection, open or new, is held open and passes nothing either way, as with a server or a
   * network path that went silent (only the app's own timeouts end what it waits for).
   */
  cut(options: { reset?: boolean; blackHole?: boolean } = {}): void {
    this.refusing = true;
    this.resetting = options.reset ?? false;
    this.holding = options.blackHole ?? false;
    for (const pair of [...this.pairs]) {
      if (this.holding) {
        this.pairs.delete(pair);
        // Its listeners would pass on what is left or drop the app's side when it closes: gone.
        pair.upstream.removeAllListeners();
        pair.upstream.on('error', () => undefined);
        pair.upstream.destroy();
        this.hold(pair.client);
      } else {
        this.drop(pair);
      }
    }
  }

  /** Lets connections through again (those held by a black hole are closed). */
  mend(): void {
    this.refusing = false;
    this.resetting = false;
    this.holding = false;
    this.letGo();
  }

  async stop(): Promise<void> {
    this.cut();
    this.letGo();
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
      if (this.holding) {
        this.hold(client);
      } else {
        this.close(client);
      }
      return;
    }
    const pair: RelayPair = { client, upstream: connect(this.target.port, this.target.host) };
    this.pairs.add(pair);
    for (const socket of [pair.client, pair.upstream]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    pair.client.on('end', () => this.drop(pair));
    this.pipe(pair);
  }

  /** Keeps the app's side open, reading and dropping whatever it sends, answering nothing. */
  private hold(client: Socket): void {
    // The relay's own listeners (passing data on, dropping the pair) are not wanted any more.
    client.removeAllListeners('data');
    client.removeAllListeners('end');
    client.removeAllListeners('close');
    client.removeAllListeners('error');
    client.on('data', (chunk: Buffer) => {
      this.swallowed += chunk.length;
    });
    client.on('error', () => undefined);
    client.on('close', () => this.held.delete(client));
    this.held.add(client);
  }

  private letGo(): void {
    for (const socket of [...this.held]) {
      socket.destroy();
    }
    this.held.clear();
  }

  private close(socket: Socket): void {
    if (this.resetting && !socket.destroyed) {
      socket.resetAndDestroy();
    } else {
      socket.destroy();
    }
  }
}
