import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * JSON bodies with a size limit, and body-parser's own errors turned into clear JSON 4xx answers
 * (they happen before Nest's exception filters can see them).
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
