import type { INestApplication } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  /** The text that failed to parse (body-parser sets it on `entity.parse.failed`). */
  body?: string;
}

/**
 * Why a body's text is not a JSON object or array (what strict parsing accepts), or null when it
 * starts like one: a valid JSON value such as `null` or `"x"` is refused with this rather than
 * with the parser's "not valid JSON", which would be wrong about it.
 */
function notObjectOrArray(text: string): string | null {
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '['
    ? null
    : `Malformed JSON body: a JSON body is an object or an array, not ${first === undefined ? 'blank' : `one starting with "${first}"`}.`;
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

/** A lone half of a UTF-16 surrogate pair: a high half not followed by a low one, or a low one alone. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string from a JSON body cannot be stored as text, or null. PostgreSQL's text and jsonb hold
 * neither a NUL character nor a lone surrogate (JSON's `"\ud800"` escape parses to one): jsonb
 * refuses the statement (a 500 where it reached an insert) and text stores U+FFFD instead, so a
 * name would be stored other than as answered.
 */
function textProblem(text: string): string | null {
  if (text.includes('\0')) {
    return 'a NUL character (\\u0000)';
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    return `an unpaired UTF-16 surrogate (\\u${lone[0].charCodeAt(0).toString(16)})`;
  }
  return null;
}

/**
 * Keys refused anywhere in a body, as Fastify's secure-json-parse refuses them. JSON.parse makes
 * `__proto__` an own key, which any later `Object.assign` or property copy turns into a prototype
 * change; and class-transformer, turning a body into a DTO, reads a nested object's `constructor`
 * to learn its class, so `{"input":{"constructor":{}}}` made it throw (a 500). No field of ours,
 * nor of any provider's payload, has either name. (secure-json-parse itself would replace
 * body-parser's parsing, and this walk runs anyway, so the check lives here.)
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor']);

/**
 * What makes a parsed JSON body unacceptable before any route sees it, or null: nesting deeper than
 * `depthLimit`, a key in {@link RESERVED_KEYS}, or a string or a key that no text field can hold
 * ({@link textProblem}): such a value would fail at the first insert (a 500) wherever it went, or
 * be stored altered.
 * Iterative on purpose: a recursive walk would overflow on exactly the bodies it is there to refuse
 * (body-parser has no depth option, hence this check).
 */
export function jsonBodyProblem(value: unknown, depthLimit: number): string | null {
  const stack: Walked[] = [{ value, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop() as Walked;
    const current = node.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem !== null) {
        return `${pathOf(node) || 'the body'} contains ${problem}, which no text field can hold.`;
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
      if (RESERVED_KEYS.has(key)) {
        return `${pathOf(node) || 'The body'} uses the reserved key ${key}; no field has that name.`;
      }
      const problem = textProblem(key);
      if (problem !== null) {
        return `A key in ${pathOf(node) || 'the body'} contains ${problem}, which no text field can hold.`;
      }
      stack.push({ value: inner, depth: node.depth + 1, key, parent: node });
    }
  }
  return null;
}

/**
 * The 400's message for a JSON body whose bytes are not UTF-8 (a Latin-1 `é`, say). Decoding them
 * anyway turns each such byte into U+FFFD, and a name would be stored other than as sent, without
 * a word; RFC 8259 has JSON exchanged between systems in UTF-8.
 */
export const NOT_UTF8 =
  'The body is not valid UTF-8: it holds bytes that are not UTF-8 text (Latin-1 or Windows-1252, say); send the JSON encoded as UTF-8.';

/** The error a body-parser `verify` throws for a body that is not UTF-8 (answered 400 with {@link NOT_UTF8}). */
class NotUtf8Error extends Error {
  readonly status = 400;
  readonly notUtf8 = true;
}

/** The JSON answer to a body refused before any route: `{statusCode, error, message}`. */
export function bodyProblem(
  status: 400 | 413 | 415,
  message: string,
): { statusCode: number; error: string; message: string } {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Bad Request', message };
}

/** Sends `body` as JSON with `status`, as Express's `res.json` would, on a bare Node response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * The body's length when it is the plain case of a JSON body — `application/json` or
 * `application/*+json`, UTF-8, not compressed, with a `Content-Length` within `limitBytes` — or
 * null for anything else (compressed, chunked, another charset, too large, not JSON), which
 * {@link useJsonBodies}'s parser handles and answers.
 */
export function plainJsonLength(req: IncomingMessage, limitBytes: number): number | null {
  const { headers } = req;
  const type = headers['content-type'];
  const length = headers['content-length'];
  if (type === undefined || length === undefined || headers['transfer-encoding'] !== undefined) {
    return null;
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return null;
  }
  const [media, ...parameters] = type.split(';');
  const mediaType = media.trim().toLowerCase();
  if (!isJsonMediaType(mediaType)) {
    return null;
  }
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=');
    if (
      name.trim().toLowerCase() === 'charset' &&
      value.trim().replace(/^"|"$/g, '').toLowerCase() !== 'utf-8'
    ) {
      return null;
    }
  }
  if (!/^\d+$/.test(length)) {
    return null;
  }
  const bytes = Number(length);
  return bytes <= limitBytes ? bytes : null;
}

