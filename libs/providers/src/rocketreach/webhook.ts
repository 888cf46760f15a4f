import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../json';
import type { RocketReachProfile } from './types';

/**
 * `X-RocketReach-Signature` = base64(HMAC-SHA256(secret, raw body)) (provider-apis.md §1). Checked
 * over the exact bytes received, in constant time. RocketReach signs no timestamp: replays are
 * caught by de-duplicating on `RR-Request-ID`.
 */
export function verifyRocketReachSignature(
  rawBody: string | Buffer,
  signature: string | undefined | null,
  secret: string,
): boolean {
  if (!signature || !secret) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A webhook body: one profile (single lookup) or a list (bulk lookup). */
export function parseRocketReachWebhook(body: unknown): RocketReachProfile[] {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) {
    throw new Error('a RocketReach webhook body must hold at least one profile');
  }
  return items.map((item, index) => {
    if (!isRecord(item) || typeof item.id !== 'number' || typeof item.status !== 'string') {
      throw new Error(`RocketReach webhook item ${index} is not a profile (needs numeric id and status)`);
    }
    return item as unknown as RocketReachProfile;
  });
}
