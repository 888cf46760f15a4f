import { createHash } from 'node:crypto';

/** Providers that do not sign callbacks: the step's unguessable token in the URL is the proof. */
export const TOKEN_PROVIDERS = ['snov', 'apollo', 'nimbus-lookup'] as const;
export type TokenProvider = (typeof TOKEN_PROVIDERS)[number];

export function isTokenProvider(value: string): value is TokenProvider {
  return (TOKEN_PROVIDERS as readonly string[]).includes(value);
}

/** Callback tokens are 64 lower-case hex digits (see CallbackTokens in @sluice/queue). */
export const CALLBACK_TOKEN = /^[0-9a-f]{64}$/;

function parse(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;

/**
 * The provider's own id of an event, which its retries repeat: Snov.io's task hash, Apollo's
 * `request_id` (read from the raw text: it is a 64-bit number JSON.parse would round), Nimbus
 * Lookup's lookup id, RocketReach's `RR-Request-ID`. A body without one is identified by its hash
 * (a retry repeats the same bytes).
 */
export function eventIdOf(provider: string, raw: string, headers: Record<string, string>): string {
  const body = parse(raw);
  let id: string | null = null;
  switch (provider) {
    case 'snov': {
      const meta = body?.meta as Record<string, unknown> | undefined;
      const data = body?.data as Record<string, unknown> | undefined;
      const hash = text(meta?.task_hash) ?? text(data?.task_hash) ?? text(body?.task_hash);
      // With the task's status, as RocketReach's: a notice sent while the task still ran (or a
      // stray one) must not make the completed task's callback a duplicate that wakes nobody.
      const status = text(body?.status) ?? text(data?.status);
      id = hash && status ? `${hash}:${status}` : hash;
      break;
    }
    case 'apollo':
      id = /"request_id"\s*:\s*"?(\d+)"?/.exec(raw)?.[1] ?? null;
      break;
    case 'nimbus-lookup':
      id = text(body?.id);
      break;
    case 'rocketreach': {
      const request = headers['rr-request-id'];
      const profile = text(body?.id);
      const status = text(body?.status) ?? '';
      id = request
        ? `${request}:${profile ?? ''}:${status}`
        : profile
          ? `profile:${profile}:${status}`
          : null;
      break;
    }
  }
  if (id === null) {
    return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  }
  // The id is a unique index's key, and a btree entry holds at most about 2.7 kB: a longer id (any
  // caller holding a step's token can send one) failed the insert with a 500, and a provider's
  // retries never landed. Kept as given up to a length no real id nears; beyond it, its hash,
  // which the retries repeat as they repeat the id.
  return id.length <= MAX_EVENT_ID_LENGTH ? id : `id-sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** Longest event id stored as given (real ones are tens of characters). */
export const MAX_EVENT_ID_LENGTH = 200;
