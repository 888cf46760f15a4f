/*
 * The fixed-rate load of the benchmarks (bench/open-loop-sender.ts), sent from a process of its own
 * so the latencies it measures are the server's, not the benchmark process's.
 */
import { spawn } from 'node:child_process';
import type { OpenLoopOptions, OpenLoopResult } from './open-loop-sender';
import { compiledBaseline } from './processes';

export type { OpenLoopOptions, OpenLoopResult } from './open-loop-sender';

/** Sends `rate` requests per second for `seconds` from a sender process, and gives its figures. */
export function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const child = spawn(process.execPath, [compiledBaseline('open-loop-sender')], {
    env: { ...process.env, OPEN_LOOP_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as OpenLoopResult));
    child.once('exit', (code) =>
      reject(new Error(`the open-loop sender exited with ${code} before its result`)),
    );
    child.once('error', reject);
  });
}
