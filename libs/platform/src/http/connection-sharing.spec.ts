import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionSharing, shareConnections } from './connection-sharing';

/**
 * A keep-alive client connection written by hand: Node's own Agent obeys the server's Keep-Alive
 * hint and drops sockets on its own, which would hide what the server does.
 */
class Connection {
  private received = '';
  private waiter: (() => void) | undefined;
  closed = false;

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  /** One GET; resolves with the status line's code once the whole answer ("ok") is in. */
  get(path = '/'): Promise<number> {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('connection closed by the server'));
        return;
      }
      const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
      this.waiter = () => {
        const end = this.received.indexOf('\r\n\r\nok');
        if (end >= 0) {
          const status = Number(this.received.slice(9, 12));
          this.received = this.received.slice(end + 6);
          this.waiter = undefined;
          clearTimeout(timer);
          resolve(status);
        } else if (this.closed) {
          clearTimeout(timer);
          reject(new Error('connection closed by the server'));
        }
      };
    });
  }
}

/** Waits until `condition` holds (the server sees an answer finish a moment after its client). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) {
      throw new Error('condition not reached within 2 s');
    }
    await sleep(5);
  }
}

describe('shareConnections', () => {
  let server: Server;
  let sharing: ConnectionSharing | undefined;
  let port: number;
  let connections: number;
  let serverSockets: Socket[];
  /** Requests that started in the current turn of the event loop, and the most in any one turn. */
  let startsThisTurn: number;
  let mostStartsInATurn: number;
  const clients: Connection[] = [];
  const open = async (): Promise<Connection> => {
    const made = await Connection.open(port);
    clients.push(made);
    return made;
  };

  /**
   * Two connections answered once, the first then quiet: with one connection read at once the
   * second is parked behind it.
   */
  const parkBehindQuiet = async (): Promise<{ quiet: Connection; parked: Connection }> => {
    const quiet = await open();
    const parked = await open();
    expect(await quiet.get()).toBe(200);
    expect(await parked.get()).toBe(200);
    await until(() => sharing?.stats().parked === 1);
    return { quiet, parked };
  };

  /** A server answering "ok" after `handlerDelayMs`, having first spent `spinMs` of CPU. */
  const start = async (handlerDelayMs: number, spinMs = 0): Promise<void> => {
    connections = 0;
    serverSockets = [];
    startsThisTurn = 0;
    mostStartsInATurn = 0;
    server = createServer((req, res) => {
      if (startsThisTurn === 0) {
        // Requests read in one turn all start before its check phase.
        setImmediate(() => {
          mostStartsInATurn = Math.max(mostStartsInATurn, startsThisTurn);
          startsThisTurn = 0;
        });
      }
      startsThisTurn += 1;
      const spinUntil = Date.now() + spinMs;
      while (Date.now() < spinUntil) {
        // CPU work
      }
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 1_500 : handlerDelayMs);
    });
    server.on('connection', (socket: Socket) => {
      connections += 1;
      serverSockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };

  afterEach(async () => {
    sharing?.stop();
    sharing = undefined;
    for (const made of clients.splice(0)) {
      made.socket.destroy();
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers every request of more connections than it reads at once, reading at most that many a turn', async () => {
    await start(3);
    sharing = shareConnections(server, { activeMax: 2, idleCheckMs: 1_000, busyAbove: 0 });
    const many = await Promise.all(Array.from({ length: 8 }, () => open()));
    // Every connection answered once before measuring: a new connection is read before it is parked.
    expect(await Promise.all(many.map((client) => client.get()))).toEqual(Array(8).fill(200));
    await sleep(20);
    mostStartsInATurn = 0;
    let mostParked = 0;
    const statuses = await Promise.all(
      many.map(async (client) => {
        const seen: number[] = [];
        for (let i = 0; i < 15; i += 1) {
          const status = client.get();
          await sleep(0);
          mostParked = Math.max(mostParked, sharing?.stats().parked ?? 0);
          seen.push(await status);
        }
        return seen;
      }),
    );
    expect(statuses.flat()).toEqual(Array(8 * 15).fill(200));
    expect(connections).toBe(8);
    expect(mostParked).toBeGreaterThan(0);
    // Without sharing, all eight requests sent at once start in one turn.
    expect(mostStartsInATurn).toBeGreaterThan(0);
    expect(mostStartsInATurn).toBeLessThanOrEqual(2);
  });

  it('stops counting connections whose request only waits: long requests never hold up short ones', async () => {
    await start(0);
    sharing = shareConnections(server, { activeMax: 1, idleCheckMs: 200, longRequestMs: 300, busyAbove: 0 });
    const long = await Promise.all([open(), open(), open()]);
    const quick = await open();
    const slow = long.map((client) => client.get('/slow'));
    await until(() => sharing?.stats().inProgress === 3);
    // Counted while they may still be working: the quick connection, one more than the bound, is
    // parked after its answer (and only the idle check lets it go).
    expect(await quick.get()).toBe(200);
    await until(() => sharing?.stats().parked === 1);
    // Past 300 ms the three only wait and stop counting: the quick connection is read, and stays so.
    await until(() => sharing?.stats().long === 3);
    await until(() => sharing?.stats().parked === 0);
    for (let i = 0; i < 5; i += 1) {
      expect(await quick.get()).toBe(200);
    }
    await sleep(20);
    expect(sharing.stats()).toMatchObject({ parked: 0, long: 3 });
    expect(await Promise.all(slow)).toEqual([200, 200, 200]);
  });

  it('reads a parked connection again once the connections being read go quiet, with its keep-alive timer', async () => {
    await start(0);
    sharing = shareConnections(server, { activeMax: 1, idleCheckMs: 50, busyAbove: 0 });
    const { parked: parkedClient } = await parkBehindQuiet();
    expect(sharing.stats()).toEqual({ open: 2, parked: 1, inProgress: 0, long: 0, busy: true });
    // Parked, its keep-alive timer is off: the server would close it with a request waiting in it.
    expect(serverSockets[1].timeout).toBe(0);
    // The quiet connection never sends again, so only the idle check lets this one be read, with
    // the keep-alive timer Node had set (the timeout plus Node's one-second margin).
    await until(() => sharing?.stats().parked === 0);
    expect(serverSockets[1].timeout).toBe(server.keepAliveTimeout + 1_000);
    expect(await parkedClient.get()).toBe(200);
    expect(connections).toBe(2);
  });

  it('reads the requests waiting in parked connections before the server closes, so none is dropped', async () => {
    await start(0);
    sharing = shareConnections(server, { activeMax: 1, idleCheckMs: 10_000, busyAbove: 0 });
    const { quiet, parked: waiting } = await parkBehindQuiet();
    const waited = waiting.get();
    await sleep(100);
    expect(sharing.stats().parked).toBe(1);
    // Shutting down: Node closes connections between requests at once, and a parked one looks so.
    const closed = new Promise((resolve) => server.close(resolve));
    expect(await waited).toBe(200);
    // The server closes once its clients have gone.
    quiet.socket.destroy();
    waiting.socket.destroy();
    await closed;
  });

  it('parks nothing while the event loop is not busy: a quiet pool of connections is read as it is', async () => {
    await start(0);
    // Never busier than 100 % of the time: sharing never starts (see the next test for the switch).
    sharing = shareConnections(server, { activeMax: 1, idleCheckMs: 50, busyAbove: 1 });
    const pool = await Promise.all([open(), open(), open(), open()]);
    let mostParked = 0;
    for (let round = 0; round < 5; round += 1) {
      for (const client of pool) {
        expect(await client.get()).toBe(200);
        await sleep(5);
        mostParked = Math.max(mostParked, sharing.stats().parked);
      }
    }
    expect(mostParked).toBe(0);
    expect(sharing.stats()).toMatchObject({ open: 4, parked: 0, busy: false });
  });

  it('shares while the event loop is busy, and stops once it is not', async () => {
    // Requests that take 4 ms of CPU each, four connections asking back to back: a busy loop.
    await start(0, 4);
    sharing = shareConnections(server, { activeMax: 1, idleCheckMs: 50, busyAbove: 0.5 });
    const clients = await Promise.all([open(), open(), open(), open()]);
    let sawBusy = false;
    let mostParked = 0;
    const stopAt = Date.now() + 800;
    await Promise.all(
      clients.map(async (client) => {
        while (Date.now() < stopAt) {
          expect(await client.get()).toBe(200);
          const stats = sharing?.stats();
          sawBusy ||= stats?.busy ?? false;
          mostParked = Math.max(mostParked, stats?.parked ?? 0);
        }
      }),
    );
    expect(sawBusy).toBe(true);
    expect(mostParked).toBeGreaterThan(0);
    await until(() => sharing?.stats().busy === false);
    expect(sharing.stats().parked).toBe(0);
  });
});
