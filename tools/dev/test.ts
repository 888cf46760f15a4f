/*
 * `npm test`: Redis and PostgreSQL (given or private, on free ports, removed afterwards), then lint,
 * typecheck, unit and integration tests. Exits non-zero when any step fails; leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { POSTGRES_NOTABLE, REDIS_NOTABLE, serverLogExcerpt } from './server-log-excerpt';
import { provisionServices, type Services } from './services';

const root = resolve(__dirname, '..', '..', '..');
const runDir = join(root, '.data', 'test-runs', `${process.pid}-${Date.now()}`);
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

interface Step {
  name: string;
  command: string;
  args: string[];
}

const STEPS: Step[] = [
  { name: 'project graph', command: bin('nx'), args: ['show', 'projects'] },
  { name: 'lint', command: bin('eslint'), args: ['.', '--max-warnings=0'] },
  { name: 'format', command: bin('prettier'), args: ['--check', '.', '--log-level', 'warn'] },
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit tests', command: bin('jest'), args: ['--selectProjects', 'unit', '--ci'] },
  {
    name: 'integration tests',
    command: bin('jest'),
    // One suite at a time, in a worker replaced when its heap grows too large (workerIdleMemoryLimit
    // in jest.config.ts); each suite's line shows the heap it left.
    args: ['--selectProjects', 'integration', '--ci', '--maxWorkers=1', '--logHeapUsage'],
  },
];

/**
 * What the private servers said that can explain a failed or slow test, printed before their logs
 * are removed with the run (see server-log-excerpt.ts).
 */
function printServerLogs(logs: Services['logs']): void {
  const notable = { PostgreSQL: POSTGRES_NOTABLE, Redis: REDIS_NOTABLE };
  for (const { server, path } of logs) {
    if (existsSync(path)) {
      console.log(`\n${serverLogExcerpt(server, readFileSync(path, 'utf8'), notable[server])}`);
    }
  }
}

async function main(): Promise<number> {
  let services: Services | null = null;
  const stop = async (): Promise<void> => {
    await services?.stop();
    services = null;
    rmSync(runDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void stop().then(() => process.exit(130)));
  }
  try {
    services = await provisionServices({ dataDir: runDir, secretsDir: runDir, ports: null });
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      REDIS_URL: services.redisUrl,
      DATABASE_URL: services.databaseUrl,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
    };
    console.log(
      `Test services: ${services.started.length ? services.started.join(', ') : 'from REDIS_URL and DATABASE_URL'}`,
    );
    const results: { name: string; ok: boolean; seconds: number }[] = [];
    for (const step of STEPS) {
      console.log(`\n=== ${step.name} ===`);
      const started = Date.now();
      // Not spawnSync: this process must stay free to handle signals while a step runs.
      const status = await new Promise<number | null>((done) => {
        const child = spawn(step.command, step.args, {
          cwd: root,
          env,
          stdio: step.name === 'project graph' ? 'ignore' : 'inherit',
        });
        child.once('error', () => done(null));
        child.once('exit', (code) => done(code));
      });
      results.push({ name: step.name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
    }
    console.log('\n=== summary ===');
    for (const r of results) {
      console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(18)} ${r.seconds.toFixed(1)} s`);
    }
    const failed = results.filter((r) => !r.ok).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    if (failed > 0) {
      printServerLogs(services.logs);
    }
    return failed === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
