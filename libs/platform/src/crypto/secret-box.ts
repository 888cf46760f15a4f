import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Encryption at rest for secrets Sluice must read back, where a hash will not do (a workspace's
 * webhook secret signs every callback; a provider credential is sent to the provider). AES-256-GCM
 * with a fresh 12-byte IV per value: the tag is checked on every read, so a wrong key or a changed
 * byte is an error, never garbage. A sealed value reads `v1.<iv>.<tag>.<ciphertext>` (base64url);
 * the version, also bound into the tag, leaves room for another scheme or a key rotation.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** @param masterKey base64 of 32 random bytes, the `SLUICE_ENCRYPTION_KEY` setting */
  constructor(masterKey: string) {
    const key = Buffer.from(masterKey, 'base64');
    // Node's base64 decoder skips characters it does not know: a mistyped key would otherwise
    // quietly become a different key.
    if (key.length !== KEY_BYTES || key.toString('base64') !== masterKey) {
      throw new Error(
        `SLUICE_ENCRYPTION_KEY must be base64 of exactly ${KEY_BYTES} bytes; generate one with \`openssl rand -base64 32\`.`,
      );
    }
    this.key = key;
  }

  /** The box of an optional `SLUICE_ENCRYPTION_KEY` setting: none when it is empty. */
  static fromSetting(masterKey: string): SecretBox | null {
    return masterKey ? new SecretBox(masterKey) : null;
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(VERSION));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const encoded = [iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'));
    return [VERSION, ...encoded].join('.');
  }

  /** The text `seal` was given; throws when the value was not sealed with this key or was changed. */
  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4) {
      throw new Error('Not a sealed secret: expected v1.<iv>.<tag>.<ciphertext>.');
    }
    const [version = '', ...encoded] = parts;
    if (version !== VERSION) {
      throw new Error(
        `A sealed secret uses scheme "${version.slice(0, 16)}", which this version of Sluice cannot open (it knows ${VERSION}).`,
      );
    }
    const [iv, tag, data] = encoded.map(decodeBase64Url);
    if (!iv || !tag || !data || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw openFailure();
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(VERSION));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw openFailure();
    }
  }
}

/** A new master key for `SLUICE_ENCRYPTION_KEY`: base64 of 32 random bytes. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Null unless `text` is exactly the base64url form of some bytes (so no character goes unchecked). */
function decodeBase64Url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function openFailure(): Error {
  return new Error(
    'A sealed secret could not be opened: it was sealed with another SLUICE_ENCRYPTION_KEY, or it was changed.',
  );
}