/** A JSON body read by {@link readPlainJsonBody}: its value, or the 400 that refuses it. */
export type PlainJsonBody = { ok: true; value: unknown } | { ok: false; status: 400; message: string };

/**
 * Parses a JSON body's text with the rules of {@link useJsonBodies}: strict (an object or an
 * array; an empty body is `{}`), then {@link jsonBodyProblem}. The 400s carry the same messages.
 */
export function parsePlainJson(text: string, depthLimit = MAX_JSON_DEPTH): PlainJsonBody {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 BOM, as iconv drops it
  if (body.length === 0) {
    return { ok: true, value: {} };
  }
  const notJsonContainer = notObjectOrArray(body);
  if (notJsonContainer !== null) {
    return { ok: false, status: 400, message: notJsonContainer };
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, status: 400, message: `Malformed JSON body: ${(error as Error).message}` };
  }
  const problem = jsonBodyProblem(value, depthLimit);
  return problem === null ? { ok: true, value } : { ok: false, status: 400, message: problem };
}

/**
 * Reads a body that {@link plainJsonLength} accepted and parses it ({@link parsePlainJson}); null
 * when the client went away before sending all of it (nobody is left to answer). For a route
 * served ahead of Express: once read here, the body is gone from the stream, and Express's JSON
 * parser skips a request whose body has been read, so set `req.body` before passing it on.
 */
export function readPlainJsonBody(req: IncomingMessage): Promise<PlainJsonBody | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const bytes = Buffer.concat(chunks);
      resolve(
        isUtf8(bytes)
          ? parsePlainJson(bytes.toString('utf8'))
          : { ok: false, status: 400, message: NOT_UTF8 },
      );
    });
    // After 'end' these change nothing: a promise settles once.
    req.once('error', () => resolve(null));
    req.once('close', () => resolve(null));
  });
}

/** Whether a media type is JSON's: `application/json` or `application/<something>+json`. */
function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

/** Whether the request is to one of the paths in `except` (or below one), which read their own bodies. */
function readsOwnBody(req: IncomingMessage, except: readonly string[]): boolean {
  const path = (req.url ?? '/').split('?')[0];
  return except.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Why a request's body cannot be read as JSON when JSON is all its route takes, or null: it has a
 * body (a length above 0, or chunks) and its Content-Type is another, or none. Paths in `except`
 * (and below them) read their own bodies.
 */
export function nonJsonBodyProblem(req: IncomingMessage, except: readonly string[]): string | null {
  const { headers } = req;
  const length = headers['content-length'];
  const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) {
    return null;
  }
  if (readsOwnBody(req, except)) {
    return null;
  }
  const mediaType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (isJsonMediaType(mediaType)) {
    return null;
  }
  return `The body must be JSON, sent with Content-Type: application/json; this one came ${
    mediaType ? `as ${mediaType}` : 'without a Content-Type'
  }${mediaType === 'application/x-www-form-urlencoded' ? " (curl's -d sends that unless told -H 'Content-Type: application/json')" : ''}.`;
}

