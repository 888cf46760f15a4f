import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SIGNATURE_BYTES = 32;

/**
 * A new signing secret: `whsec_` + base64 of 32 random bytes (the scheme allows 24 to 64; 32 is what
 * the reference libraries issue).
 */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** One webhook as it is signed: the raw body exactly as sent, never a re-serialised copy. */
export interface WebhookMessage {
  /** `webhook-id`: unique per event and the same on every retry, so receivers can de-duplicate. */
  id: string;
  /** `webhook-timestamp`: whole seconds since the epoch, of this attempt. */
  timestamp: number;
  body: string | Buffer;
}

export interface WebhookSignInput extends WebhookMessage {
  /**
   * Every secret that currently signs, each `whsec_…`. During a rotation the old and the new both
   * sign, so receivers still holding the old one keep accepting.
   */
  secrets: readonly string[];
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The `webhook-signature` header per the Standard Webhooks scheme: `v1,<base64 HMAC-SHA256>` over
 * `${id}.${timestamp}.${body}` for each secret, separated by single spaces. Throws on a secret not
 * in `whsec_` form and on an id or timestamp that would make the signed content ambiguous.
 */
export function signWebhook({ id, timestamp, body, secrets }: WebhookSignInput): string {
  if (!id || id.includes('.')) {
    throw new Error(`A webhook id must be non-empty and must not contain '.' (got "${id}").`);
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error(
      `A webhook timestamp must be whole seconds since the epoch, without '.' (got ${timestamp}).`,
    );
  }
  if (secrets.length === 0) {
    throw new Error('A webhook needs at least one secret to be signed with.');
  }
  return secrets
    .map((secret) => `v1,${hmac(keyOf(secret), id, timestamp, body).toString('base64')}`)
    .join(' ');
}

/** The three headers of a signed delivery, ready to be sent beside `body`. */
export function webhookHeaders(input: WebhookSignInput): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signWebhook(input),
  };
}

export interface WebhookVerifyInput extends Omit<WebhookMessage, 'timestamp'> {
  /** The `webhook-timestamp` header, as received or as a number. */
  timestamp: number | string;
  /** The `webhook-signature` header. */
  signatureHeader: string;
  /** The receiver's `whsec_…` secret. */
  secret: string;
  /** @defaultValue 300 (five minutes, as the reference libraries) */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch. @defaultValue `Date.now()` */
  now?: number;
}

/**
 * Whether a delivery is authentic and fresh: any `v1` signature in the header matches the secret
 * (the others may belong to a secret the receiver does not hold), compared in constant time, and
 * the timestamp lies within the tolerance either way, which bounds replays. Throws only on a
 * malformed secret, since that is the receiver's configuration, not the sender's doing.
 */
export function verifyWebhook({
  id,
  timestamp,
  body,
  signatureHeader,
  secret,
  toleranceSeconds = 300,
  now = Date.now(),
}: WebhookVerifyInput): boolean {
  const key = keyOf(secret);
  const seconds =
    typeof timestamp === 'number' ? timestamp : /^\d+$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isSafeInteger(seconds) || Math.abs(now / 1000 - seconds) > toleranceSeconds) {
    return false;
  }
  if (!id || id.includes('.')) {
    return false;
  }
  const expected = hmac(key, id, seconds, body);
  return signatureHeader.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') {
      return false;
    }
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    return given.length === SIGNATURE_BYTES && timingSafeEqual(given, expected);
  });
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  if (!BASE64.test(encoded)) {
    throw new Error(
      'A webhook secret must read whsec_<base64 of 24 to 64 random bytes>; generate one with generateWebhookSecret().',
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 24 || key.length > 64) {
    throw new Error(
      `A webhook secret must hold 24 to 64 bytes after whsec_ (this one holds ${key.length}); generate one with generateWebhookSecret().`,
    );
  }
  return key;
}

function hmac(key: Buffer, id: string, timestamp: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}
