import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * Logs each answered request: method, path, status and duration. Never headers, bodies or the query
 * string: some providers take their API key as a query parameter, and keys stay out of logs.
 */
export function logRequests(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      logger.info(
        {
          method: request.method,
          path: request.originalUrl.split('?')[0],
          status: response.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        },
        'request',
      );
    });
    next();
  };
}
