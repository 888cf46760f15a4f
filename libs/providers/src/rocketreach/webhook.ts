import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Person } from '@sluice/enrichment';
import { ProviderError } from '../errors';
import { isRecord, parseJson } from '../json';
import { ROCKETREACH } from './descriptor';
import { lookupState, mapRocketReachProfile } from './mapper';
import type { RocketReachProfile } from './types';

/** The headers RocketReach puts on a webhook delivery (Node lower-cases them). */
export const ROCKETREACH_WEBHOOK_HEADERS = Object.freeze({
  requestId: 'rr-request-id',
  signature: 'x-rocketreach-signature',
});

/**
 * `X-RocketReach-Signature` = base64(HMAC-SHA256(secret, raw body)) (provider-apis.md §1). Checked
 * over the exact bytes received, in constant time. RocketReach signs no timestamp: replays are
 * caught by de-duplicating on `RR-Request-ID`.
 */
export function verifyRocketReachSignature(
  rawBody: string | Buffer,
  signature: string | readonly string[] | undefined | null,
  secret: string,
): boolean {
  const given = typeof signature === 'string' ? signature.trim() : undefined;
  if (!given || !secret) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // Node's base64 decoder skips invalid characters rather than throwing, so compare the canonical
  // re-encoding too: a signature with junk around valid base64 must not pass.
  const decoded = Buffer.from(given, 'base64');
  return (
    decoded.length === expected.length &&
    decoded.toString('base64') === given &&
    timingSafeEqual(decoded, expected)
  );
}

/** One profile of a delivery: its state and, once complete, the person in Sluice's words. */
export interface RocketReachWebhookResult {
  profileId: number;
  /** RocketReach's own status (`complete`, `failed`, …). */
  status: string;
  /** `null` unless the lookup is complete. */
  person: Person | null;
  profileList: { id: number; name: string } | null;
  raw: RocketReachProfile;
}

/**
 * A webhook delivery, keyed by the `RR-Request-ID` of the lookup or bulk lookup that caused it (the
 * correlation and idempotency key: RocketReach may deliver twice).
 */
export interface RocketReachWebhookDelivery {
  requestId: string;
  /** A bulk lookup delivers a list; a single lookup one profile object. */
  bulk: boolean;
  results: RocketReachWebhookResult[];
}

function refuse(message: string): ProviderError {
  return new ProviderError({ provider: ROCKETREACH.name, kind: 'invalid_response', message });
}

/**
 * Parses a delivery (call after {@link verifyRocketReachSignature}): one profile object from a
 * lookup, or a list of them from a bulk lookup (empty when it found no one).
 */
export function parseRocketReachWebhook(
  rawBody: string | Buffer,
  requestId: string | readonly string[] | undefined | null,
): RocketReachWebhookDelivery {
  const id = typeof requestId === 'string' ? requestId.trim() : '';
  if (!id) {
    throw refuse(
      'A RocketReach webhook delivery needs its RR-Request-ID header to be matched to a lookup; refuse it.',
    );
  }
  const parsed = parseJson(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
  if (!parsed.ok) {
    throw refuse(
      `RocketReach webhook ${id} is not JSON; refuse it (RocketReach sends a profile or a list of profiles).`,
    );
  }
  const bulk = Array.isArray(parsed.value);
  const items: unknown[] = bulk ? (parsed.value as unknown[]) : [parsed.value];
  const results = items.map((item, index): RocketReachWebhookResult => {
    if (!isRecord(item) || typeof item.id !== 'number' || typeof item.status !== 'string') {
      throw refuse(
        `RocketReach webhook ${id}: item ${index} is not a profile (a numeric id and a status are required).`,
      );
    }
    const profile = item as unknown as RocketReachProfile;
    return {
      profileId: profile.id,
      status: profile.status,
      person: lookupState(profile.status) === 'complete' ? mapRocketReachProfile(profile) : null,
      profileList: profile.profile_list ?? null,
      raw: profile,
    };
  });
  return { requestId: id, bulk, results };
}

/** What identifies one profile of a delivery, without anything about the person. */
export interface RocketReachWebhookProfileRef {
  /** RocketReach's id of the lookup (the profile), as it came. */
  id: number | string | null;
  status: string | null;
  /** The profile list it was delivered for (a bulk lookup's list); its name is not kept. */
  profileListId: number | null;
}

/**
 * What can be kept of a delivery whose body is not kept (one for no lookup Sluice knows: it may
 * name anybody, a person erased from a workspace included): the profile ids, their statuses and
 * profile lists — enough to find the lookup at RocketReach — and nothing of the person. Null for a
 * body that is not JSON or holds no profile object.
 */
export function rocketReachWebhookRefs(rawBody: string | Buffer): RocketReachWebhookProfileRef[] | null {
  const parsed = parseJson(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
  if (!parsed.ok) {
    return null;
  }
  const items: unknown[] = Array.isArray(parsed.value) ? (parsed.value as unknown[]) : [parsed.value];
  const refs = items.filter(isRecord).map((item): RocketReachWebhookProfileRef => ({
    // Only what these fields can legitimately hold is kept: a number, a lookup state.
    id:
      typeof item.id === 'number' || (typeof item.id === 'string' && /^\d{1,20}$/.test(item.id))
        ? item.id
        : null,
    status: typeof item.status === 'string' && /^[A-Za-z _-]{1,40}$/.test(item.status) ? item.status : null,
    profileListId:
      isRecord(item.profile_list) && typeof item.profile_list.id === 'number' ? item.profile_list.id : null,
  }));
  return refs.length > 0 ? refs : null;
}
