import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from '../../tools/local-services';

/**
 * The private PostgreSQL of `npm start` and `npm test` must not depend on the process that started
 * it reading its output: `npm test` is busy waiting for a test step while the server runs.
 */
describe('private PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-private-pg-'));
  let pg: PrivatePostgres | undefined;

  beforeAll(async () => {
    pg = await startPrivatePostgres({
      dataDir: join(dir, 'pg'),
      port: await freePort(),
      password: 'private-services-test',
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving while the process that started it is blocked and it logs far more than a pipe holds', () => {
    // ~300 KB of server log lines, written while this process's event loop is blocked by spawnSync.
    const script = `
      const { Client } = require('pg');
      (async () => {
        const client = new Client({ connectionString: process.argv[1] });
        await client.connect();
        for (let i = 0; i < 300; i++) {
          await client.query("DO $$ BEGIN RAISE LOG 'private-services-test %', repeat('x', 1000); END $$");
        }
        await client.end();
        process.stdout.write('done');
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const result = spawnSync(process.execPath, ['-e', script, pg!.url], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: result.status, signal: result.signal, stdout: result.stdout }).toEqual({
      status: 0,
      signal: null,
      stdout: 'done',
    });
    // `npm test` prints the notable lines of the file the server reports (printServerLogs).
    expect(pg!.logPath).toBe(join(dir, 'pg.log'));
    const logged = readFileSync(pg!.logPath, 'utf8');
    expect(logged.match(/private-services-test x+/g)).toHaveLength(300);
  });
});

describe('private Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-private-redis-'));
  let first: PrivateRedis | undefined;

  afterAll(async () => {
    await first?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready only when the Redis answering on its port is its own process', async () => {
    const port = await freePort();
    first = await startPrivateRedis({ dataDir: join(dir, 'first'), port, log: () => undefined });
    // A second one on the same port cannot bind, while the first answers there: it must not pass
    // the first one's answers off as its own.
    await expect(
      startPrivateRedis({ dataDir: join(dir, 'second'), port, log: () => undefined }),
    ).rejects.toThrow(new RegExp(`Port ${port} is served by another Redis \\(process ${first.pid}\\)`));
  });

  it('reports the log file its server writes', () => {
    expect(first!.logPath).toBe(join(dir, 'first', 'redis.log'));
    expect(readFileSync(first!.logPath, 'utf8')).toMatch(new RegExp(`Redis version=.*pid=${first!.pid}`));
  });
});
