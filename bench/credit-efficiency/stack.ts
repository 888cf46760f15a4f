/**
 * The real apps in this process, as `test/support/stack.ts` starts them, but with a world big enough
 * for the benchmark and the sandbox's providers set up (credits, rate limits, task delays) before
 * the worker reads its first balances.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { createSandboxApp } from '../../apps/provider-sandbox/src/sandbox';
import { generateWorld } from '../../apps/provider-sandbox/src/world/generate-world';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { deletePrefix, uniquePrefix } from '../../test/support/redis';
import { sandboxPatch } from '../../test/support/pipeline';
import { benchAppEnv } from '../support';

export const SEED = 20261122;

/** Balance every paid provider starts the run with: far more than the run can spend. */
export const START_CREDITS = 1_000_000;

export interface BenchStack {
  sandboxUrl: string;
  gatewayUrl: string;
  db: TestDatabase;
  close(): Promise<void>;
}

function urlOf(app: INestApplication): string {
  const server = app.getHttpServer() as { address(): { port: number } };
  return `http://127.0.0.1:${server.address().port}`;
}

/** The smallest world size (companies) tried, growing by a third, that holds at least `people` people. */
export function worldSizeFor(people: number): number {
  let size = Math.max(10, Math.ceil(people / 4));
  for (;;) {
    if (generateWorld(SEED, size).contacts.people.length >= people) {
      return size;
    }
    size = Math.ceil(size * 1.34);
  }
}

export async function startBenchStack(options: {
  databaseUrl: string;
  redisUrl: string;
  worldSize: number;
  providers: readonly string[];
  /** Providers that answer through tasks, whose task delay is shortened. */
  asyncProviders: readonly string[];
  env: Record<string, string>;
}): Promise<BenchStack> {
  const db = await createTestDatabase(options.databaseUrl);
  const prefix = uniquePrefix();
  const opened: INestApplication[] = [];
  const close = async (): Promise<void> => {
    for (const app of opened.reverse()) {
      await app.close().catch(() => undefined);
    }
    await db.drop().catch(() => undefined);
    await deletePrefix(options.redisUrl, prefix).catch(() => undefined);
  };
  try {
    const sandbox = await createSandboxApp({ seed: SEED, worldSize: options.worldSize });
    await sandbox.listen(0, '127.0.0.1');
    opened.push(sandbox);
    const sandboxUrl = urlOf(sandbox);
    // Before the worker starts: it reads balances once at start.
    for (const provider of options.providers) {
      await sandboxPatch(sandboxUrl, provider, {
        credits: START_CREDITS,
        rate_limit: null,
        error_rate: 0,
        outage: false,
        latency_ms: 0,
        ...(options.asyncProviders.includes(provider) ? { task_delay_ms: 20 } : {}),
      });
    }
    const env = benchAppEnv({
      redisUrl: options.redisUrl,
      databaseUrl: db.url,
      prefix,
      sandboxUrl,
      env: options.env,
    });
    const { app: gateway } = await createGatewayApp(env);
    await gateway.listen(0, '127.0.0.1');
    opened.push(gateway);
    const { app: worker } = await createWorkerApp(env);
    await worker.listen(0, '127.0.0.1');
    opened.push(worker);
    return { sandboxUrl, gatewayUrl: urlOf(gateway), db, close };
  } catch (error) {
    await close();
    throw error;
  }
}
