import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Deepest nesting of objects and arrays a JSON body may have. Real bodies are a few levels deep; a
 * body nested thousands of levels deep (still well under the size limit) overflows the stack of
 * every recursive walk after parsing (Nest's ValidationPipe, JSON.stringify) and used to answer 500.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * How deep a parsed JSON value nests, stopping as soon as it passes `limit`. Iterative on purpose:
 * a recursive walk would overflow on exactly the bodies it is there to refuse (body-parser has no
 * depth option, hence this check).
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') {
      continue;
    }
    if (depth + 1 > limit) {
      return true;
    }
    for (const inner of Object.values(current as Record<string, unknown>)) {
      stack.push({ value: inner, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * JSON bodies with a size limit and a nesting limit, and body-parser's own errors turned into clear
 * JSON 4xx answers (they happen before Nest's exception filters can see them).
 */
export function useJsonBodies(
  app: INestApplication,
  limitBytes: number,
  options: { rawBody?: boolean } = {},
): void {
  app.use(
    express.json({
      limit: limitBytes,
      strict: true,
      type: ['application/json', 'application/*+json'],
      ...(options.rawBody
        ? {
            verify: (req: Request & { rawBody?: Buffer }, _res: Response, buffer: Buffer) => {
              req.rawBody = buffer;
            },
          }
        : {}),
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      });
      return;
    }
    next();
  });
  app.use((error: BodyParserError, _req: Request, res: Response, next: NextFunction) => {
    if (!error) {
      next();
      return;
    }
    const answer = (status: number, message: string): void => {
      res
        .status(status)
        .json({ statusCode: status, error: status === 413 ? 'Payload Too Large' : 'Bad Request', message });
    };
    switch (error.type) {
      case 'entity.parse.failed':
        answer(400, `Malformed JSON body: ${error.message}`);
        return;
      case 'entity.too.large':
        answer(413, `Request body is larger than the limit of ${limitBytes} bytes.`);
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: error.message });
        return;
      case 'request.aborted':
      case 'request.size.invalid':
        answer(400, error.message);
        return;
      default:
        next(error);
    }
  });
}
