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
 * Query parameters whose values access logs never keep: secrets (a callback URL may carry its own
 * token), and the identifiers a person is erased by (`DELETE /v1/persons?email=…`): an access log
 * line outlives the erasure, and would keep exactly what it erased.
 */
const SECRET_QUERY_PARAMETERS = new Set([
  'callback_url',
  'token',
  'api_key',
  'key',
  'secret',
  'password',
  'email',
  'linkedin_url',
]);

/** A path segment that is a bearer token: a step's callback token (64 hex digits) in a webhook URL. */
const TOKEN_SEGMENT = /^[0-9a-f]{64}$/i;

/**
 * A request's URL as access logs may keep it: the values of secret and personal query parameters
 * and token path segments replaced by `***`. The API refuses credentials in a callback URL's user part and asks
 * for a secret path or query parameter instead, and a CSV import takes its callback URL as a
 * query parameter; a provider's callback names its step's token in the path.
 */
export function loggableUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const safePath = path
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) ? '***' : segment))
    .join('/');
  if (queryAt === -1) {
    return safePath;
  }
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judged by its raw text.
      }
      return equals !== -1 && SECRET_QUERY_PARAMETERS.has(name.trim().toLowerCase())
        ? `${rawName}=***`
        : pair;
    })
    .join('&');
  return `${safePath}?${query}`;
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

/** pino's own destination (sonic-boom), which can be flushed at once. */
type Destination = ReturnType<typeof pino.destination>;

const destinations = new Map<number, Destination>();

/**
 * Writes out the lines buffered so far. For a process about to end other than by `exit` (killed
 * by the signal it was closed on): its `exit` flush does not run then.
 */
export function flushLogs(): void {
  for (const stream of destinations.values()) {
    try {
      stream.flushSync();
    } catch {
      // Standard output is gone: nothing left to write to.
    }
  }
}

function openDestination(flushMs: number): Destination {
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
 * The access line of an answer with a 5xx status, without the error pino-http makes up for it
 * (`failed with status code 503`, with a stack into pino-http's own code): a 503 while Redis is
 * away then reads as a crash to anyone searching the logs for stack traces. A real error is logged
 * where it is handled, with its own stack (the exception filter); one set on the response is kept.
 */
export function withoutStatusError(
  _request: unknown,
  response: { statusCode: number },
  error: Error,
  line: Record<string, unknown>,
): Record<string, unknown> {
  if (error.message !== `failed with status code ${response.statusCode}`) {
    return line;
  }
  const { err: _made, ...rest } = line;
  return rest;
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
        customErrorObject: withoutStatusError,
        serializers: {
          req: (req: { id: unknown; method: unknown; url: unknown }) => ({
            id: req.id,
            method: req.method,
            url: typeof req.url === 'string' ? loggableUrl(req.url) : req.url,
          }),
        },
      },
      logDestination(options.flushMs ?? 0),
    ],
  };
}
