import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createWebhookReceiverApp } from '../../apps/webhook-receiver/src/app';
import { createGatewayApp } from '../../apps/gateway/src/app';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { createSandboxApp } from '../../apps/provider-sandbox/src/sandbox';
import { sandboxProviderEnv } from '../../tools/dev/sandbox-env';

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
  /** The webhook receiver, where providers call back (WEBHOOK_PUBLIC_URL unless a test sets it). */
  receiverUrl: string;
  gateway: INestApplication;
  /** The running worker; a test that restarts it puts the new one here. */
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

/**
 * The real apps, in this process, on free ports: the sandbox, the gateway and the worker, talking
 * to each other over HTTP, Redis and PostgreSQL exactly as in production.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const sandbox = await createSandboxApp({ seed: 20261122, worldSize: 300 });
  await sandbox.listen(0, '127.0.0.1');
  const sandboxUrl = urlOf(sandbox);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl,
    DATABASE_URL: options.databaseUrl,
    QUEUE_PREFIX: options.prefix,
    SLUICE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // Tests poll their jobs far faster than a customer's default limits allow; the limits' own
    // test sets them per workspace.
    WORKSPACE_RATE_LIMIT_PER_MINUTE: '1000000',
    WORKSPACE_RATE_LIMIT_PER_HOUR: '1000000',
    WORKSPACE_RATE_LIMIT_PER_DAY: '1000000',
    ...sandboxProviderEnv(sandboxUrl),
    DEPENDENCY_CHECK_INTERVAL_MS: '200',
    // A fresh key per stack: sealed secrets never outlive the test that made them.
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Test callback sinks listen on the loopback interface.
    CALLBACK_ALLOW_PRIVATE: 'true',
    // Tests that follow the companies stream say so.
    COMPANIES_HOUSE_STREAM_ENABLED: 'false',
    // Waiting steps poll at ASYNC_POLL_INTERVAL_MS whether or not a callback is due; the callbacks'
    // own test sets the longer interval deployments poll at when one is.
    ASYNC_CALLBACK_POLL_INTERVAL_MS: '10',
    // The credit monitor's daily schedules (the usage report at 07:00 UTC, retention at 02:30) would
    // run in whichever test spans that minute: an e-mail or webhook it did not ask for, or rows it
    // made deleted. Tests run them when they mean to.
    USAGE_REPORT_CRON: '',
    RETENTION_CRON: '',
    ...options.env,
  };
  // The webhook receiver first: the worker gives providers callback URLs under its address.
  const { app: receiver } = await createWebhookReceiverApp(env);
  await receiver.listen(0, '127.0.0.1');
  const receiverUrl = urlOf(receiver);
  if (options.env?.WEBHOOK_PUBLIC_URL === undefined) {
    env.WEBHOOK_PUBLIC_URL = receiverUrl;
  }
  const { app: gateway } = await createGatewayApp(env);
  await gateway.listen(0, '127.0.0.1');
  let worker: INestApplication | null = null;
  if (options.worker !== false) {
    worker = (await createWorkerApp(env)).app;
    await worker.listen(0, '127.0.0.1');
  }
  const stack: Stack = {
    gatewayUrl: urlOf(gateway),
    sandboxUrl,
    workerUrl: worker ? urlOf(worker) : null,
    receiverUrl,
    gateway,
    worker,
    env,
    close: async () => {
      // The worker a test has in place now (a test may restart it).
      await stack.worker?.close();
      await gateway.close();
      await receiver.close();
      await sandbox.close();
    },
  };
  return stack;
}
