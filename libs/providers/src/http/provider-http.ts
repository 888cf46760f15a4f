import type { ProviderCallInfo } from '../call-info';
import { ProviderError, type ProviderErrorKind } from '../errors';
import { isRecord, parseJson, storableText } from '../json';
import { parseRetryAfterMs } from '../retry-after';
import { redactor, type Redactor } from './redaction';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Far above any documented answer (a page of 100 profiles is well under 1 MB), far below a worker's memory. */
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const BODY_EXCERPT_CHARS = 200;

/** One finished provider call, as the call log stores it. Never holds a credential. */
export interface ProviderCallRecord extends ProviderCallInfo {
  /** Credits the provider charged for this call (0 for failures and free calls). */
  credits: number;
  /** The provider's own id of the request, when it sends one (for support tickets). */
  providerRequestId: string | null;
  /** `null` when the call succeeded. */
  errorKind: ProviderErrorKind | null;
}

/** Receives every call an adapter makes; the worker writes them to the provider call log. */
export type CallSink = (record: ProviderCallRecord) => void;

/**
 * Awaited before each request is sent, before its timeout starts. The worker takes a slot in the
 * provider's rate window there for each request a call makes beyond those it took slots for in
 * advance: a listing's further pages, a token fetched again after a 401 and the request repeated.
 * The provider counts those against its limits like any other. A rejection (a `ProviderError`)
 * stops the call before that request is sent.
 */
export type RequestGate = () => Promise<void>;

/** What a provider client reports to, and asks of, whoever calls it, around each HTTP request. */
export interface ProviderCallHooks {
  /** Receives every call, for the provider call log. */
  onCall?: CallSink;
  /** Awaited before each request is sent: see {@link RequestGate}. */
  beforeRequest?: RequestGate;
}

/** A non-2xx answer, handed to the adapter to be turned into its provider's error. */
export interface HttpFailure {
  status: number;
  /** The parsed JSON body (secrets redacted), or `null` when it was not JSON. */
  body: unknown;
  /** The raw body text (secrets redacted), for providers that answer errors in plain text. */
  text: string;
  headers: Headers;
  call: ProviderCallInfo;
  /** What was asked for, in words, for messages. */
  subject: string;
  /** `Retry-After` in ms, when the answer had a readable one. */
  retryAfterMs: number | null;
}

/** How a provider's error answers map to the taxonomy; returns the error to throw. */
export type ErrorClassifier = (failure: HttpFailure) => {
  kind: ProviderErrorKind;
  message: string;
  retryAfterMs?: number | null;
};

export interface ProviderHttpOptions extends ProviderCallHooks {
  /** Wire name (`snov`). */
  provider: string;
  /** Human name for messages (`Snov.io`). */
  label: string;
  /** Where the API lives; a path is kept and request paths are appended to it. */
  baseUrl: string;
  /**
   * Limit on one HTTP call, body included.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * Largest response body read, in bytes; a longer one is cut off and the answer is not understood.
   * @defaultValue 8388608 (8 MiB)
   */
  maxBodyBytes?: number;
  /**
   * The fetch implementation. Node's global fetch keeps connections alive between calls.
   * @defaultValue the global `fetch`
   */
  fetch?: typeof fetch;
  /** Strings that must never appear in a log, a message or a stored body (keys, tokens, secrets). */
  secrets: () => readonly string[];
  classify: ErrorClassifier;
  /** Response header carrying the provider's request id. */
  requestIdHeader?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The provider's method and path template, e.g. `GET /api/v2/person/lookup`: a metric label. */
  endpoint: string;
  path: string;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** What was asked for, in words, for messages. */
  subject: string;
  /** Credits this call costs when it succeeds, from the parsed body (the adapter's cost table). */
  charge?: (body: unknown) => number;
  /**
   * The provider never charges for this call (a free search, a status poll, a balance read): one
   * that timed out or broke off cost nothing, whether it reached the provider or not. Without it a
   * failed call may have been charged (`maybeDelivered`), and its step counts its price as spent and
   * does not ask the provider again.
   */
  free?: boolean;
  /**
   * The provider documents a 2xx without a (JSON) body for this call, e.g. RocketReach's accepted
   * bulk lookup (its answer is the `RR-Request-ID` header): an empty or non-JSON body is then `null`
   * rather than an answer not understood.
   */
  bodyOptional?: boolean;
}

export interface HttpExchange {
  status: number;
  body: unknown;
  /** The body as received, for values JSON.parse would round (64-bit ids). */
  text: string;
  headers: Headers;
  call: ProviderCallInfo;
  credits: number;
}

