import type { ProviderErrorKind } from '../errors';
import { classifyByStatus, type HttpFailure } from '../http/provider-http';
import { isRecord } from '../json';

const LABEL = 'RocketReach';

/** When a 429 says neither in a header nor in its message how long to wait: one rate-limit window. */
export const ROCKETREACH_DEFAULT_THROTTLE_WAIT_MS = 60_000;

/**
 * The error text of any of RocketReach's three body styles: `{status, message}` (its docs),
 * `{detail}` or `{error}` (what its SDK reads), or a `{field: [messages]}` map (Django REST's
 * validation errors). Plain-text bodies are returned as they are.
 */
export function rocketReachErrorText(body: unknown, text = ''): string {
  if (!isRecord(body)) {
    return typeof body === 'string' ? body : text.trim();
  }
  for (const key of ['detail', 'error', 'message']) {
    const value = body[key];
    if (typeof value === 'string') {
      return value;
    }
  }
  return Object.entries(body)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
    .map(([field, messages]) => `${field}: ${messages.map(String).join(' ')}`)
    .join('; ');
}

/** The wait a throttled answer names: `Retry-After` first, then the SDK's "Expected available in N seconds". */
function throttleWaitMs(failure: HttpFailure, text: string): number {
  if (failure.retryAfterMs !== null) {
    return failure.retryAfterMs;
  }
  const seconds = /available in (\d+) second/i.exec(text)?.[1];
  return seconds ? Number(seconds) * 1000 : ROCKETREACH_DEFAULT_THROTTLE_WAIT_MS;
}

/**
 * RocketReach's answers in the error taxonomy. Credit exhaustion has no documented status: its MCP
 * layer says 402, and a REST 400/403 that names credits means the same, so all three map to
 * `out_of_credits` (the queue pauses instead of retrying or failing the job as forbidden).
 */
export function classifyRocketReachFailure(failure: HttpFailure): {
  kind: ProviderErrorKind;
  message: string;
  retryAfterMs?: number | null;
} {
  const text = rocketReachErrorText(failure.body, failure.text);
  const said = text ? `: ${text}` : '';
  const { status, call } = failure;
  if (status === 402 || ((status === 400 || status === 403) && /credit/i.test(text))) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has no credits left for ${call.endpoint} (HTTP ${status}${said}); buy credits or wait for the plan to renew.`,
    };
  }
  if (status === 429) {
    return {
      kind: 'rate_limited',
      message: `${LABEL} throttled ${call.endpoint} (HTTP 429${said}); retry after the wait it names.`,
      retryAfterMs: throttleWaitMs(failure, text),
    };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the API key (HTTP 401${said}); check ROCKETREACH_API_KEY.`,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      message: `${LABEL} does not allow ${call.endpoint} for this key or plan (HTTP 403${said}); check the plan's API access.`,
    };
  }
  return classifyByStatus(failure, LABEL, text);
}
