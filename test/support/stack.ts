import type { INestApplication } from '@nestjs/common';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { createSandboxApp } from '../../apps/provider-sandbox/src/sandbox';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** Start the worker too (default true). */
  worker?: boolean;
  env?: Record<string, string>;
}

export interface Stack {
  gatewayUrl: string;
  sandboxUrl: string;
  workerUrl: string | null;
  gateway: INestApplication;
  worker: INestApplication | null;
  /** The environment the apps were started with (for worker processes started beside them). */
  env: Record<string, string>;
  close(): Promise<void>;
}

function urlOf(app: INestApplication): string {
  const server = app.getHttpServer() as { address(): { port: number } };
  const address = server.address();
  return `http://127.0.0.1:${address.port}`;
}

/** Every provider's base URL pointed at the sandbox. */
export function sandboxProviderEnv(sandboxUrl: string): Record<string, string> {
  return {
    COMPANIES_HOUSE_BASE_URL: `${sandboxUrl}/companies-house`,
    COMPANIES_HOUSE_STREAM_URL: `${sandboxUrl}/companies-house-stream`,
    SNOV_BASE_URL: `${sandboxUrl}/snov`,
    ROCKETREACH_BASE_URL: `${sandboxUrl}/rocketreach/api/v2`,
    APOLLO_BASE_URL: `${sandboxUrl}/apollo/api/v1`,
    SERPER_BASE_URL: `${sandboxUrl}/serper`,
    ORION_CONNECT_BASE_URL: `${sandboxUrl}/phone/orion-connect`,
    ASTRA_DIALER_BASE_URL: `${sandboxUrl}/phone/astra-dialer`,
    NIMBUS_LOOKUP_BASE_URL: `${sandboxUrl}/phone/nimbus-lookup`,
    EMAIL_VERIFIER_BASE_URL: `${sandboxUrl}/email-verifier`,
  };
}

/**
 * The real apps, in this process, on free ports: the sandbox, the gateway and the worker, talking
 * to each other over HTTP, Redis and PostgreSQL exactly as in production.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const sandbox = await createSandboxApp({ seed: 20261122, worldSize: 300 });
  await sandbox.listen(0, '127.0.0.1');
  const sandboxUrl = urlOf(sandbox);
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl,
    DATABASE_URL: options.databaseUrl,
    QUEUE_PREFIX: options.prefix,
    SLUICE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...sandboxProviderEnv(sandboxUrl),
    DEPENDENCY_CHECK_INTERVAL_MS: '200',
    ...options.env,
  };
  const { app: gateway } = await createGatewayApp(env);
  await gateway.listen(0, '127.0.0.1');
  let worker: INestApplication | null = null;
  if (options.worker !== false) {
    worker = (await createWorkerApp(env)).app;
    await worker.listen(0, '127.0.0.1');
  }
  return {
    gatewayUrl: urlOf(gateway),
    sandboxUrl,
    workerUrl: worker ? urlOf(worker) : null,
    gateway,
    worker,
    env,
    close: async () => {
      await worker?.close();
      await gateway.close();
      await sandbox.close();
    },
  };
}
