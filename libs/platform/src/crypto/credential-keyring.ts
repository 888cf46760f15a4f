import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const SCHEME = 'c1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const KEY_ID = /^k[0-9a-f]{12}$/;

/** What a credential is bound to: a row copied to another workspace or provider does not decrypt. */
export interface CredentialContext {
  workspaceId: string;
  provider: string;
}

export interface SealedCredential {
  /** `c1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). */
  ciphertext: string;
  /** The id of the master key that sealed it (also inside `ciphertext`): what a rotation looks for. */
  keyId: string;
}

/**
 * A master key from the environment: 32 bytes written as 64 hex digits or as base64. Strict on
 * purpose: Node's decoders skip characters they do not know, so a mistyped key would otherwise
 * quietly become another key. The message names the setting, never the value.
 */
export function parseMasterKey(text: string, setting: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) {
    return Buffer.from(value, 'hex');
  }
  const key = Buffer.from(value, 'base64');
  if (key.length === KEY_BYTES && key.toString('base64') === value) {
    return key;
  }
  throw new Error(
    `${setting} must be ${KEY_BYTES} bytes as base64 (\`openssl rand -base64 32\`) or hex (\`openssl rand -hex 32\`).`,
  );
}

/**
 * A key's public name: an HMAC of a fixed label under the key, so it identifies the key without
 * revealing anything of it, and needs no setting of its own to keep in step with the key.
 */
export function credentialKeyId(key: Buffer): string {
  return `k${createHmac('sha256', key).update('sluice credential key id').digest('hex').slice(0, 12)}`;
}

/**
 * Encryption at rest of workspaces' provider credentials: AES-256-GCM under a master key from the
 * environment, with a fresh 12-byte IV per value. The sealed text names the key that sealed it, and
 * the scheme, key id, workspace and provider are authenticated data: a changed byte, another key or
 * a row moved to another workspace or provider fails to open instead of yielding garbage.
 *
 * Rotation: the current key seals; earlier keys (`CREDENTIALS_MASTER_KEY_PREVIOUS`) still open
 * what they sealed, until `credentials:reencrypt` has moved every row to the current key.
 *
 * Why not {@link SecretBox}: that one seals the deployment's webhook secrets under one key with no
 * key id and no per-row binding; credentials need both for rotation and for the workspace binding.
 */
export class CredentialKeyring {
  readonly currentKeyId: string;
  private readonly current: Buffer;
  private readonly keys = new Map<string, Buffer>();

  /**
   * @param masterKey `CREDENTIALS_MASTER_KEY`
   * @param previousKeys `CREDENTIALS_MASTER_KEY_PREVIOUS`, oldest last or in any order
   */
  constructor(masterKey: string, previousKeys: readonly string[] = []) {
    this.current = parseMasterKey(masterKey, 'CREDENTIALS_MASTER_KEY');
    this.currentKeyId = credentialKeyId(this.current);
    this.keys.set(this.currentKeyId, this.current);
    for (const text of previousKeys) {
      const key = parseMasterKey(text, 'CREDENTIALS_MASTER_KEY_PREVIOUS');
      this.keys.set(credentialKeyId(key), key);
    }
  }

  /** The keyring the settings describe; null when no master key is set (the feature is off). */
  static fromSettings(settings: { masterKey: string; previousKeys: string }): CredentialKeyring | null {
    const previous = settings.previousKeys
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
    if (settings.masterKey.trim() === '') {
      if (previous.length > 0) {
        throw new Error(
          'CREDENTIALS_MASTER_KEY_PREVIOUS is set but CREDENTIALS_MASTER_KEY is not: set the new key as CREDENTIALS_MASTER_KEY.',
        );
      }
      return null;
    }
    return new CredentialKeyring(settings.masterKey, previous);
  }

  /** Key ids this keyring can open, the current one first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(plain: string, context: CredentialContext): SealedCredential {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.currentKeyId, context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'));
    return { ciphertext: [SCHEME, this.currentKeyId, ...parts].join('.'), keyId: this.currentKeyId };
  }

  /** The text `seal` was given for this context; throws (naming no secret) when it cannot be opened. */
  open(ciphertext: string, context: CredentialContext): string {
    const { keyId, iv, tag, data } = parse(ciphertext);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new Error(
        `A stored credential is sealed under master key ${keyId}, which is neither CREDENTIALS_MASTER_KEY nor in CREDENTIALS_MASTER_KEY_PREVIOUS: add the key it was sealed with to CREDENTIALS_MASTER_KEY_PREVIOUS.`,
      );
    }
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        'A stored credential could not be decrypted: it was changed, or it belongs to another workspace or provider.',
      );
    }
  }

  /** Seals again under the current key; null when it is already sealed under it. */
  reseal(ciphertext: string, context: CredentialContext): SealedCredential | null {
    if (keyIdOf(ciphertext) === this.currentKeyId) {
      return null;
    }
    return this.seal(this.open(ciphertext, context), context);
  }
}

/** The id of the key a sealed credential names. */
export function keyIdOf(ciphertext: string): string {
  return parse(ciphertext).keyId;
}

function aad(keyId: string, context: CredentialContext): Buffer {
  // JSON keeps the fields apart: no workspace/provider pair can be spelled as another.
  return Buffer.from(JSON.stringify([SCHEME, keyId, context.workspaceId, context.provider]));
}

function parse(ciphertext: string): { keyId: string; iv: Buffer; tag: Buffer; data: Buffer } {
  const parts = ciphertext.split('.');
  const [scheme, keyId, ...encoded] = parts;
  if (parts.length !== 5 || scheme !== SCHEME || !keyId || !KEY_ID.test(keyId)) {
    throw new Error(`Not a sealed credential: expected ${SCHEME}.<key id>.<iv>.<tag>.<ciphertext>.`);
  }
  const [iv, tag, data] = encoded.map(decodeBase64Url);
  if (!iv || !tag || !data || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error('Not a sealed credential: its IV, tag or ciphertext is malformed.');
  }
  return { keyId, iv, tag, data };
}

/** Null unless `text` is exactly the base64url form of some bytes (so no character goes unchecked). */
function decodeBase64Url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}
