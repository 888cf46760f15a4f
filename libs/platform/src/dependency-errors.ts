/** Which backing service an error says is unreachable, if any. */
export type UnavailableDependency = 'redis' | 'postgres';

const PG_UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * PostgreSQL's `protocol_violation`: in the connection-exception class, but the statement's fault
 * (a bind of more than 65,535 parameters, say), not an outage: retrying it would fail the same way,
 * so it is no 503 with Retry-After.
 */
const PG_PROTOCOL_VIOLATION = '08P01';

export class DependencyUnavailableError extends Error {
  constructor(readonly dependency: UnavailableDependency) {
    super(`${dependency === 'redis' ? 'Redis' : 'PostgreSQL'} is unavailable`);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * How PostgreSQL failed a caller that it did not refuse, by pg's own messages:
 * - `busy`: pg-pool's answer to a caller that waited its whole connection timeout while every
 *   connection was in use. PostgreSQL is busy (or slow), not necessarily away; nothing was written
 *   and a retry will do.
 * - `slow`: pg's answer to a statement that ran past the pool's `query_timeout`: it waited (a lock
 *   held elsewhere, a busy server) or ran long. A retry later may well go through, but the statement
 *   may still end on the server, so an answer must not say that nothing was written.
 * Both are 503s, worded for what happened; null for anything else.
 */
export function databaseTrouble(error: unknown): 'busy' | 'slow' | null {
  const message = messageOf(error);
  return message === POOL_WAIT_TIMED_OUT ? 'busy' : message === QUERY_TIMED_OUT ? 'slow' : null;
}

/** An error's `message`, when it has one. */
function messageOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : null;
}

/**
 * Whether Redis failed a caller by not answering within the connection's `commandTimeout` (see
 * `redisOptions`): Redis is connected but slow or stuck. The command may still run once Redis
 * answers again, so an answer must not say that nothing was written.
 */
export function redisTimedOut(error: unknown): boolean {
  return messageOf(error) === REDIS_COMMAND_TIMED_OUT;
}

/** ioredis's message to a caller whose command was not answered within `commandTimeout`. */
const REDIS_COMMAND_TIMED_OUT = 'Command timed out';

/** pg-pool's message to a caller whose wait for a free connection ran out. */
const POOL_WAIT_TIMED_OUT = 'timeout exceeded when trying to connect';
/** pg's message to a caller whose statement did not answer within `query_timeout`. */
const QUERY_TIMED_OUT = 'Query read timeout';

/**
 * Tells "the database or Redis is away" apart from "this request is wrong", so that the first
 * becomes a 503 with Retry-After and the second a 4xx.
 */
export function unavailableDependency(error: unknown): UnavailableDependency | null {
  // Duck-typed on purpose: errors raised by Node's sockets may come from another realm (e.g. under
  // Jest), where `instanceof Error` is false.
  if (typeof error !== 'object' || error === null) {
    return null;
  }
  if (error instanceof DependencyUnavailableError) {
    return error.dependency;
  }
  const candidate = error as { message?: unknown; name?: unknown; errors?: unknown };
  const nested = Array.isArray(candidate.errors)
    ? candidate.errors.map((e) => (e as { message?: string }).message ?? '').join(' ')
    : '';
  const message = `${typeof candidate.message === 'string' ? candidate.message : ''} ${nested}`;
  if (
    /enableOfflineQueue options is false|Connection is closed|Stream isn't writeable|MaxRetriesPerRequestError|Reached the max retries per request limit|Redis is not ready|Command timed out/i.test(
      message,
    ) ||
    candidate.name === 'MaxRetriesPerRequestError'
  ) {
    return 'redis';
  }
  const codes = [
    (error as { code?: unknown }).code,
    (error as { driverError?: { code?: unknown } }).driverError?.code,
  ];
  if (
    codes.some(
      (code) =>
        typeof code === 'string' &&
        ((code.startsWith('08') && code !== PG_PROTOCOL_VIOLATION) || PG_UNAVAILABLE_CODES.has(code)),
    )
  ) {
    return 'postgres';
  }
  if (
    message.includes(POOL_WAIT_TIMED_OUT) ||
    message.includes(QUERY_TIMED_OUT) ||
    /Connection terminated|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Connection is not established|connect ECONNREFUSED/i.test(
      message,
    )
  ) {
    return 'postgres';
  }
  return null;
}
