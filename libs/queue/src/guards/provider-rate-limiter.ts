import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { providerRateLimitPrefix } from '../names';
import {
  InProcessSlidingWindowLimiter,
  RedisSlidingWindowLimiter,
  type RateDecision,
  type RateLimiter,
  type RateLimitRule,
} from './sliding-window';

/**
 * Where provider rate windows are counted (RATE_LIMITER): `redis`, shared by every replica and
 * app; `memory`, in this process only (local development: each process then counts its own calls).
 */
export type ProviderRateLimiterMode = 'redis' | 'memory';

/**
 * The limiter of the providers' rate windows, as every app that calls a provider builds it: the
 * enrichment workers before each call, the credit monitor before each balance read. One factory,
 * so that they all count in the same windows (same keys, same counting).
 */
export function providerRateLimiter(
  redis: Redis,
  queuePrefix: string,
  mode: ProviderRateLimiterMode,
): RateLimiter {
  return mode === 'redis'
    ? new RedisSlidingWindowLimiter(redis, providerRateLimitPrefix(queuePrefix))
    : new InProcessSlidingWindowLimiter();
}

export interface SlotWait {
  /** Whether a slot was taken (in every rule). */
  taken: boolean;
  /** How long the caller waited for it, or before giving up. */
  waitedMs: number;
  /** The last decision: when not taken, the rule that refused and how long it still holds. */
  decision: RateDecision;
}

export interface SlotWaitClock {
  /** @defaultValue Date.now */
  now: () => number;
  /** @defaultValue a timer */
  sleep: (ms: number) => Promise<unknown>;
}

const REAL_CLOCK: SlotWaitClock = { now: Date.now, sleep: (ms) => sleep(ms) };

/**
 * Takes a slot in every rule of `key`, waiting for one to free for at most `maxWaitMs`: for a caller
 * that may call late but must not call over the limit, and that would rather give up than hold on
 * (the slot may go to another caller meanwhile, so it asks again each time one frees). Gives up at
 * once when the refusing rule frees later than the time left.
 */
export async function acquireWithin(
  limiter: RateLimiter,
  key: string,
  rules: readonly RateLimitRule[],
  maxWaitMs: number,
  clock: SlotWaitClock = REAL_CLOCK,
): Promise<SlotWait> {
  const started = clock.now();
  for (;;) {
    const decision = await limiter.acquire(key, rules);
    const waitedMs = Math.max(0, clock.now() - started);
    if (decision.allowed) {
      return { taken: true, waitedMs, decision };
    }
    if (decision.retryAfterMs > maxWaitMs - waitedMs) {
      return { taken: false, waitedMs, decision };
    }
    // retryAfterMs is at least 1: the time left shrinks at every turn.
    await clock.sleep(decision.retryAfterMs);
  }
}

/**
 * A slot for each of several calls made one after another (a token fetch, then the call it is
 * for), each under its own rules, all within `maxWaitMs`; see {@link acquireWithin}. A slot taken
 * before a later one's refusal stays counted: a window may count a call that was not made, never
 * miss one that was.
 */
export async function acquireEachWithin(
  limiter: RateLimiter,
  key: string,
  calls: readonly (readonly RateLimitRule[])[],
  maxWaitMs: number,
  clock: SlotWaitClock = REAL_CLOCK,
): Promise<SlotWait> {
  const started = clock.now();
  let wait: SlotWait = { taken: true, waitedMs: 0, decision: { allowed: true, retryAfterMs: 0, rule: null } };
  for (const rules of calls) {
    const left = Math.max(0, maxWaitMs - Math.max(0, clock.now() - started));
    wait = await acquireWithin(limiter, key, rules, left, clock);
    wait = { ...wait, waitedMs: Math.max(0, clock.now() - started) };
    if (!wait.taken) {
      return wait;
    }
  }
  return wait;
}

/**
 * A balance read waits for a slot in its provider's rate window at most this share of the interval
 * between two reads of that balance, and never more than a minute (a waiting read holds one of its
 * app's job slots); past that the reading is skipped, and the next one tries again.
 */
const BALANCE_READ_WAIT_SHARE = 0.25;
const BALANCE_READ_WAIT_MAX_MS = 60_000;

/**
 * How long a balance read, repeated every `intervalMs` (the credit monitor's check of a provider,
 * the workers' credit sync), may wait for a slot in its provider's rate window: one rule for every
 * app that reads balances.
 */
export function balanceReadWaitMs(intervalMs: number): number {
  return Math.min(BALANCE_READ_WAIT_MAX_MS, Math.floor(intervalMs * BALANCE_READ_WAIT_SHARE));
}