// Duck-typed rather than `instanceof Error`: fetch's errors come from Node's own realm, which is not
// the caller's under test runners that sandbox modules (Jest), so `instanceof` silently fails there.
function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (isRecord(error) && error.name === 'TimeoutError');
}

/** The system or undici error code of a fetch failure (`ECONNREFUSED`, `UND_ERR_SOCKET`), if it has one. */
function errorCode(error: unknown): string | null {
  if (!isRecord(error)) {
    return null;
  }
  const cause = error.cause;
  if (isRecord(cause) && typeof cause.code === 'string') {
    return cause.code;
  }
  return typeof error.code === 'string' ? error.code : null;
}

function transportCode(error: unknown): string {
  if (!isRecord(error)) {
    return String(error);
  }
  return errorCode(error) ?? (typeof error.message === 'string' ? error.message : 'unknown network error');
}

/**
 * Failures that come before a request is written — no connection (refused, no route, no such host,
 * the connect timed out) or no TLS session (a certificate refused, a handshake that failed) —, so
 * the provider received nothing, did nothing and charged nothing: calling again is safe.
 */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
]);

/**
 * Whether a fetch failure came before the request was sent (see {@link NEVER_SENT_CODES}; OpenSSL's
 * certificate codes and Node's TLS and SSL errors too). Anything else — a reset, a socket the other
 * side closed, a broken pipe, a code not known here, no code at all — may have come after the
 * provider received the request: counted as possibly delivered, since calling again could pay twice.
 */
function neverSent(error: unknown): boolean {
  const code = errorCode(error);
  if (code === null) {
    return false;
  }
  return NEVER_SENT_CODES.has(code) || /^ERR_(SSL|TLS)_/.test(code) || /^UNABLE_TO_|CERT|CRL/.test(code);
}

/**
 * The body as text, or `null` when it is longer than `maxBytes`: read chunk by chunk so that a
 * provider answering without end (or with a huge page) costs at most `maxBytes` of memory. Decoded
 * as `Response.text()` does (UTF-8, a leading BOM dropped).
 */
