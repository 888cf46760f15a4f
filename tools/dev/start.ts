/*
 * `npm start`: Redis and PostgreSQL (given or private), migrations, the five apps, a demo workspace,
 * and a printed guide. Ctrl-C stops everything this started.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { localSecret, provisionServices, type Services } from './services';
import { watchParent } from './parent-watch';
import { startApp, stopAll, waitForOk, type ManagedProcess } from './processes';
import { ProvidersConfig } from '@sluice/config';
import { connectRocketReachWebhook, sandboxProviderEnv } from './sandbox-env';

const root = resolve(__dirname, '..', '..', '..');
const dataRoot = join(root, '.data');
const env = process.env;
const num = (name: string, fallback: number): number => {
  const value = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    // Before anything is started: the apps would refuse it one by one, each naming it differently.
    console.error(`${name} must be a port number (1–65535), got ${JSON.stringify(env[name])}.`);
    process.exit(1);
  }
  return value;
};

const ports = {
  gateway: num('GATEWAY_PORT', 3000),
  worker: num('WORKER_HEALTH_PORT', 3001),
  webhooks: num('WEBHOOK_RECEIVER_PORT', 3002),
  monitor: num('CREDIT_MONITOR_PORT', 3003),
  sandbox: num('SANDBOX_PORT', 4010),
};

let services: Services | null = null;
let apps: ManagedProcess[] = [];
/** The one shutdown under way: a second caller (an app exiting, a signal) waits for it to finish. */
let stopped: Promise<void> | null = null;

async function shutdown(code: number): Promise<never> {
  if (!stopped) {
    stopped = (async () => {
      console.log('\nStopping Sluice…');
      await stopAll(apps);
      await services?.stop();
      console.log('Stopped.');
    })();
  }
  // Exiting before the first shutdown ends would leave apps running after the driver is gone.
  await stopped;
  process.exit(code);
}

interface DemoWorkspace {
  id: string;
  api_key: string;
}

async function demoWorkspace(
  gatewayUrl: string,
  adminToken: string,
): Promise<{ demo: DemoWorkspace; created: boolean }> {
  const file = join(dataRoot, 'demo-workspace.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoWorkspace;
    // The key is only valid if this database knows it (DATABASE_URL may have changed).
    const probe = await fetch(`${gatewayUrl}/v1/jobs/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${saved.api_key}` },
    });
    if (probe.status === 404) {
      return { demo: saved, created: false };
    }
  }
  const response = await fetch(`${gatewayUrl}/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Demo ${randomBytes(3).toString('hex')}` }),
  });
  if (response.status !== 201) {
    throw new Error(`Creating the demo workspace failed: HTTP ${response.status} ${await response.text()}`);
  }
  const body = (await response.json()) as { workspace: { id: string }; api_key: string };
  const demo = { id: body.workspace.id, api_key: body.api_key };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return { demo, created: true };
}

