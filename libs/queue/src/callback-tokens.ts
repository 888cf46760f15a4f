import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

const KEY_BYTES = 32;
const ID_HEX = 32;
const MAC_HEX = 32;
const TOKEN = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Redis key of the callback-token key of a deployment without `SLUICE_ENCRYPTION_KEY`. */
export function callbackTokenKeyName(queuePrefix: string): string {
  return `${queuePrefix}:secrets:callback-token-key`;
}

/**
 * The tokens in the callback URLs given to providers for asynchronous work
 * (`/webhooks/<provider>/<token>`): whoever holds one can complete that step, so it is a secret.
 * A token is the step's id (32 hex digits) followed by 128 bits of HMAC-SHA256 over it, under a key
 * that is never stored in PostgreSQL: the worker makes the token when it calls the provider and the
 * webhook receiver checks it, and nothing in the database (a backup, a replica, an export) lets
 * anyone forge one. The key is derived from `SLUICE_ENCRYPTION_KEY` (HKDF) when that is set;
 * otherwise a random one is made once per deployment and kept in Redis beside the queues.
 * Written by hand: it is one HMAC, and no library signs ids in this URL-safe, fixed-length form.
 */
export class CallbackTokens {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new Error(`a callback-token key is ${KEY_BYTES} bytes`);
    }
  }

  /** The tokens of a deployment: see the class comment for where the key comes from. */
  static async load(encryptionKey: string, redis: Redis, queuePrefix: string): Promise<CallbackTokens> {
    if (encryptionKey) {
      return new CallbackTokens(CallbackTokens.derive(encryptionKey));
    }
    const name = callbackTokenKeyName(queuePrefix);
    // The first process to start makes the key; every other one (and every replica) reads that one.
    await redis.set(name, randomBytes(KEY_BYTES).toString('hex'), 'NX');
    const stored = await redis.get(name);
    if (!stored || !/^[0-9a-f]{64}$/.test(stored)) {
      throw new Error(`the callback-token key in Redis (${name}) is missing or malformed`);
    }
    return new CallbackTokens(Buffer.from(stored, 'hex'));
  }

  /** The key derived from `SLUICE_ENCRYPTION_KEY` (base64 of 32 bytes), separate from the sealing key. */
  static derive(encryptionKey: string): Buffer {
    const master = Buffer.from(encryptionKey, 'base64');
    return Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'sluice provider callback tokens', KEY_BYTES),
    );
  }

  /** The token of a step (its id is a UUID). */
  tokenFor(stepId: string): string {
    if (!UUID.test(stepId)) {
      throw new Error('a callback token is made for a step id (a UUID)');
    }
    const id = stepId.replace(/-/g, '');
    return id + this.mac(id);
  }

  /** The step id a token was made for, or null when the token was not made with this key. */
  stepOf(token: string): string | null {
    if (!TOKEN.test(token)) {
      return null;
    }
    const id = token.slice(0, ID_HEX);
    const given = Buffer.from(token.slice(ID_HEX), 'hex');
    const expected = Buffer.from(this.mac(id), 'hex');
    if (!timingSafeEqual(given, expected)) {
      return null;
    }
    return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  }

  private mac(idHex: string): string {
    return createHmac('sha256', this.key).update(idHex).digest('hex').slice(0, MAC_HEX);
  }
}
