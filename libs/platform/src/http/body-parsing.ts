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

interface Walked {
  value: unknown;
  depth: number;
  key: string | number | null;
  parent: Walked | null;
}

/** Where a walked value sits in the body: `records[3].email`. */
function pathOf(node: Walked): string {
  const parts: string[] = [];
  for (let at: Walked | null = node; at && at.key !== null; at = at.parent) {
    parts.unshift(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  }
  return parts.join('').replace(/^\./, '');
}

/**
 * What makes a parsed JSON body unacceptable before any route sees it, or null: nesting deeper than
 * `depthLimit`, or a NUL character (`\u0000`) in a string or a key. PostgreSQL's text and jsonb
 * cannot hold NUL, so such a value would fail at the first insert (a 500) wherever it went.
 * Iterative on purpose: a recursive walk would overflow on exactly the bodies it is there to refuse
 * (body-parser has no depth option, hence this check).
 */
export function jsonBodyProblem(value: unknown, depthLimit: number): string | null {
  const stack: Walked[] = [{ value, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop() as Walked;
    const current = node.value;
    if (typeof current === 'string') {
      if (current.includes('\0')) {
        return `${pathOf(node) || 'the body'} contains a NUL character (\\u0000), which no text field can hold.`;
      }
      continue;
    }
    if (current === null || typeof current !== 'object') {
      continue;
    }
    if (node.depth + 1 > depthLimit) {
      return `JSON body is nested deeper than ${depthLimit} levels.`;
    }
    if (Array.isArray(current)) {
      current.forEach((inner, index) =>
        stack.push({ value: inner, depth: node.depth + 1, key: index, parent: node }),
      );
      continue;
    }
    for (const [key, inner] of Object.entries(current as Record<string, unknown>)) {
      if (key.includes('\0')) {
        return `A key in ${pathOf(node) || 'the body'} contains a NUL character (\\u0000), which no text field can hold.`;
      }
      stack.push({ value: inner, depth: node.depth + 1, key, parent: node });
    }
  }
  return null;
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
    const problem = jsonBodyProblem(req.body, MAX_JSON_DEPTH);
    if (problem !== null) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: problem });
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
