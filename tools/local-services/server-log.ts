import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/**
 * A private server's stdout and stderr go to a file, never to a pipe. A pipe must be drained by
 * this process, and it is not while the process is blocked (`npm test` waits for each step): once
 * the pipe's 64 KB are full, every PostgreSQL process that logs a line (the checkpointer at each
 * DROP DATABASE, a backend reporting a terminated session) stops in write() until it is read.
 */
export function openServerLog(path: string): { fd: number; close(): void; tail(): string } {
  const fd = openSync(path, 'a', 0o600);
  return {
    fd,
    // The child keeps its own copy of the descriptor; ours is only needed until it is spawned.
    close: () => closeSync(fd),
    tail: () => (existsSync(path) ? readFileSync(path, 'utf8').slice(-8000) : ''),
  };
}
