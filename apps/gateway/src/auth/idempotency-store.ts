import type { SecretBox } from '@sluice/platform';
import { LuaScript } from '@sluice/queue';
import { LUA_READ_ERASURE_MARK } from '../persons/erasure-mark';

/** What Redis keeps per (scope, Idempotency-Key): a claim while the request runs, then its answer. */
export interface KeptAnswer {
  state: 'pending' | 'done';
  /** Null while a streamed body is still being read. */
  fingerprint: string | null;
  status?: number;
  body?: unknown;
  /** The answer sealed with SLUICE_ENCRYPTION_KEY (in place of `body`). */
  sealed?: string;
  /** The answer held a secret and no key was set to seal it: kept nowhere, not replayed. */
  withheld?: boolean;
}

/** The Redis keys of one scope's (a workspace's, or `admin`) kept answers begin with this. */
export const idempotencyKeyPrefix = (queuePrefix: string, scope: string): string =>
  `${queuePrefix}:idempotency:${scope}:`;

/**
 * The answer a kept entry (as Redis holds it) would replay, as JSON text (opened when sealed): null
 * when it has none (a claim, an answer without a body or withheld) or when its seal cannot be opened
 * with `box` (then it is never replayed either).
 */
export function replayableText(raw: string, box: SecretBox | null): string | null {
  let kept: KeptAnswer;
  try {
    kept = JSON.parse(raw) as KeptAnswer;
  } catch {
    return null;
  }
  return keptAnswerText(kept, box);
}

/** {@link replayableText} of a kept answer already read (from Redis or from PostgreSQL). */
export function keptAnswerText(kept: KeptAnswer, box: SecretBox | null): string | null {
  if (kept.state !== 'done' || kept.withheld) {
    return null;
  }
  if (kept.sealed !== undefined) {
    try {
      return box ? box.open(kept.sealed) : null;
    } catch {
      return null;
    }
  }
  return kept.body === undefined ? null : JSON.stringify(kept.body);
}

/**
 * Claims a key (KEYS[2] = ARGV[2] for ARGV[3] s, unless it exists) and reads the workspace's erasure
 * mark (KEYS[1], as READ_ERASURE_MARK does with ARGV[1]), in one round trip:
 * `{ 1 when claimed else 0, mark }`.
 */
export const CLAIM_AND_READ_ERASURE_MARK = new LuaScript(
  "local claimed = redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3], 'NX') and 1 or 0 " +
    `local function mark() ${LUA_READ_ERASURE_MARK} end ` +
    'return { claimed, mark() }',
);
