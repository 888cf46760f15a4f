import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { databaseTrouble, redisTimedOut, unavailableDependency } from '../dependency-errors';

/** The 503's words for a dependency there but busy (`dependency:trouble`), not away. */
const TROUBLE_MESSAGES: Readonly<Record<string, string>> = {
  'postgres:busy':
    'PostgreSQL is busy: no connection came free in time; nothing was written. Retry after the Retry-After delay.',
  'postgres:slow':
    'PostgreSQL is busy: a statement did not answer in time (another request may hold what it waits for). Retry after the Retry-After delay.',
  'redis:slow': 'Redis is busy: a command did not answer in time. Retry after the Retry-After delay.',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/**
 * What an unexpected error is answered with, wherever the gateway catches it (this filter, or a
 * handler ahead of the framework): the details go to the log only.
 */
export const INTERNAL_ERROR_BODY: Readonly<ErrorBody> = Object.freeze({
  statusCode: 500,
  error: 'Internal Server Error',
  message: 'Internal error; it has been logged.',
});

/**
 * The last line of defence: every error becomes a JSON answer. Redis or PostgreSQL being away is a
 * 503 with Retry-After (the caller may retry; nothing was written); an unexpected error is logged
 * and answered 500 without internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly retryAfterSeconds: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      return;
    }
    const { status, body } = this.toAnswer(exception);
    if (status === 503 && response.getHeader('Retry-After') === undefined) {
      // A handler that knows better (a busy resource) set its own.
      response.setHeader('Retry-After', String(this.retryAfterSeconds));
    }
    response.status(status).json(body);
  }

  private toAnswer(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      if (typeof raw === 'string') {
        return { status, body: { statusCode: status, error: reasonOf(status), message: raw } };
      }
      // Fields an answer adds beyond the standard three (e.g. a machine-readable `code`) stay.
      const {
        message,
        statusCode: _status,
        error: _error,
        ...extra
      } = raw as {
        message?: string | string[];
        statusCode?: unknown;
        error?: unknown;
      };
      return {
        status,
        body: {
          ...extra,
          statusCode: status,
          error: reasonOf(status),
          message: message ?? exception.message,
        },
      };
    }
    const dependency = unavailableDependency(exception);
    if (dependency) {
      const name = dependency === 'redis' ? 'Redis' : 'PostgreSQL';
      const trouble =
        dependency === 'postgres' ? databaseTrouble(exception) : redisTimedOut(exception) ? 'slow' : null;
      this.logger.warn(`${name} ${trouble ? 'busy' : 'unavailable'}: ${(exception as Error).message}`);
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: 'Service Unavailable',
          message:
            (trouble && TROUBLE_MESSAGES[`${dependency}:${trouble}`]) ??
            `${name} is temporarily unavailable; nothing was written. Retry after the Retry-After delay.`,
        },
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { ...INTERNAL_ERROR_BODY },
    };
  }
}

function reasonOf(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
