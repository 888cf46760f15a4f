import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local-services';
import { postgresProblem } from './reachable';
import { provisionServices } from './services';

describe('provisionServices with REDIS_URL / DATABASE_URL given', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-services-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const provision = (env: NodeJS.ProcessEnv) =>
    provisionServices({ dataDir: dir, secretsDir: dir, ports: null, env, log: () => undefined });

  it('stops at once, naming REDIS_URL and where it points, when nothing answers there', async () => {
    // The apps would otherwise be started on it, each retrying for ever, until `npm start` gave up
    // after 90 s on a /health that never came up, naming neither the variable nor the address.
    const port = await freePort();
    const started = Date.now();
    const outcome = provision({
      REDIS_URL: `redis://:not-to-be-printed@127.0.0.1:${port}/10`,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    await expect(outcome).rejects.toThrow(
      new RegExp(`^Redis at REDIS_URL \\(127\\.0\\.0\\.1:${port}/10\\) cannot be used: .*ECONNREFUSED`),
    );
    await expect(outcome).rejects.not.toThrow(/not-to-be-printed/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a REDIS_URL that is not a redis:// URL', async () => {
    await expect(provision({ REDIS_URL: 'http://127.0.0.1:6379/0', DATABASE_URL: 'x' })).rejects.toThrow(
      'REDIS_URL must be a redis:// or rediss:// URL.',
    );
  });
});

describe('postgresProblem', () => {
  it('names DATABASE_URL and where it points (without its password) when nothing answers there', async () => {
    const port = await freePort();
    const problem = await postgresProblem(`postgres://sluice:not-to-be-printed@127.0.0.1:${port}/sluice`);
    expect(problem).toMatch(
      new RegExp(
        `^PostgreSQL at DATABASE_URL \\(127\\.0\\.0\\.1:${port}/sluice\\) cannot be used: .*ECONNREFUSED`,
      ),
    );
    expect(problem).not.toContain('not-to-be-printed');
  });

  it('refuses a DATABASE_URL that is not a postgres:// URL (pg would read "notaurl" as a host named "base")', async () => {
    expect(await postgresProblem('notaurl')).toBe('DATABASE_URL must be a postgres:// URL.');
  });
});