async function sampleCompany(sandboxUrl: string): Promise<string> {
  try {
    const response = await fetch(`${sandboxUrl}/_sandbox/world/companies?limit=50`);
    const companies = (await response.json()) as {
      company_number: string;
      company_status: string;
      company_status_detail: string | null;
    }[];
    const active =
      companies.find((c) => c.company_status === 'active' && !c.company_status_detail) ?? companies[0];
    if (active) {
      return active.company_number;
    }
  } catch {
    // The example still works with any number; it would then end as "not found".
  }
  return '00000001';
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(0));
  }
  // A SIGTERM to npm does not reach us (see watchParent): npm's going away does.
  watchParent(() => {
    console.log('npm start ended (its process is gone).');
    void shutdown(0);
  });
  // Output piped to a reader that has gone (`npm start | head`): stop rather than die on EPIPE
  // with the apps left running.
  process.stdout.on('error', () => void shutdown(0));
  console.log('Starting Sluice…');
  services = await provisionServices({
    dataDir: dataRoot,
    secretsDir: dataRoot,
    ports: { redis: num('SLUICE_REDIS_PORT', 6390), postgres: num('SLUICE_POSTGRES_PORT', 5433) },
  });
  const adminToken = env.SLUICE_ADMIN_TOKEN ?? localSecret(dataRoot, 'admin-token', 32);
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
  const appEnv: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    // Every provider at the local sandbox (SANDBOX_PORT moves all of them, not one).
    ...sandboxProviderEnv(sandboxUrl),
    // Locally the providers (the sandbox) call the receiver directly.
    WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${ports.webhooks}`,
    // Local runs deliver callbacks to local services. That lets any workspace point the worker at
    // this machine's ports, so every app listens on loopback only: no one on the network can ask,
    // nor read the worker's and the credit monitor's health and metrics (the *_HOST settings, set,
    // still win).
    CALLBACK_ALLOW_PRIVATE: 'true',
    GATEWAY_HOST: '127.0.0.1',
    WEBHOOK_RECEIVER_HOST: '127.0.0.1',
    WORKER_HEALTH_HOST: '127.0.0.1',
    CREDIT_MONITOR_HOST: '127.0.0.1',
    SLUICE_ENCRYPTION_KEY: Buffer.from(localSecret(dataRoot, 'encryption-key', 32), 'hex').toString('base64'),
    // Workspaces' own provider credentials: a local key kept under .data/, like the one above.
    CREDENTIALS_MASTER_KEY: localSecret(dataRoot, 'credentials-master-key', 32),
    ...env,
    REDIS_URL: services.redisUrl,
    DATABASE_URL: services.databaseUrl,
    SLUICE_ADMIN_TOKEN: adminToken,
    GATEWAY_PORT: String(ports.gateway),
    WORKER_HEALTH_PORT: String(ports.worker),
    WEBHOOK_RECEIVER_PORT: String(ports.webhooks),
    CREDIT_MONITOR_PORT: String(ports.monitor),
    SANDBOX_PORT: String(ports.sandbox),
  };

  const migrate = spawnSync(process.execPath, [join(root, 'dist/libs/db/src/migrate.js'), 'run'], {
    env: appEnv,
    stdio: 'inherit',
  });
  if (migrate.status !== 0) {
    throw new Error('Migrations failed (see above).');
  }

  const onExit = (name: string, how: string): void => {
    if (!stopped) {
      console.error(`${name} exited unexpectedly (${how}); stopping everything.`);
      void shutdown(1);
    }
  };
  const app = (name: string): ManagedProcess =>
    startApp(name, join(root, `dist/apps/${name}/src/main.js`), appEnv, onExit);
  apps = [
    app('provider-sandbox'),
    app('gateway'),
    app('enrichment-worker'),
    app('webhook-receiver'),
    app('credit-monitor'),
  ];
  const alive = (name: string) => () => apps.find((a) => a.name === name)?.child.exitCode === null;
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  await Promise.all([
    waitForOk(`${sandboxUrl}/health`, 60_000, alive('provider-sandbox')),
    waitForOk(`${gatewayUrl}/health`, 90_000, alive('gateway')),
    waitForOk(`http://127.0.0.1:${ports.worker}/health`, 90_000, alive('enrichment-worker')),
    waitForOk(`http://127.0.0.1:${ports.webhooks}/health`, 90_000, alive('webhook-receiver')),
    waitForOk(`http://127.0.0.1:${ports.monitor}/health`, 90_000, alive('credit-monitor')),
  ]);
  if (appEnv.ROCKETREACH_BASE_URL?.startsWith(sandboxUrl)) {
    // RocketReach calls back to the account's webhook (set in its dashboard): the sandbox's points at
    // the local receiver, with the secret the receiver checks.
    const secret = appEnv.ROCKETREACH_WEBHOOK_SECRET ?? new ProvidersConfig().rocketreachWebhookSecret;
    const problem = await connectRocketReachWebhook(sandboxUrl, `http://127.0.0.1:${ports.webhooks}`, secret);
    if (problem) {
      console.warn(`RocketReach's sandbox webhook is not set (${problem}): its lookups finish by polling.`);
    }
  }
  const { demo, created } = await demoWorkspace(gatewayUrl, adminToken);
  const company = await sampleCompany(sandboxUrl);
  const banner = [
    '',
    '──────────────────────────────────────────────────────────────────────────────',
    ' Sluice is running.',
    '',
    ` API             ${gatewayUrl}/v1`,
    ` API docs        ${gatewayUrl}/docs`,
    ` Dashboard       ${gatewayUrl}/dashboard   (log in with the admin token)`,
    ` Bull Board      ${gatewayUrl}/admin/queues   (user: admin, password: the admin token)`,
    ` Metrics         ${gatewayUrl}/metrics`,
    ` Health          ${gatewayUrl}/health`,
    ` Webhooks        http://127.0.0.1:${ports.webhooks}`,
    ` Sandbox         ${sandboxUrl}/_sandbox/providers`,
    '',
    ` Services        ${services.started.length ? services.started.join(', ') : 'from REDIS_URL and DATABASE_URL'}`,
    ` Admin token     ${env.SLUICE_ADMIN_TOKEN ? '(from SLUICE_ADMIN_TOKEN)' : `${adminToken}   (kept in .data/admin-token)`}`,
    ` Demo API key    ${demo.api_key}   (${created ? 'new workspace' : 'kept in .data/demo-workspace.json'})`,
    '',
    ' Try it:',
    `   curl -s -X POST ${gatewayUrl}/v1/jobs -H 'Authorization: Bearer ${demo.api_key}' \\`,
    `        -H 'Content-Type: application/json' -d '{"type":"company.profile","input":{"company_number":"${company}"}}'`,
    `   curl -s ${gatewayUrl}/v1/jobs/<id from the answer> -H 'Authorization: Bearer ${demo.api_key}'`,
    '',
    ' Ctrl-C stops everything.',
    '──────────────────────────────────────────────────────────────────────────────',
    '',
  ];
  console.log(banner.join('\n'));
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
});
