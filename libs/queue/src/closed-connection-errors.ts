import type { EventEmitter } from 'node:events';
import { RedisConnection } from 'bullmq';

const PATCHED = Symbol.for('sluice.bullmq.closedConnectionErrors');

type Emit = (this: RedisConnection, event: string | symbol, ...args: unknown[]) => boolean;
type Close = (this: RedisConnection, force?: boolean) => Promise<void>;

const ignore = (): void => undefined;

/**
 * Drops the errors a BullMQ connection meets once it is closed and nothing listens to it any more.
 * BullMQ 5.81 (the newest release) gets two of them wrong when a Queue or Worker is closed while
 * its first connection to Redis is still failing (Redis went away before the app's connections
 * were up, and the app shuts down, or its shutdown deadline closes them by force):
 *
 * - It re-emits the failed first connection as an `error` event, from a promise handler it
 *   attaches when the connection is made (`initializing.catch(err => this.emit('error', err))`),
 *   and `close()` removes every listener first. With no listener, EventEmitter throws the error
 *   from that handler: an unhandled rejection, on which Node ends the process with the raw error
 *   on stderr before its shutdown finishes.
 * - `close()` takes its listener off the ioredis client, whose connection attempt under way may
 *   still fail (its ready check on a socket already gone): ioredis then prints "Unhandled error
 *   event" with the error to the console, outside the app's log.
 *
 * Both concern a connection already given up; while it was open, every error reached the app's
 * listeners and its log. Patched on the class, not through the `Connection` argument Queue and
 * Worker take, because a Worker makes its blocking connection with BullMQ's own class regardless.
 * Only these cases change: an `error` on a closing connection with no listener, and an error of a
 * client that its closed connection no longer listens to. Applied once per process, when this
 * library is loaded.
 */
export function dropErrorsOfClosedConnections(): void {
  const prototype = RedisConnection.prototype as unknown as Record<symbol, unknown> & {
    emit: Emit;
    close: Close;
  };
  if (prototype[PATCHED]) {
    return;
  }
  const emit = prototype.emit;
  prototype.emit = function (this: RedisConnection, event, ...args) {
    if (event === 'error' && this.closing && this.listenerCount('error') === 0) {
      return false;
    }
    return emit.call(this, event, ...args);
  };
  const close = prototype.close;
  prototype.close = async function (this: RedisConnection, force?: boolean) {
    // BullMQ's typings keep the client protected; it is the ioredis instance (an EventEmitter).
    const client = (this as unknown as { _client?: EventEmitter })._client;
    try {
      await close.call(this, force);
    } finally {
      if (client && client.listenerCount('error') === 0) {
        client.on('error', ignore);
      }
    }
  };
  prototype[PATCHED] = true;
}

dropErrorsOfClosedConnections();
