import { Client, type ClientConfig } from 'pg';

/**
 * pg's client, never without a listener for `error`. pg-pool takes its own listener off a new
 * connection when it hands it out, and TypeORM puts its listener on a few microtasks later; a
 * FATAL that PostgreSQL sends in the same network read as the end of the start-up (the backend
 * terminated just as it was opened: `pg_terminate_backend`, a restart, a failover) is emitted in
 * between, with no listener, and an `error` event without a listener throws out of the socket's
 * handler and ends the process. This listener only stands in that gap: the pool and TypeORM still
 * hear every error, and the connection, no longer queryable, fails its first query, which callers
 * answer with a 503 or retry.
 */
export class GuardedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
