/* Shared plumbing of the benchmarks: the real apps on free ports, a private database and Redis prefix. */
import 'reflect-metadata';
import { type ChildProcess, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import { createGatewayApp } from '../apps/gateway/src/app';
import { createSandboxApp } from '../apps/provider-sandbox/src/sandbox';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { deletePrefix, uniquePrefix } from '../test/support/redis';
import { TEST_ADMIN_TOKEN } from '../test/support/stack';
import { sandboxProviderEnv } from '../tools/dev/sandbox-env';
import { freePort, startWorkerProcess, type WorkerProcess } from '../test/support/worker-process';
import { GATEWAY_MAIN, nodeArgs, startProcess, stopProcess } from './processes';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function urlOf(app: INestApplication): string {
  const server = app.getHttpServer() as { address(): { port: number } };
  return `http://127.0.0.1:${server.address().port}`;
}

export interface BenchStack {
  sandboxUrl: string;
  gatewayUrl: string;
  db: TestDatabase;
  prefix: string;
  env: Record<string, string>;
  workers: WorkerProcess[];
  /** The gateway's process, when it runs as one (`gatewayProcess`). */
  gateway: ChildProcess | null;
  close(): Promise<void>;
}

/** The apps' settings for a benchmark: production mode, quiet logs, every provider at the sandbox. */
export function benchAppEnv(options: {
  redisUrl: string;
  databaseUrl: string;
  prefix: string;
  sandboxUrl: string;
  env?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    REDIS_URL: options.redisUrl,
    DATABASE_URL: options.databaseUrl,
    QUEUE_PREFIX: options.prefix,
    COMPANIES_HOUSE_STREAM_ENABLED: 'false',
    SLUICE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // A benchmark's one workspace sends far more than a customer's default limits allow.
    WORKSPACE_RATE_LIMIT_PER_MINUTE: '100000000',
    WORKSPACE_RATE_LIMIT_PER_HOUR: '100000000',
    WORKSPACE_RATE_LIMIT_PER_DAY: '100000000',
    ...sandboxProviderEnv(options.sandboxUrl),
    ...options.env,
  };
}

/**
 * The sandbox in this process, the worker as its own process (as deployed), and the gateway in this
 * process or, with `gatewayProcess`, as its own process too (the compiled one, with
 * GATEWAY_NODE_ARGS), on a private database and Redis prefix. The worker is the compiled one: run
 * `npm run build` first.
 */
export async function startBenchStack(options: {
  env?: Record<string, string>;
  worldSize?: number;
  workers?: number;
  gatewayProcess?: boolean;
}): Promise<BenchStack> {
  const db = await createTestDatabase(DATABASE_URL);
  const prefix = uniquePrefix();
  const sandbox = await createSandboxApp({ seed: 20261122, worldSize: options.worldSize ?? 300 });
  await sandbox.listen(0, '127.0.0.1');
  const sandboxUrl = urlOf(sandbox);
  const env = benchAppEnv({ redisUrl: REDIS_URL, databaseUrl: db.url, prefix, sandboxUrl, env: options.env });
  const gateway = await startGateway(env, options.gatewayProcess ?? false);
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < (options.workers ?? 1); i += 1) {
    workers.push(await startWorkerProcess(env));
  }
  return {
    sandboxUrl,
    gatewayUrl: gateway.url,
    gateway: gateway.child,
    db,
    prefix,
    env,
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await gateway.close();
      await sandbox.close();
      await db.drop();
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}

/** The gateway in this process, or as its own process (the compiled one, with GATEWAY_NODE_ARGS). */
async function startGateway(
  env: Record<string, string>,
  asProcess: boolean,
): Promise<{ url: string; child: ChildProcess | null; close(): Promise<void> }> {
  if (!asProcess) {
    const { app } = await createGatewayApp(env);
    await app.listen(0, '127.0.0.1');
    return { url: urlOf(app), child: null, close: () => app.close() };
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess(
    ['--enable-source-maps', ...nodeArgs('GATEWAY_NODE_ARGS'), GATEWAY_MAIN],
    { ...env, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1' },
    `${url}/health`,
  );
  return { url, child, close: () => stopProcess(child) };
}

export async function json<T>(
  url: string,
  init: RequestInit & { token?: string; body?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) {
    headers.authorization = `Bearer ${init.token}`;
  }
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  }
  return (text ? JSON.parse(text) : null) as T;
}

export async function workspace(gatewayUrl: string, name: string, tier = 'premium'): Promise<string> {
  const created = await json<{ api_key: string }>(`${gatewayUrl}/v1/admin/workspaces`, {
    method: 'POST',
    token: TEST_ADMIN_TOKEN,
    body: JSON.stringify({ name, tier }),
  });
  return created.api_key;
}

/** Runs `total` tasks with at most `concurrency` at once. */
export async function pool(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next;
        next += 1;
        await task(i);
      }
    }),
  );
}

export function machine(): string {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  return `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, commit ${commit}`;
}

/** The median of some figures (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints the figures (synchronously: the process exits right after) and keeps them under
 * `bench/results/<name>.txt` for `docs/benchmarks.md`.
 */
export function report(name: string, lines: string[]): void {
  const text = `${lines.join('\n')}\n`;
  writeSync(1, text);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), text);
}
