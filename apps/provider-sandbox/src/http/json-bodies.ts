import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

const BODY_LIMIT_BYTES = 100_000;

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * JSON (and form) request bodies, with body-parser's own failures (which happen before Nest's exception
 * filters see the request) answered as clear JSON 4xx. Non-strict, so that a body like `"yes"` or
 * `[1]` reaches the handler and is refused there with a message naming what was expected.
 */
export function useJsonBodies(app: INestApplication): void {
  app.use(
    express.json({
      limit: BODY_LIMIT_BYTES,
      strict: false,
      type: ['application/json', 'application/*+json'],
    }),
  );
  // Form bodies too: OAuth token endpoints (Snov.io) take application/x-www-form-urlencoded.
  app.use(express.urlencoded({ limit: BODY_LIMIT_BYTES, extended: false }));
  app.use((error: BodyParserError | undefined, _request: Request, response: Response, next: NextFunction) => {
    if (!error) {
      next();
      return;
    }
    switch (error.type) {
      case 'entity.parse.failed':
        response.status(400).json({ message: `the body is not valid JSON: ${error.message}` });
        return;
      case 'entity.too.large':
        response.status(413).json({ message: `the body is larger than ${BODY_LIMIT_BYTES} bytes` });
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        response.status(415).json({ message: error.message });
        return;
      default:
        if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
          response.status(error.status).json({ message: error.message });
          return;
        }
        next(error);
    }
  });
}
