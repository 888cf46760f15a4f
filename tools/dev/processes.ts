import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
}

/** Starts a Node app from dist/, prefixing each line it prints with its name. */
export function startApp(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  onExit: (name: string, how: string) => void,
): ManagedProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pad = name.padEnd(17);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${pad}| ${line}\n`));
    }
  }
  child.once('exit', (code, signal) => onExit(name, howItEnded(code, signal)));
  return { name, child };
}

/** How a process ended, for a person: its exit code, or the signal that ended it (`kill -9`). */
export function howItEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `code ${code}` : `signal ${signal ?? 'unknown'}`;
}

/** SIGTERM to each, then SIGKILL for any still running after `graceMs`. */
export async function stopAll(processes: ManagedProcess[], graceMs = 10_000): Promise<void> {
  await Promise.all(
    processes.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Polls a URL until it answers 2xx or the deadline passes. */
export async function waitForOk(
  url: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) {
      throw new Error(`${url}: the process serving it exited`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        return;
      }
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs / 1000} s (last: ${last})`);
}
