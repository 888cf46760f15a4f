import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiKeyUsage, LAST_USED_EVERY_MS } from './api-key-usage';

/** A stand-in for the database: only `query` is used. */
function dataSource(query: (sql: string, params: unknown[]) => Promise<unknown>): DataSource {
  return { query } as unknown as DataSource;
}

describe('ApiKeyUsage', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes a key once per minute however many requests it authenticates, each key on its own', async () => {
    const written: unknown[][] = [];
    const usage = new ApiKeyUsage(
      dataSource((_sql, params) => {
        written.push(params);
        return Promise.resolve([]);
      }),
    );
    for (let i = 0; i < 100; i += 1) {
      usage.touch('k1', 1_000 + i);
    }
    usage.touch('k2', 1_000);
    usage.touch('k1', 1_000 + LAST_USED_EVERY_MS - 1);
    await usage.onApplicationShutdown();
    expect(written.map(([id]) => id)).toEqual(['k1', 'k2']);
    usage.touch('k1', 1_000 + LAST_USED_EVERY_MS);
    await usage.onApplicationShutdown();
    expect(written.map(([id]) => id)).toEqual(['k1', 'k2', 'k1']);
    // The UPDATE itself skips a row another gateway wrote within the minute.
    expect(written[0]).toEqual(['k1', LAST_USED_EVERY_MS / 1000]);
  });

  it('does not hold the request for the write, and logs a failed write without throwing', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let queries = 0;
    let fail: (error: Error) => void = () => undefined;
    const usage = new ApiKeyUsage(
      dataSource(() => {
        queries += 1;
        return new Promise((_resolve, reject) => {
          fail = reject;
        });
      }),
    );
    expect(usage.touch('k1', 0)).toBeUndefined(); // returned while the UPDATE is still pending
    fail(new Error('connection terminated'));
    await usage.onApplicationShutdown();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ keyId: 'k1', error: 'Error: connection terminated' }),
    );
    // Not retried on every request while the database is in trouble: a minute later at the earliest.
    usage.touch('k1', 1);
    expect(queries).toBe(1);
    usage.touch('k1', LAST_USED_EVERY_MS);
    expect(queries).toBe(2);
    fail(new Error('connection terminated'));
    await usage.onApplicationShutdown();
  });
});
