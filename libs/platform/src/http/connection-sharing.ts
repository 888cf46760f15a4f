import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionSharingOptions {
  /** Connections read at once; beyond it answered connections take turns. 0 turns sharing off. */
  activeMax: number;
  /** How often parked connections are let go when no answer has gone out since (ms). */
  idleCheckMs?: number;
}

export interface ConnectionSharing {
  /** Open connections and, of those, the ones parked (not read) right now. */
  stats(): { open: number; parked: number };
  stop(): void;
}

/**
 * Keeps a saturated HTTP server accepting new connections.
 *
 * Node's event loop (libuv ≥ 1.45, Node 20 and 22) accepts one connection per turn, and a turn reads
 * every connection that has a request waiting. With many busy keep-alive connections a turn lasts
 * tens to hundreds of milliseconds, so connections opened meanwhile wait in the accept queue for
 * seconds (a closed-loop load of 1,000 connections left hundreds unanswered after 10 s). Bounding
 * the connections read at once bounds the turn: once more than `activeMax` are open, a connection
 * whose answer has just gone out is parked (its socket stops reading; what its client sends waits
 * in the kernel) and the longest-parked one is read again, round robin. New connections are never
 * parked before their first answer, so they are served at once.
 *
 * Parked connections are not idle connections: their keep-alive timer is suspended while parked
 * (the server would otherwise close a connection with a request waiting in it) and restored, as
 * Node had set it, when they are read again. When no answer has gone out for `idleCheckMs` (every
 * read connection is idle) all parked ones are read again, so a parked request never waits on quiet
 * neighbours; so they are too when the server closes.
 *
 * Written here because no HTTP library for Node offers it: the cure elsewhere is an accept loop
 * (nginx's multi_accept), which libuv no longer has and Node does not expose.
 */
export function shareConnections(server: Server, options: ConnectionSharingOptions): ConnectionSharing {
  const activeMax = options.activeMax;
  if (activeMax <= 0) {
    return { stats: () => ({ open: 0, parked: 0 }), stop: () => undefined };
  }
  let open = 0;
  // Parked connections and the socket timeout each had (Node's keep-alive timer), insertion-ordered:
  // the first entry is the connection parked longest.
  const parked = new Map<Socket, number>();
  let answeredSinceCheck = false;
  let closing = false;

  const read = (socket: Socket): void => {
    const timeout = parked.get(socket) ?? 0;
    parked.delete(socket);
    if (socket.destroyed) {
      return;
    }
    socket.setTimeout(timeout);
    socket.resume();
  };
  const readLongestParked = (): void => {
    const first = parked.keys().next();
    if (!first.done) {
      read(first.value);
    }
  };
  const park = (socket: Socket): void => {
    parked.set(socket, socket.timeout ?? 0);
    socket.pause();
    socket.setTimeout(0);
  };

  const onConnection = (socket: Socket): void => {
    open += 1;
    socket.once('close', () => {
      open -= 1;
      parked.delete(socket);
      if (open - parked.size < activeMax) {
        readLongestParked();
      }
    });
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    res.once('finish', () => {
      answeredSinceCheck = true;
      const socket = req.socket;
      if (closing || socket.destroyed || parked.has(socket)) {
        return;
      }
      if (open - parked.size > activeMax) {
        park(socket);
      } else if (parked.size > 0) {
        park(socket);
        readLongestParked();
      }
    });
  };
  server.on('connection', onConnection);
  server.on('request', onRequest);
  const timer = setInterval(() => {
    if (!answeredSinceCheck) {
      for (const socket of [...parked.keys()]) {
        read(socket);
      }
    }
    answeredSinceCheck = false;
  }, options.idleCheckMs ?? 100);
  timer.unref();

  // Closing, Node drops the connections it sees between requests at once, parked ones too, with
  // whatever their clients sent waiting unread. So parking stops, every parked connection is read
  // again, and the close waits one turn of the event loop, in which their requests start and keep
  // their connections open until answered.
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void): Server => {
    closing = true;
    clearInterval(timer);
    if (parked.size === 0) {
      return close(callback);
    }
    for (const socket of [...parked.keys()]) {
      read(socket);
    }
    setImmediate(() => setImmediate(() => close(callback)));
    return server;
  };

  return {
    stats: () => ({ open, parked: parked.size }),
    stop: () => {
      clearInterval(timer);
      server.close = close;
      server.off('connection', onConnection);
      server.off('request', onRequest);
      for (const socket of [...parked.keys()]) {
        read(socket);
      }
    },
  };
}
