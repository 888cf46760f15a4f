import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import {
  databaseTrouble,
  DependencyUnavailableError,
  redisTimedOut,
  unavailableDependency,
} from './dependency-errors';
import { ApiExceptionFilter } from './http/exception-filter';

/** What pg-pool really says, from a pool of one connection to a server that never answers. */
async function poolErrors(): Promise<{ waiting: Error; connecting: Error }> {
  const sockets: Socket[] = [];
  // Reads and drops what the client sends, so a client's close is seen (a paused socket never ends).
  const server: Server = createServer((socket) => sockets.push(socket.resume()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pool = new Pool({
    host: '127.0.0.1',
    port,
    user: 'x',
    database: 'x',
    max: 1,
    connectionTimeoutMillis: 150,
  });
  pool.on('error', () => undefined);
  try {
    // The first takes the pool's only connection and waits for the server; the second waits for it.
    const connecting = pool.connect().then(
      () => new Error('connected'),
      (error: Error) => error,
    );
    const waiting = pool.connect().then(
      () => new Error('connected'),
      (error: Error) => error,
    );
    return { waiting: await waiting, connecting: await connecting };
  } finally {
    // The pool may open one more connection for the waiter while it ends: close every one after.
    await pool.end().catch(() => undefined);
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The filter's answer to `exception`, through a response that records it. */
function answer(exception: unknown): { status: number; body: { message: string }; retryAfter: unknown } {
  const headers: Record<string, unknown> = {};
  const seen = { status: 0, body: { message: '' } };
  const response: Record<string, unknown> = {
    headersSent: false,
    getHeader: (name: string) => headers[name],
    setHeader: (name: string, value: unknown) => {
      headers[name] = value;
    },
    status: (code: number) => {
      seen.status = code;
      return response;
    },
    json: (body: { message: string }) => {
      seen.body = body;
      return response;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter(7).catch(exception, host);
  return { ...seen, retryAfter: headers['Retry-After'] };
}

// The filter logs what it answers; the answers are what these tests read.
beforeAll(() => {
  Logger.overrideLogger(false);
});

describe('unavailableDependency and databaseTrouble', () => {
  it("tells pg-pool's wait for a busy pool from a connection that cannot be made", async () => {
    const { waiting, connecting } = await poolErrors();
    expect(waiting.message).toBe('timeout exceeded when trying to connect');
    expect(unavailableDependency(waiting)).toBe('postgres');
    expect(databaseTrouble(waiting)).toBe('busy');
    expect(connecting.message).toMatch(/Connection terminated due to connection timeout/);
    expect(unavailableDependency(connecting)).toBe('postgres');
    expect(databaseTrouble(connecting)).toBeNull();
  });

  it('names Redis and PostgreSQL outages and leaves other errors alone', () => {
    expect(
      unavailableDependency(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('postgres');
    expect(unavailableDependency({ message: 'x', driverError: { code: '57P01' } })).toBe('postgres');
    expect(
      unavailableDependency(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe('redis');
    expect(unavailableDependency(new DependencyUnavailableError('redis'))).toBe('redis');
    expect(unavailableDependency(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(unavailableDependency({ message: 'x', driverError: { code: '08006' } })).toBe('postgres');
    // A statement PostgreSQL refuses as a protocol violation fails the same way on every retry.
    const tooManyParameters = Object.assign(
      new Error('bind message has 54464 parameter formats but 0 parameters'),
      { code: '08P01' },
    );
    expect(unavailableDependency(tooManyParameters)).toBeNull();
    expect(unavailableDependency({ message: 'x', driverError: { code: '08P01' } })).toBeNull();
    expect(unavailableDependency('timeout exceeded when trying to connect')).toBeNull();
    expect(databaseTrouble(new Error('query timeout exceeded when trying to connect to x'))).toBeNull();
  });
});

describe('ApiExceptionFilter', () => {
  it('answers a busy pool 503 with Retry-After, saying the database is busy rather than away', async () => {
    const { waiting, connecting } = await poolErrors();
    const busy = answer(waiting);
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe('7');
    expect(busy.body.message).toMatch(/^PostgreSQL is busy: .*nothing was written/);
    const away = answer(connecting);
    expect(away.status).toBe(503);
    expect(away.body.message).toMatch(/^PostgreSQL is temporarily unavailable; nothing was written/);
  });

  it("answers a statement past pg's query_timeout 503 with Retry-After, not a 500", () => {
    // pg's own error (node_modules/pg/lib/client.js), raised when a statement waits past query_timeout.
    const timedOut = new Error('Query read timeout');
    expect(unavailableDependency(timedOut)).toBe('postgres');
    expect(databaseTrouble(timedOut)).toBe('slow');
    const slow = answer(timedOut);
    expect(slow.status).toBe(503);
    expect(slow.retryAfter).toBe('7');
    // The statement may still end on the server: the answer does not say nothing was written.
    expect(slow.body.message).toMatch(/^PostgreSQL is busy: a statement did not answer in time/);
    expect(slow.body.message).not.toMatch(/nothing was written/);
  });

  it('answers a Redis command past its commandTimeout 503 with Retry-After, not a 500', () => {
    // ioredis's own error (node_modules/ioredis/built/Command.js), raised past commandTimeout.
    const timedOut = new Error('Command timed out');
    expect(unavailableDependency(timedOut)).toBe('redis');
    expect(redisTimedOut(timedOut)).toBe(true);
    expect(databaseTrouble(timedOut)).toBeNull();
    const slow = answer(timedOut);
    expect(slow.status).toBe(503);
    expect(slow.retryAfter).toBe('7');
    // The command may still run once Redis answers: the answer does not say nothing was written.
    expect(slow.body.message).toMatch(/^Redis is busy: a command did not answer in time/);
    expect(slow.body.message).not.toMatch(/nothing was written/);
  });

  it("names the status of an HTTP error by Node's own reason phrases", () => {
    expect(answer(new BadRequestException('input.email: not an e-mail address'))).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'input.email: not an e-mail address' },
    });
    const internal = answer(new Error('boom'));
    expect(internal.status).toBe(500);
    expect(internal.body).toMatchObject({
      error: 'Internal Server Error',
      message: 'Internal error; it has been logged.',
    });
  });
});