async function readBody(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length'));
  if (!response.body || declared > maxBytes) {
    await response.body?.cancel();
    return response.body ? null : '';
  }
  // Node types fetch's body as a stream of `any`; it carries bytes.
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    length += read.value.byteLength;
    if (length > maxBytes) {
      // Cancelling the stream closes the connection: nothing more is received.
      await reader.cancel();
      return null;
    }
    chunks.push(read.value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
  return cut === '' ? 'empty body' : JSON.stringify(cut);
}

/**
 * The HTTP half every adapter shares: URL building, a timeout on every call, JSON parsing, network
 * failures and timeouts mapped to the taxonomy, secrets redacted from everything that leaves, and
 * every call reported to the call sink. What differs per provider — auth headers, how its error
 * bodies read, what a call costs — comes from the adapter.
 */
export class ProviderHttp {
  readonly provider: string;
  readonly label: string;
  readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly fetchImpl: typeof fetch;
  private readonly redact: Redactor;
  /**
   * The 2xx answers of paid calls from which the cost table read no charge (by their call record):
   * when an adapter then finds one is not the answer its API documents (`invalidResponse`), that 0
   * (no hit to charge for) says nothing of what the provider charged. A WeakSet so that records of
   * calls long settled are not kept.
   */
  private readonly paidAnswers = new WeakSet<ProviderCallInfo>();

  constructor(private readonly options: ProviderHttpOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new Error(`${options.label} baseUrl ${JSON.stringify(options.baseUrl)} is not a URL.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(`${options.label} baseUrl must be http(s), got ${base.protocol}`);
    }
    if (base.username || base.password) {
      // Not echoed: the URL holds a credential.
      throw new Error(`${options.label} baseUrl must not contain credentials; configure them separately.`);
    }
    if (base.search || base.hash) {
      throw new Error(`${options.label} baseUrl must not have a query or fragment; the client adds its own.`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`${options.label} timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
      throw new Error(`${options.label} maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
    }
    this.provider = options.provider;
    this.maxBodyBytes = maxBodyBytes;
    this.label = options.label;
    this.timeoutMs = timeoutMs;
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.origin = base.origin;
    this.fetchImpl = options.fetch ?? fetch;
    this.redact = redactor(options.secrets);
  }

  /** Sends one request; resolves with a 2xx answer, throws a `ProviderError` otherwise. */
  async request(spec: HttpRequest): Promise<HttpExchange> {
    await this.options.beforeRequest?.();
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) {
        continue;
      }
      if (Array.isArray(value)) {
        for (const item of value as readonly string[]) {
          url.searchParams.append(name, item);
        }
      } else {
        url.searchParams.set(name, String(value));
      }
    }
    const href = this.redact.text(url.toString());
    const signal = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const callInfo = (status: number | null): ProviderCallInfo => ({
      provider: this.provider,
      method: spec.method,
      endpoint: spec.endpoint,
      url: href,
      status,
      latencyMs: Math.round(performance.now() - started),
    });
    const headers: Record<string, string> = { Accept: 'application/json', ...spec.headers };
    let body: string | undefined;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(spec.form).toString();
    }

    let response: Response;
    let received: string | null;
    try {
      // A provider API that redirects is misconfigured (or not the API): following would send the
      // key headers to wherever it points, and turn a POST into a GET. The 3xx is classified instead.
      response = await this.fetchImpl(url, {
        method: spec.method,
        headers,
        body,
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      throw this.report(
        this.transportError(error, signal, callInfo(null), 'request', spec.free === true),
        null,
      );
    }
    try {
      received = await readBody(response, this.maxBodyBytes);
    } catch (error) {
      // The provider answered: whatever broke the body, the work may be done (and charged).
      throw this.report(
        this.transportError(error, signal, callInfo(response.status), 'answer', spec.free === true),
        null,
      );
    }
    const call = callInfo(response.status);
    const requestId = this.options.requestIdHeader
      ? response.headers.get(this.options.requestIdHeader)
      : null;
    // The text reaches messages, and so the step's stored error: without a NUL PostgreSQL refuses.
    const text = storableText(received ?? '');
    const parsed = received === null ? ({ ok: false } as const) : parseJson(text);
    if (!response.ok) {
      const failure: HttpFailure = {
        status: response.status,
        body: parsed.ok ? this.redact.deep(parsed.value) : null,
        text: this.redact.text(text),
        headers: response.headers,
        call,
        subject: spec.subject,
        retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after'), Date.now()),
      };
      const mapped = this.options.classify(failure);
      throw this.report(
        new ProviderError({
          provider: this.provider,
          kind: mapped.kind,
          message: this.redact.text(mapped.message),
          status: response.status,
          retryAfterMs: mapped.retryAfterMs ?? failure.retryAfterMs,
          call,
          body: failure.body ?? (failure.text === '' ? null : failure.text),
        }),
        requestId,
      );
    }
    // A 2xx whose body cannot be read at all (a proxy's HTML page, an empty or cut-off body, one over
    // the limit) tells nothing of what the provider did: it answered, so it may have done the work
    // and charged for it, and its cost table cannot say. As for an answer that never came, a paid
    // call then counts as charged (see `HttpRequest.free`) rather than as free.
    const unread = !spec.free;
    if (received === null) {
      throw this.report(
        this.invalidResponse(call, `a body larger than ${this.maxBodyBytes} bytes`, null, unread),
        requestId,
      );
    }
    if (!parsed.ok && !spec.bodyOptional) {
      throw this.report(
        this.invalidResponse(call, `a body that is not JSON (${excerpt(text)})`, null, unread),
        requestId,
      );
    }
    const value = parsed.ok ? parsed.value : null;
    let credits: number;
    try {
      credits = spec.charge ? spec.charge(value) : 0;
    } catch {
      // The cost table reads the answer before the adapter checks its shape: a field of the wrong
      // type there is an answer not understood, not a crash (and not a call left out of the log).
      throw this.report(
        this.invalidResponse(call, 'an answer whose cost could not be read', value, unread),
        requestId,
      );
    }
    this.options.onCall?.({ ...call, credits, providerRequestId: requestId, errorKind: null });
    if (unread && credits === 0) {
      // A charge the cost table did read stands (the call log has it); none read may mean a hit
      // hidden in an answer the adapter is about to refuse.
      this.paidAnswers.add(call);
    }
    return { status: response.status, body: value, text, headers: response.headers, call, credits };
  }

  /**
   * An answer that is not what the API documents. `chargeUnknown`: a 2xx on a paid call whose cost
   * could not be read from it, so the provider may have charged for it (`maybeDelivered`). By
   * default, whether `call` was a paid call answered 2xx that its cost table read no charge from: an
   * adapter refusing the shape of such an answer (JSON `null`, an object without the fields it
   * documents) cannot know its cost either.
   */
  invalidResponse(
    call: ProviderCallInfo,
    what: string,
    body: unknown,
    chargeUnknown = this.paidAnswers.has(call),
  ): ProviderError {
    return new ProviderError({
      provider: this.provider,
      kind: 'invalid_response',
      message: this.redact.text(
        `${this.label} answered ${call.endpoint} with ${what}; check the base URL points at the ${this.label} API.`,
      ),
      status: call.status,
      call,
      body: this.redact.deep(body),
      maybeDelivered: chargeUnknown,
    });
  }

  /** Input that would be wrong at any provider: refused before a request (or a credit) is spent. */
  refused(endpoint: string, message: string): ProviderError {
    return new ProviderError({
      provider: this.provider,
      kind: 'bad_request',
      message: `${endpoint}: ${message}`,
    });
  }

  /** Reports an adapter-level failure (e.g. an invalid body) found after the exchange succeeded. */
  reportInvalid(error: ProviderError): ProviderError {
    return this.report(error, null);
  }

  private report(error: ProviderError, requestId: string | null): ProviderError {
    if (error.call) {
      this.options.onCall?.({
        ...error.call,
        credits: 0,
        providerRequestId: requestId,
        errorKind: error.kind,
      });
    }
    return error;
  }

  /**
   * A call that failed without an answer read: a timeout; or a transport failure, `during` the
   * request (before any answer) or while reading the `answer` the provider began to send.
   */
  private transportError(
    error: unknown,
    signal: AbortSignal,
    call: ProviderCallInfo,
    during: 'request' | 'answer',
    /** A call the provider never charges for (`HttpRequest.free`): nothing may have been charged. */
    free: boolean,
  ): ProviderError {
    if (isTimeout(error, signal)) {
      return new ProviderError({
        provider: this.provider,
        kind: 'timeout',
        message: `${this.label} did not answer ${call.endpoint} within ${this.timeoutMs} ms; retry later, or raise the provider timeout if it keeps happening.`,
        status: call.status,
        call,
        cause: error,
        // The request may have gone out: a provider charges for work done, read or not.
        maybeDelivered: !free,
      });
    }
    const code = transportCode(error);
    if (during === 'request' && neverSent(error)) {
      return new ProviderError({
        provider: this.provider,
        kind: 'unavailable',
        message: this.redact.text(
          `${this.label} could not be reached at ${this.origin} (${code}); check the base URL and the network, then retry.`,
        ),
        status: call.status,
        call,
        cause: error,
      });
    }
    // Still `unavailable` (an outage for the circuit breaker, and retryable for a free call), but
    // the caller learns that the provider may have done, and charged for, the work.
    const when =
      during === 'answer'
        ? `while its answer (HTTP ${call.status}) to ${call.endpoint} was being read`
        : `during ${call.endpoint}, before an answer came`;
    return new ProviderError({
      provider: this.provider,
      kind: 'unavailable',
      message: this.redact.text(
        `The connection to ${this.label} at ${this.origin} broke ${when} (${code}): ${this.label} may have received the request and done the work.`,
      ),
      status: call.status,
      call,
      cause: error,
      maybeDelivered: !free,
    });
  }
}

/**
 * The classification most providers share, for statuses their own rules leave open: 401 auth,
 * 402 out of credits, 403 forbidden, 404 not found, 429 rate limited, 5xx unavailable, other 4xx
 * bad request.
 */
export function classifyByStatus(
  failure: HttpFailure,
  label: string,
  detail = '',
): {
  kind: ProviderErrorKind;
  message: string;
} {
  const { status, call, subject } = failure;
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: `${label} rejected the credentials (HTTP 401${suffix}); check the configured key.`,
    };
  }
  if (status === 402) {
    // Payment Required means the same at every provider: every call fails until a top-up. As
    // `bad_request` each request would still call (and fail) instead of the queue pausing for credits.
    return {
      kind: 'out_of_credits',
      message: `${label} wants payment for ${call.endpoint} (HTTP 402${suffix}); top up the account or wait for the renewal.`,
    };
  }
  if (status === 403) {
    return { kind: 'forbidden', message: `${label} refused access to ${call.endpoint} (HTTP 403${suffix}).` };
  }
  if (status === 404) {
    return { kind: 'not_found', message: `${label} has no record for ${subject} (HTTP 404${suffix}).` };
  }
  if (status === 429) {
    return { kind: 'rate_limited', message: `${label} rate limit reached (HTTP 429${suffix}); retry later.` };
  }
  if (status >= 500) {
    return {
      kind: 'unavailable',
      message: `${label} is unavailable (HTTP ${status}${suffix}); retry later.`,
    };
  }
  if (status >= 400) {
    return {
      kind: 'bad_request',
      message: `${label} rejected ${call.endpoint} for ${subject} (HTTP ${status}${suffix}); check the input.`,
    };
  }
  return {
    kind: 'invalid_response',
    message: `${label} answered ${call.endpoint} with unexpected HTTP ${status}; check the base URL.`,
  };
}
