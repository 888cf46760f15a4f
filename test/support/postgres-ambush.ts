import { connect, createServer, type Server, type Socket } from 'node:net';
import { Client } from 'pg';

/**
 * A TCP relay in front of a real PostgreSQL server that can, once armed, have the next connection
 * opened through it terminated just as its start-up completes: it holds the server's start-up
 * answer (up to ReadyForQuery), runs `pg_terminate_backend` on that backend (its pid is in the
 * BackendKeyData message), and hands the client the start-up answer and the server's FATAL
 * together, in one write — what a client sees when PostgreSQL terminates a connection it has only
 * just opened (a restart, a failover, an operator killing every session).
 */
export class PostgresAmbush {
  private server!: Server;
  private armed = false;
  private readonly sockets = new Set<Socket>();
  /** How many connections were terminated so. */
  sprung = 0;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    /** A URL of the same server to terminate backends from (not through the relay). */
    private readonly adminUrl: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** The next connection opened through the relay is terminated as its start-up completes. */
  arm(): void {
    this.armed = true;
  }

  /** Connections open through the relay now. */
  get open(): number {
    return this.sockets.size / 2;
  }

  /** `url` (a database on the target server) with the relay's address instead. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.track(client);
    this.track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    if (!this.armed) {
      upstream.pipe(client);
      return;
    }
    this.armed = false;
    let held = Buffer.alloc(0);
    let terminating = false;
    upstream.on('data', (chunk: Buffer) => {
      held = Buffer.concat([held, chunk]);
      const pid = terminating ? null : backendPidOnceReady(held);
      if (pid !== null) {
        terminating = true;
        void this.terminate(pid);
      }
    });
    upstream.on('end', () => {
      // The start-up answer and the FATAL that followed it, as one network read for the client.
      this.sprung += 1;
      client.end(held);
    });
  }

  private async terminate(pid: number): Promise<void> {
    const admin = new Client({ connectionString: this.adminUrl });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

/** The backend's pid once the server's messages include ReadyForQuery, else null. */
function backendPidOnceReady(bytes: Buffer): number | null {
  let pid: number | null = null;
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const type = String.fromCharCode(bytes[offset]);
    const length = bytes.readInt32BE(offset + 1);
    if (offset + 1 + length > bytes.length) {
      return null;
    }
    if (type === 'K') {
      pid = bytes.readInt32BE(offset + 5);
    }
    if (type === 'Z') {
      return pid;
    }
    offset += 1 + length;
  }
  return null;
}
