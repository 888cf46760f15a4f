import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs test/support/close-before-ready.ts as a process of its own (as an app runs). */
async function run(
  kind: 'Worker' | 'Queue',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(ROOT, 'test', 'support', 'close-before-ready.ts'),
      kind,
    ],
    { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/**
 * BullMQ re-emits a first connection that failed as an error event, also once the Queue or Worker
 * was closed and nothing listens any more, and ioredis prints an error its closed client meets to
 * the console: Node then ended the process on an unhandled rejection (a Redis outage at shutdown
 * killed the worker before its shutdown finished), or the error went to stderr outside the log.
 * Our connections drop those late errors (libs/queue, dropErrorsOfClosedConnections).
 */
describe('Queues and Workers closed while their first Redis connection is still failing', () => {
  it.each(['Worker', 'Queue'] as const)(
    '%s: errors reached the listeners, each closed, nothing went unhandled or to stderr',
    async (kind) => {
      const { code, stdout, stderr } = await run(kind);
      const report = stdout.trim()
        ? (JSON.parse(stdout.trim()) as { closed: number; errors: string[]; unhandled: string[] })
        : null;
      expect({
        code,
        stderr: stderr.trim(),
        closed: report?.closed,
        unhandled: report?.unhandled,
        resetSeen: report?.errors.some((message) => message.includes('ECONNRESET')),
      }).toEqual({ code: 0, stderr: '', closed: 30, unhandled: [], resetSeen: true });
    },
    60_000,
  );
});
