import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type BeforeApplicationShutdown, type INestApplication, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { flushLogs } from './logger';

/** What the app's connections to Redis answer to at the shutdown deadline: provided by its queue module. */
export interface ForceClosable {
  /** Closes at once, without waiting for the server, whatever is still open; answers what that was. */
  forceClose(): string[];
}
export const FORCE_CLOSABLE = Symbol('FORCE_CLOSABLE');

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * What Nest's `enableShutdownHooks` does, with a deadline ({@link closeOnSignals}; every app has it
 * through its ops module). On SIGTERM or SIGINT the app closes as before (its shutdown hooks:
 * workers finish the jobs they hold, connections quit), then the process ends by the same signal.
 * A graceful close waits for its servers, though: with Redis unreachable a BullMQ worker's close
 * and an ioredis `quit` wait for a connection that never comes, and the orchestrator would SIGKILL
 * the process at the end of its grace period. So if the close has not finished within `timeoutMs`
 * (or a shutdown hook failed), the connections still open are closed by force, a line names them,
 * and the process exits with code 1.
 *
 * A forced exit loses nothing committed (no more than a SIGKILL does): a BullMQ job being run keeps
 * its lock in Redis until the lock expires, then the stalled-job check hands it to another run,
 * which takes up what the step already paid for (kept in Redis before PostgreSQL); every
 * PostgreSQL write is a statement or a transaction of its own, so an interrupted one is rolled back
 * whole; a request committed before its job was enqueued is enqueued again by the worker's
 * recovery sweep. What is lost is only what was never written: the provider call log rows a worker
 * still held for another try (see docs/operations.md).
 */
@Injectable()
export class SignalShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private onSignal: ((signal: NodeJS.Signals) => void) | null = null;

  listen(app: INestApplication, timeoutMs: number): void {
    const requests = openRequests(app);
    const onSignal = (signal: NodeJS.Signals): void => {
      // Once: a second signal while closing ends the process at once (Node's default).
      this.stopListening();
      const deadline = setTimeout(() => {
        // The HTTP server closes only once every request in progress has been answered: named
        // first, as the usual cause, with the routes that held it.
        const open = requests();
        const count = Object.values(open).reduce((sum, n) => sum + n, 0);
        this.logger.error({
          msg: `shutdown did not finish within ${timeoutMs} ms: closed by force, exiting with code 1`,
          signal,
          notClosed: [
            ...(count > 0 ? [`HTTP server (${count} request(s) still open)`] : []),
            ...forceCloseRedis(app),
            ...openDatabase(app),
          ],
          ...(count > 0 ? { openRequests: open } : {}),
        });
        process.exit(1);
      }, timeoutMs);
      app.close().then(
        () => {
          clearTimeout(deadline);
          // Ended by the signal, the process runs no `exit` handler: the log lines still buffered
          // (what the close gave up on, say) are written now or never.
          flushLogs();
          process.kill(process.pid, signal);
        },
        (error: unknown) => {
          // A shutdown hook failed (a queue's quit refused while Redis is away): Nest runs no more.
          clearTimeout(deadline);
          this.logger.error({
            msg: 'shutdown failed: closed the rest by force, exiting with code 1',
            signal,
            error: String(error),
            notClosed: [...forceCloseRedis(app), ...openDatabase(app)],
          });
          process.exit(1);
        },
      );
    };
    this.stopListening();
    this.onSignal = onSignal;
    for (const name of SIGNALS) {
      process.on(name, onSignal);
    }
  }

  /** Closed otherwise (a test, a restart in process): no longer listening, as with Nest's own hooks. */
  beforeApplicationShutdown(): void {
    this.stopListening();
  }

  private stopListening(): void {
    if (this.onSignal) {
      for (const name of SIGNALS) {
        process.removeListener(name, this.onSignal);
      }
      this.onSignal = null;
    }
  }
}

/** Closes the app on SIGTERM or SIGINT, by force after `timeoutMs` (see {@link SignalShutdown}). */
export function closeOnSignals(app: INestApplication, timeoutMs: number): void {
  app.get(SignalShutdown, { strict: false }).listen(app, timeoutMs);
}

function forceCloseRedis(app: INestApplication): string[] {
  try {
    return app.get<ForceClosable>(FORCE_CLOSABLE, { strict: false }).forceClose();
  } catch (error) {
    return [`Redis connections (could not force them closed: ${String(error)})`];
  }
}

/** PostgreSQL, when its pool is still open (the exit that follows ends its sockets). */
function openDatabase(app: INestApplication): string[] {
  try {
    return app.get(DataSource, { strict: false }).isInitialized ? ['PostgreSQL pool'] : [];
  } catch {
    return []; // an app without PostgreSQL
  }
}

/**
 * Follows the app's HTTP requests from arrival to the end of their answer; answers a function that
 * counts those still open per method and route template (`POST /v1/imports`; never the URL, whose
 * ids and query would go to the log). A request not routed yet (its body still being read) is
 * counted under its method alone.
 */
function openRequests(app: INestApplication): () => Record<string, number> {
  const open = new Set<IncomingMessage & { route?: { path?: string }; baseUrl?: string }>();
  try {
    const server = app.getHttpServer() as Server | undefined;
    server?.on('request', (request: IncomingMessage, response: ServerResponse) => {
      open.add(request);
      response.once('close', () => open.delete(request));
    });
  } catch {
    // an app without an HTTP server
  }
  return () => {
    const counts: Record<string, number> = {};
    for (const request of open) {
      const path = request.route?.path;
      const route = `${request.method ?? '?'} ${path ? `${request.baseUrl ?? ''}${path}` : '(not routed yet)'}`;
      counts[route] = (counts[route] ?? 0) + 1;
    }
    return counts;
  };
}
