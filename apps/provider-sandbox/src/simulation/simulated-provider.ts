import type { Request } from 'express';
import type { AnswerFaultSetting } from './answer-faults';

/** One fixed window: at most `limit` calls per `window_seconds`, counted per API key. */
export interface RateWindowSetting {
  limit: number;
  window_seconds: number;
}

/**
 * A provider's published rate limit, as the sandbox enforces it: `limit` calls per `window_seconds`
 * per key across all its endpoints, and, for a provider that also budgets each API on its own
 * (RocketReach), each API's windows in `per_api`, counted per key on top of that. An API that
 * `per_api` leaves out (or gives no windows) has no budget of its own.
 */
export interface RateLimitSetting extends RateWindowSetting {
  per_api?: Record<string, RateWindowSetting[]>;
}

/** What an operator (or a test) can turn on a simulated provider through `/_sandbox/providers`. */
export interface ProviderSettings {
  /** Credits left; `null` for providers that charge none (Companies House). */
  credits: number | null;
  /** Added to every answer, before it is sent. */
  latency_ms: number;
  /** Share of calls (0..1) that fail with the provider's own 500 answer. */
  error_rate: number;
  /**
   * Share of calls (0..1) whose connection is closed without an answer once the provider has done
   * the work, and charged for it: the caller sees a reset socket and cannot know whether it paid.
   */
  reset_rate: number;
  /** Every call answers 503. */
  outage: boolean;
  /** `null`: the provider publishes no limit. */
  rate_limit: RateLimitSetting | null;
  /** How long asynchronous tasks (e.g. Snov.io's start → result) take to finish. */
  task_delay_ms: number;
  /**
   * The account is on an unlimited plan: its account endpoints report `'inf'`, no call is refused
   * for credits and `credits` is left as it was. Only on providers that sell such plans
   * ({@link SimulatedProvider.sellsUnlimitedPlans}); absent on the others.
   */
  unlimited_credits?: boolean;
  /**
   * Successful answers are spoiled this way once the work is done and charged (see
   * `ANSWER_FAULT_KINDS`); absent or `null`: answered as the provider documents.
   */
  answer_fault?: AnswerFaultSetting | null;
}

export const SETTING_NAMES = [
  'credits',
  'latency_ms',
  'error_rate',
  'reset_rate',
  'outage',
  'rate_limit',
  'task_delay_ms',
  'unlimited_credits',
  'answer_fault',
] as const;

/** One HTTP answer, in the provider's own shape. */
export interface SimulatedReply {
  status: number;
  body: unknown;
  /**
   * Sent verbatim instead of `body`: for answers JSON.stringify cannot write (Apollo's 64-bit
   * `request_id` numbers) and for providers that answer in plain text (Apollo's 401).
   */
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
}

/**
 * An answer that costs credits: `charge` is deducted after answering (0 for a free miss). A reply
 * without a charge costs nothing.
 */
export interface ChargedReply {
  reply: SimulatedReply;
  charge: number;
}

export type SimulatedAnswer = SimulatedReply | ChargedReply;

export function isChargedReply(answer: SimulatedAnswer): answer is ChargedReply {
  return 'reply' in answer && 'charge' in answer;
}

/** The state of a caller's current rate-limit window. */
export interface RateWindowView {
  limit: number;
  /** Calls left in the window (never negative). */
  remaining: number;
  /** When the window ends, in Unix seconds. */
  resetsAt: number;
  windowSeconds: number;
}

export type Authentication = { key: string } | { reply: SimulatedReply };

/**
 * Everything the shared call pipeline needs to know about one provider: how it authenticates, and
 * how it words its refusals. Each provider folder exports one of these; the registry lists them.
 */
export interface SimulatedProvider {
  /** The provider's name everywhere in Sluice (queues, config, metrics, this sandbox). */
  readonly name: string;
  /** The path prefix the provider's real paths are served under, e.g. `companies-house`. */
  readonly prefix: string;
  readonly defaults: ProviderSettings;
  /** Whether the provider sells credits (else `credits` must stay `null`). */
  readonly usesCredits: boolean;
  /** Whether the provider sells plans without a credit limit (`unlimited_credits`; RocketReach). */
  readonly sellsUnlimitedPlans?: boolean;
  /**
   * For a provider that budgets each API on its own: the endpoints (as the pipeline names them,
   * e.g. `GET /person/lookup`) of each API, by the name `rate_limit.per_api` uses. An endpoint in no
   * list counts only against the provider-wide limit. Absent: one limit for every endpoint.
   */
  readonly rateLimitedApis?: Readonly<Record<string, readonly string[]>>;
  /**
   * The caller's key, or the provider's own answer to a missing or malformed one. `revokedAt`: Unix
   * ms before which issued tokens no longer count (set by `/_sandbox/providers/:name/revoke-tokens`).
   */
  authenticate(request: Request, revokedAt?: number): Authentication;
  /** Headers the provider puts on every answer that went through its rate limiter. */
  rateLimitHeaders(window: RateWindowView): Record<string, string>;
  rateLimited(window: RateWindowView): SimulatedReply;
  /** The answer during an outage (`outage: true`). */
  unavailable(): SimulatedReply;
  /** The answer to an injected failure (`error_rate`). */
  internalError(): SimulatedReply;
  /**
   * The provider's own answer when the account cannot pay for a call (credit-selling providers).
   * The pipeline gives it before doing any work when the balance is below the call's cost.
   */
  outOfCredits?(): SimulatedReply;
}
