import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { redisTimedOut, unavailableDependency } from '@sluice/platform';
import { Redis } from 'ioredis';
import { connectionOptions, PRODUCER_COMMAND_TIMEOUT_MS, redisUrlOptions } from './connection';

/**
 * A Redis stand-in that answers every command +OK (enough for ioredis's handshake) until it is
 * told to go silent: then it reads and answers nothing, as a stuck or unreachable Redis whose
 * connection stays open.
 */
async function fallingSilent(): Promise<{ port: number; silence(): void; close(): Promise<void> }> {
  let silent = false;
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      if (!silent) {
        // One +OK per command in the chunk (each RESP command starts with its array header).
        const commands = chunk
          .toString('latin1')
          .split('\r\n')
          .filter((line) => line.startsWith('*'));
        socket.write('+OK\r\n'.repeat(commands.length));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence: () => {
      silent = true;
    },
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('redisUrlOptions', () => {
  it('reads host, port and database', () => {
    expect(redisUrlOptions('redis://cache.internal:6390/5')).toEqual({
      host: 'cache.internal',
      port: 6390,
      db: 5,
    });
  });

  it('defaults the port and leaves the database out when the URL has none', () => {
    expect(redisUrlOptions('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379 });
  });

  it('decodes credentials and turns on TLS for rediss://', () => {
    expect(redisUrlOptions('rediss://svc:p%40ss%2Fword@redis.example.com:6380/0')).toEqual({
      host: 'redis.example.com',
      port: 6380,
      username: 'svc',
      password: 'p@ss/word',
      db: 0,
      tls: {},
    });
  });

  it('accepts an IPv6 host', () => {
    expect(redisUrlOptions('redis://[::1]:6379').host).toBe('::1');
  });

  it('refuses a URL that is not Redis', () => {
    expect(() => redisUrlOptions('http://localhost:6379')).toThrow(/redis:\/\//);
  });
});

describe('connectionOptions', () => {
  it('lets workers wait through a Redis restart and producers fail fast', () => {
    expect(connectionOptions('redis://h:1', 'worker')).toMatchObject({ maxRetriesPerRequest: null });
    expect(connectionOptions('redis://h:1', 'producer', 'sluice-gateway')).toMatchObject({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectionName: 'sluice-gateway',
    });
  });

  it('probes an idle connection after 30 s, so that a flow dropped silently is found', () => {
    expect(connectionOptions('redis://h:1', 'worker').keepAlive).toBe(30_000);
    expect(connectionOptions('redis://h:1', 'producer').keepAlive).toBe(30_000);
  });

  it('reconnects at once after a close, then backs off while Redis stays away', () => {
    for (const role of ['worker', 'producer'] as const) {
      const { retryStrategy } = connectionOptions('redis://h:1', role);
      expect([1, 2, 3, 10, 50].map((attempt) => retryStrategy?.(attempt))).toEqual([0, 400, 600, 2000, 2000]);
    }
  });

  it('gives a producer’s command up when Redis stays silent, as Redis unavailable; a worker’s waits', async () => {
    expect(connectionOptions('redis://h:1', 'producer').commandTimeout).toBe(PRODUCER_COMMAND_TIMEOUT_MS);
    expect(connectionOptions('redis://h:1', 'worker').commandTimeout).toBeUndefined();
    const server = await fallingSilent();
    const redis = new Redis(connectionOptions(`redis://127.0.0.1:${server.port}`, 'producer'));
    redis.on('error', () => undefined);
    try {
      // No offline queue: a command before the connection is ready would be refused at once.
      await new Promise((resolve) => redis.once('ready', resolve));
      expect(await redis.ping()).toBe('OK');
      server.silence();
      const started = Date.now();
      const error = await redis.ping().then(
        () => new Error('answered'),
        (failure: Error) => failure,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(PRODUCER_COMMAND_TIMEOUT_MS - 50);
      expect(Date.now() - started).toBeLessThan(PRODUCER_COMMAND_TIMEOUT_MS + 2_000);
      expect(unavailableDependency(error)).toBe('redis');
      expect(redisTimedOut(error)).toBe(true);
    } finally {
      redis.disconnect();
      await server.close();
    }
  }, 15_000);
});
