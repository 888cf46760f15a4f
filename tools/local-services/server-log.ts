import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * A private server's stdout and stderr go to a file, never to a pipe. A pipe must be drained by
 * this process, which nothing guarantees (a process blocked in spawnSync reads nothing): once the
 * pipe's 64 KB are full, every PostgreSQL process that logs a line (the checkpointer at each DROP
 * DATABASE, a backend reporting a terminated session) stops in write() until it is read.
 */
export function openServerLog(path: string): { fd: number; close(): void; tail(): string } {
  const fd = openSync(path, 'a', 0o600);
  return {
    fd,
    // The child keeps its own copy of the descriptor; ours is only needed until it is spawned.
    close: () => closeSync(fd),
    // The last 8 KB, for an error message: `npm start`'s log grows over many runs.
    tail: () => {
      const tailFd = openSync(path, 'r');
      try {
        const size = statSync(path).size;
        const length = Math.min(size, 8000);
        const buffer = Buffer.alloc(length);
        readSync(tailFd, buffer, 0, length, size - length);
        return buffer.toString('utf8');
      } finally {
        closeSync(tailFd);
      }
    },
  };
}
