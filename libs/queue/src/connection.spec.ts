import { connectionOptions, redisUrlOptions } from './connection';

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
});