/**
 * JSON bodies with a size limit and a nesting limit, and body-parser's own errors turned into clear
 * JSON 4xx answers (they happen before Nest's exception filters can see them).
 */
export function useJsonBodies(
  app: INestApplication,
  limitBytes: number,
  options: {
    rawBody?: boolean;
    /**
     * Refuse (415) a body that is not JSON, except on these paths (which read their own). Without
     * it such a body is left unread and the route sees no fields: `curl -d '{…}'` (sent as a form)
     * was answered with every field "missing", never naming the Content-Type.
     */
    onlyJsonExcept?: readonly string[];
  } = {},
): void {
  const { onlyJsonExcept } = options;
  if (onlyJsonExcept) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      const problem = nonJsonBodyProblem(req, onlyJsonExcept);
      if (problem !== null) {
        res.status(415).json(bodyProblem(415, problem));
        return;
      }
      next();
    });
  }
  const json = express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    // The body as received (decompressed), before it is decoded: refused unless UTF-8 when it is
    // read as UTF-8 (a body declaring UTF-16 or UTF-32 is decoded as declared).
    verify: (req: Request & { rawBody?: Buffer }, _res: Response, buffer: Buffer, encoding: string) => {
      if (encoding.toLowerCase() === 'utf-8' && !isUtf8(buffer)) {
        throw new NotUtf8Error(NOT_UTF8);
      }
      if (options.rawBody) {
        req.rawBody = buffer;
      }
    },
  });
  // The paths that read their own bodies get theirs unread, JSON or not, so that the route answers
  // a body it does not take (POST /v1/imports: a 415). Read here first, a JSON body would be a 413
  // over this limit or a 400 when malformed, and otherwise reach the route already consumed.
  app.use((req: Request, res: Response, next: NextFunction) =>
    onlyJsonExcept && readsOwnBody(req, onlyJsonExcept) ? next() : json(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const problem = jsonBodyProblem(req.body, MAX_JSON_DEPTH);
    if (problem !== null) {
      res.status(400).json(bodyProblem(400, problem));
      return;
    }
    next();
  });
  app.use((error: BodyParserError, req: Request, res: Response, next: NextFunction) => {
    if (!error) {
      next();
      return;
    }
    const answer = (status: 400 | 413 | 415, message: string): void => {
      res.status(status).json(bodyProblem(status, message));
    };
    if ((error as BodyParserError & { notUtf8?: boolean }).notUtf8 === true) {
      answer(400, NOT_UTF8);
      return;
    }
    switch (error.type) {
      case 'entity.parse.failed':
        answer(
          400,
          (typeof error.body === 'string' ? notObjectOrArray(error.body) : null) ??
            `Malformed JSON body: ${error.message}`,
        );
        return;
      case 'entity.too.large':
        answer(413, `Request body is larger than the limit of ${limitBytes} bytes.`);
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        answer(415, error.message);
        return;
      case 'request.aborted':
      case 'request.size.invalid':
        answer(400, error.message);
        return;
      default:
        if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
          // body-parser's other refusals carry a 4xx status but no type: a body that does not
          // decompress as its Content-Encoding says (zlib's "incorrect header check"), for one.
          const encoding = req.headers['content-encoding'];
          answer(
            400,
            encoding
              ? `Request body could not be decoded as its Content-Encoding (${encoding}) says: ${error.message}`
              : `Request body could not be read: ${error.message}`,
          );
          return;
        }
        next(error);
    }
  });
}
