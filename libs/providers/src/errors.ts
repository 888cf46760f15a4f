import type { ProviderCallInfo } from './call-info';

/**
 * What went wrong at a provider, in terms a caller can act on. Callers decide from `kind` (and
 * `retryable`) — never from HTTP statuses, which mean different things at different providers.
 */
export type ProviderErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'out_of_credits'
  | 'unavailable'
  | 'timeout'
  | 'invalid_response';

const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>([
  'rate_limited',
  'unavailable',
  'timeout',
]);

/**
 * Answers that hold a provider back for a while without saying it is failing, each handled where
 * it arises: a 429 (its queue backs off until the rate window allows) and out of credits (its queue
 * pauses until the balance pays). Its circuit breaker counts neither, as a call or as a failure,
 * and neither does the credit monitor's failure-rate alert.
 */
export const HOLD_BACK_KINDS: readonly ProviderErrorKind[] = ['rate_limited', 'out_of_credits'];

/**
 * Whether a failed call counts against the provider's circuit breaker: a failure that passes (the
 * provider down, or not answering in time) and not one that holds it back ({@link HOLD_BACK_KINDS}).
 * Other answers are about the request or the account (not found, bad request, unauthorized): routing
 * around the provider for a while does not mend them.
 */
export function countsAgainstCircuit(kind: ProviderErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind) && !HOLD_BACK_KINDS.includes(kind);
}

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  /** Says what happened and what to do about it; must not contain a credential. */
  message: string;
  status?: number | null;
  retryAfterMs?: number | null;
  call?: ProviderCallInfo | null;
  body?: unknown;
  cause?: unknown;
  /** @defaultValue false */
  maybeDelivered?: boolean;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  /** HTTP status, or `null` when no response arrived. */
  readonly status: number | null;
  /** How long to wait before calling again, for `rate_limited` / `unavailable` when known. */
  readonly retryAfterMs: number | null;
  /** What was called (no secrets); `null` when the request was refused before it was sent. */
  readonly call: ProviderCallInfo | null;
  /** The provider's parsed error body, when there was one. */
  readonly body: unknown;
  /**
   * Whether the request may have reached the provider although no answer was read: a timeout, a
   * connection that broke after the request was written, one that broke while the answer was being
   * read, or a 2xx on a paid call whose body could not be read (not JSON, too large). The provider
   * may then have done the work, and charged for it: calling again may pay again. `false` when
   * nothing was sent (the connection could not be made) and when an answer was read.
   */
  readonly maybeDelivered: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.provider = init.provider;
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.call = init.call ?? null;
    this.body = init.body ?? null;
    this.maybeDelivered = init.maybeDelivered ?? false;
  }

  /** Whether the same call may succeed later; bad input, auth and missing records never will. */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}
