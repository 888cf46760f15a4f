import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ConnectionSharingOptions {
  /** Connections read at once; beyond it, answered connections take turns. 0 turns sharing off. */
  activeMax: number;
  /** How often parked connections are let go when no answer has gone out since (ms). */
  idleCheckMs?: number;
  /** A request in progress for longer than this is waiting, not working, and stops counting (ms). */
  longRequestMs?: number;
  /**
   * Share only while the event loop is busier than this share of the time (measured every
   * `idleCheckMs`; sharing stops again below three quarters of it). 0 shares at any load.
   */
  busyAbove?: number;
}

export interface ConnectionSharing {
  /**
   * Open connections; of those, the ones parked (not read), with a request in progress, and with
   * one in progress for longer than `longRequestMs`, right now; and whether sharing is on.
   */
  stats(): { open: number; parked: number; inProgress: number; long: number; busy: boolean };
  stop(): void;
}

/**
 * Keeps a saturated HTTP server accepting new connections.
 *
 * Node's event loop (libuv ≥ 1.45, Node 20 and 22) accepts one connection per turn, and a turn reads
 * every connection that has a request waiting. With many busy keep-alive connections a turn lasts
 * tens to hundreds of milliseconds, so connections opened meanwhile wait in the accept queue for
 * seconds (a closed-loop load of 1,000 connections left hundreds unanswered after 10 s). Bounding
 * the connections read at once bounds the turn.
 *
 * Once more than `activeMax` connections are read, a connection whose answer has just gone out is
 * parked (its socket stops reading; what its client sends waits in the kernel) and the
 * longest-parked one is read again, round robin. A new connection is read at once, so it is
 * accepted and answered within a few short turns. A request in progress for more than
 * `longRequestMs` (a server-sent event stream, a real-time call waiting for its answer) is waiting,
 * not working, and its connection stops counting, so many such requests never hold the others up;
 * a request in progress for less counts, as the work still to do for it is part of the turns.
 *
 * Only a saturated server needs it: sharing starts once the event loop has been busy more than
 * `busyAbove` (90 %) of the last `idleCheckMs`, and stops, reading every parked connection again,
 * once it is busy less than three quarters of that. Below, a connection is never parked: a quiet
 * pool of keep-alive connections costs a turn nothing, and parking it would only delay its
 * requests.
 *
 * Parked connections are not idle connections: their keep-alive timer is suspended while parked
 * (the server would otherwise close a connection with a request waiting in it) and restored, as
 * Node had set it, when they are read again. When no answer has gone out for `idleCheckMs` (every
 * connection read is quiet or waiting) all parked ones are read again, so a parked request never
 * waits on quiet neighbours; so they are too when the server closes.
 *
 * Written here because no HTTP library for Node offers it: the cure elsewhere is an accept loop
 * (nginx's multi_accept), which libuv no longer has and Node does not expose.
 */
export function shareConnections(server: Server, options: ConnectionSharingOptions): ConnectionSharing {
  const activeMax = options.activeMax;
  if (activeMax <= 0) {
    return {
      stats: () => ({ open: 0, parked: 0, inProgress: 0, long: 0, busy: false }),
      stop: () => undefined,
    };
  }
  let open = 0;
  // Parked connections and the socket timeout each had (Node's keep-alive timer), insertion-ordered:
  // the first entry is the connection parked longest.
  const parked = new Map<Socket, number>();
  // Connections with a request in progress and when it started (Node answers one request of a
  // connection at a time), and those in progress for longer than longRequestMs.
  const inProgress = new Map<Socket, number>();
  const long = new Set<Socket>();
  const longRequestMs = options.longRequestMs ?? 500;
  let answeredSinceCheck = false;
  let closing = false;
  const busyAbove = options.busyAbove ?? 0.9;
  let busy = busyAbove <= 0;
  let utilization = performance.eventLoopUtilization();

  /** Connections read, but for those with a request in progress that only waits. */
  const reading = (): number => open - parked.size - long.size;
  const read = (socket: Socket): void => {
    const timeout = parked.get(socket) ?? 0;
    parked.delete(socket);
    if (socket.destroyed) {
      return;
    }
    socket.setTimeout(timeout);
    socket.resume();
  };
  /**
   * Reads the longest-parked connections again while fewer than `activeMax` are read, in the check
   * phase of this turn: resumed while the turn's sockets are being read, a parked connection whose
   * readiness the same poll reported would be read in this very turn, then pull in the next.
   */
  let filling = false;
  const fill = (): void => {
    if (filling || parked.size === 0) {
      return;
    }
    filling = true;
    setImmediate(() => {
      filling = false;
      for (const socket of parked.keys()) {
        if (reading() >= activeMax) {
          return;
        }
        read(socket);
      }
    });
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
      inProgress.delete(socket);
      long.delete(socket);
      fill();
    });
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    inProgress.set(socket, Date.now());
    res.once('finish', () => {
      answeredSinceCheck = true;
      inProgress.delete(socket);
      long.delete(socket);
      if (!busy || closing || socket.destroyed || parked.has(socket)) {
        return;
      }
      if (parked.size > 0) {
        // Others are waiting: this one goes to the back of the line.
        park(socket);
        fill();
      } else if (reading() > activeMax) {
        park(socket);
      }
    });
  };
  server.on('connection', onConnection);
  server.on('request', onRequest);
  const readAll = (): void => {
    for (const socket of [...parked.keys()]) {
      read(socket);
    }
  };
  const timer = setInterval(() => {
    if (busyAbove > 0) {
      const recent = performance.eventLoopUtilization(utilization).utilization;
      utilization = performance.eventLoopUtilization();
      busy = busy ? recent >= busyAbove * 0.75 : recent > busyAbove;
      if (!busy) {
        readAll();
      }
    }
    const since = Date.now() - longRequestMs;
    const waitingBefore = long.size;
    for (const [socket, startedAt] of inProgress) {
      if (startedAt < since) {
        long.add(socket);
      }
    }
    if (long.size > waitingBefore) {
      fill();
    }
    if (!answeredSinceCheck) {
      readAll();
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
    readAll();
    setImmediate(() => setImmediate(() => close(callback)));
    return server;
  };

  return {
    stats: () => ({ open, parked: parked.size, inProgress: inProgress.size, long: long.size, busy }),
    stop: () => {
      clearInterval(timer);
      server.close = close;
      server.off('connection', onConnection);
      server.off('request', onRequest);
      readAll();
    },
  };
}
