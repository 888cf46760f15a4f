/*
 * The benchmarks' own processes: the compiled gateway and the baselines each run as a process of
 * their own (as deployed), so the load generator in the benchmark's process does not share their
 * event loop, and each process's CPU time can be read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { setTimeout as sleep } from 'node:timers/promises';

/** The compiled gateway's entry point (run `npm run build` first). */
export const GATEWAY_MAIN = join(__dirname, '..', 'dist', 'apps', 'gateway', 'src', 'main.js');

/** Extra Node flags from an environment variable (e.g. GATEWAY_NODE_ARGS="--cpu-prof"). */
export function nodeArgs(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter(Boolean);
}

/**
 * Starts `node <args>` and waits until `readyUrl` answers below 500 (a POST when it ends in
 * `/bare`, the baselines' one route), or for the child's `'ready'` message when `readyUrl` is
 * null (the child is given an IPC channel).
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string | null,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', ...(readyUrl === null ? (['ipc'] as const) : [])],
  });
  if (readyUrl === null) {
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
      child.on('message', (message) => message === 'ready' && resolve());
    });
    return child;
  }
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) {
      throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    }
    const ok = await fetch(readyUrl, { method: readyUrl.endsWith('/bare') ? 'POST' : 'GET' })
      .then((response) => response.status < 500)
      .catch(() => false);
    if (ok) {
      return child;
    }
    await sleep(100);
  }
  throw new Error(`${readyUrl} did not come up`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A process's command name and CPU time so far, user and system (s), from /proc/<pid>/stat (Linux; 100 ticks a second). */
function procStat(pid: number | string): { command: string; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return {
    command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
  };
}

/** A child process's CPU time so far, user and system (s). */
export function cpuSeconds(child: ChildProcess): number {
  return procStat(child.pid ?? 0).cpuSeconds;
}

/**
 * A baseline (bench/<name>.ts) compiled next to the compiled gateway (dist/bench), so both sides
 * run as deployed: under ts-node a baseline would carry ts-node's REPL module, which loads Node's
 * `domain` and with it a wrapper around every event the process emits. Imports of `@sluice/*`
 * libraries point at their compiled copies. The open-loop sender is compiled the same way, for the
 * same reason.
 */
export function compiledBaseline(
  name: 'bare-server' | 'plain-server' | 'baseline-answer' | 'bare-pipeline' | 'open-loop-sender',
): string {
  if (name === 'bare-server' || name === 'plain-server') {
    compiledBaseline('baseline-answer'); // the answer both import
  }
  const source = readFileSync(join(__dirname, `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  const out = join(__dirname, '..', 'dist', 'bench', `${name}.js`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, outputText.replace(/require\("@sluice\/([a-z-]+)"\)/g, 'require("../libs/$1/src")'));
  return out;
}

/**
 * CPU time so far (s) of every process on this machine with this command name (e.g. `postgres`,
 * `redis-server`), from /proc: what a local PostgreSQL or Redis spent for a benchmark, read before
 * and after a run. Processes that ended in between are not counted.
 */
export function commandCpuSeconds(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = procStat(entry);
      if (stat.command === command) {
        total += stat.cpuSeconds;
      }
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
