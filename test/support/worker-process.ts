import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './wait';

const APPS = {
  'enrichment-worker': 'WORKER_HEALTH_PORT',
  'credit-monitor': 'CREDIT_MONITOR_PORT',
  // A second gateway replica, for limits shared across replicas.
  gateway: 'GATEWAY_PORT',
  'webhook-receiver': 'WEBHOOK_RECEIVER_PORT',
} as const;

const mainOf = (app: keyof typeof APPS): string =>
  join(__dirname, '..', '..', 'dist', 'apps', app, 'src', 'main.js');

/** A port free on the loopback interface right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface WorkerProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stdout and stderr so far, when started with `captureOutput`. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, active jobs are left locked until their lock expires. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /**
   * SIGTERM, then at most `withinMs` for the process to end: `inTime` says whether it did, `closed`
   * whether it ended as an app should (by the signal once closed, or, forced at its shutdown
   * deadline, with code 1 and a log line naming what was left open), `lines` what it wrote.
   */
  terminate(withinMs: number): Promise<{ inTime: boolean; closed: boolean; lines: string[] }>;
  metrics(): Promise<string>;
}

/**
 * Spawns a compiled app on a free port with `env` (its output kept when `capture`, else passed
 * through): what `appExit` and `startAppProcess` both start from.
 */
async function spawnApp(
  app: keyof typeof APPS,
  env: Record<string, string>,
  options: { capture: boolean; nodeArgs?: string[] },
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const MAIN = mainOf(app);
  if (!existsSync(MAIN)) {
    throw new Error(`dist/apps/${app}/src/main.js is missing: run \`npm run build\` first (npm test does).`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', ...(options.nodeArgs ?? []), MAIN], {
    env: { ...process.env, ...env, [APPS[app]]: String(port), LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', options.capture ? 'pipe' : 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { child, port, output: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * A compiled app started with `env` that is expected not to start: resolves to its exit code and
 * what it wrote, once it exits, or rejects when it is still running after `withinMs` (it is then
 * killed).
 */
export async function appExit(
  app: keyof typeof APPS,
  env: Record<string, string>,
  withinMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output: written } = await spawnApp(app, env, { capture: true });
  let limit: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode))),
    new Promise<'running'>((resolve) => {
      limit = setTimeout(() => resolve('running'), withinMs);
    }),
  ]);
  clearTimeout(limit);
  const output = written();
  if (code === 'running') {
    child.kill('SIGKILL');
    throw new Error(`${app} was still running after ${withinMs} ms; it wrote:\n${output}`);
  }
  return { code, output };
}

/**
 * The compiled enrichment worker as its own process (as in production), for tests that need two
 * replicas or a hard kill. `npm test` compiles before it runs the tests.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  return startAppProcess('enrichment-worker', env);
}

/**
 * A compiled app (the worker, the credit monitor, the gateway or the webhook receiver) as its own
 * process, answering /health. With `captureOutput` its stdout and stderr are kept for the test
 * (see {@link WorkerProcess.output}) instead of passed through.
 */
export async function startAppProcess(
  app: keyof typeof APPS,
  env: Record<string, string>,
  options: { captureOutput?: boolean } = {},
): Promise<WorkerProcess> {
  const { child, port, output } = await spawnApp(app, env, {
    capture: options.captureOutput ?? false,
    // Extra Node flags for the worker (e.g. `--cpu-prof` to profile it in a benchmark).
    nodeArgs: (process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`${app} process exited with ${child.exitCode}`);
      }
      const response = await fetch(`${url}/health`).catch(() => null);
      return response?.status === 200;
    },
    { timeoutMs: 30_000, what: `${app} process healthy` },
  );
  return {
    url,
    child,
    output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    terminate: async (withinMs) => {
      child.kill('SIGTERM');
      let limit: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => {
          limit = setTimeout(() => resolve(false), withinMs);
        }),
      ]);
      clearTimeout(limit);
      const lines = output()
        .split('\n')
        .filter((line) => line.trim() !== '');
      const closed =
        child.signalCode === 'SIGTERM' ||
        (child.exitCode === 1 && lines.some((line) => /"context":"Shutdown".*"notClosed":\[/.test(line)));
      return { inTime, closed, lines };
    },
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
  };
}
