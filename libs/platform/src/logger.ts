import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';

const CORRELATION_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is a sane token, otherwise a new one. */
export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers[CORRELATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

/**
 * Where an app's logs go: standard output, buffered and flushed every `flushMs` and at exit, since
 * on small machines one write system call per line costs more than the line itself. `flushMs` 0
 * writes every line at once. (A process killed outright loses at most `flushMs` of lines.)
 */
export function logDestination(flushMs: number): pino.DestinationStream {
  const existing = destinations.get(flushMs);
  if (existing) {
    return existing; // one per process: every app started in it shares it
  }
  const created = openDestination(flushMs);
  destinations.set(flushMs, created);
  return created;
}

const destinations = new Map<number, pino.DestinationStream>();

function openDestination(flushMs: number): pino.DestinationStream {
  if (flushMs <= 0) {
    return pino.destination({ dest: 1, sync: true });
  }
  const stream = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  const timer = setInterval(() => stream.flush(), flushMs);
  timer.unref();
  process.once('exit', () => {
    clearInterval(timer);
    try {
      stream.flushSync();
    } catch {
      // Standard output is gone: nothing left to write to.
    }
  });
  return stream;
}

/**
 * pino-http settings for every app: JSON logs, a correlation id per request (echoed in
 * `x-request-id`), and secrets redacted wherever they could appear.
 */
export function loggerParams(options: {
  app: string;
  level: string;
  pretty?: boolean;
  flushMs?: number;
}): Params {
  return {
    pinoHttp: [
      {
        level: options.level,
        base: { app: options.app },
        genReqId: (request, response) => {
          const id = correlationIdOf(request);
          response.setHeader(CORRELATION_HEADER, id);
          return id;
        },
        // The request's correlation id on every line it logs, bound once per request (customProps
        // would bind it again, and re-check it at the response: two more child loggers a request).
        quietReqLogger: true,
        customAttributeKeys: { reqId: 'correlationId' },
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'req.headers["x-api-key"]',
            'req.headers["api-key"]',
            'res.headers["set-cookie"]',
            '*.password',
            '*.apiKey',
            '*.api_key',
            '*.token',
          ],
          censor: '***',
        },
        autoLogging: { ignore: (request) => request.url === '/health' || request.url === '/metrics' },
        serializers: {
          req: (req: { id: unknown; method: unknown; url: unknown }) => ({
            id: req.id,
            method: req.method,
            url: req.url,
          }),
        },
      },
      logDestination(options.flushMs ?? 0),
    ],
  };
}
