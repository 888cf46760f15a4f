import { randomBytes } from 'node:crypto';
import { CredentialKeyring, credentialKeyId, keyIdOf, parseMasterKey } from './credential-keyring';

const A = { workspaceId: '11111111-1111-4111-8111-111111111111', provider: 'apollo' };
const SECRET = JSON.stringify({ api_key: 'live-apollo-key-0123456789' });
const key = (): string => randomBytes(32).toString('base64');

describe('CredentialKeyring', () => {
  it('opens what it sealed, and never shows the secret in the sealed text', () => {
    const ring = new CredentialKeyring(key());
    const sealed = ring.seal(SECRET, A);
    expect(sealed.ciphertext).not.toContain('live-apollo-key');
    expect(sealed.ciphertext.split('.').slice(0, 2)).toEqual(['c1', ring.currentKeyId]);
    expect(sealed.keyId).toBe(ring.currentKeyId);
    expect(ring.open(sealed.ciphertext, A)).toBe(SECRET);
  });

  it('uses a fresh IV per value: the same secret seals differently each time', () => {
    const ring = new CredentialKeyring(key());
    expect(ring.seal(SECRET, A).ciphertext).not.toBe(ring.seal(SECRET, A).ciphertext);
  });

  it('refuses a changed byte in the IV, tag or ciphertext', () => {
    const ring = new CredentialKeyring(key());
    const parts = ring.seal(SECRET, A).ciphertext.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index], 'base64url');
      bytes[0] = bytes[0] ^ 1;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString('base64url') : part)).join('.');
      expect(() => ring.open(tampered, A)).toThrow(/could not be decrypted/);
    }
  });

  it('refuses a row moved to another workspace or provider (authenticated data)', () => {
    const ring = new CredentialKeyring(key());
    const sealed = ring.seal(SECRET, A).ciphertext;
    expect(() => ring.open(sealed, { ...A, workspaceId: '22222222-2222-4222-8222-222222222222' })).toThrow(
      /could not be decrypted/,
    );
    expect(() => ring.open(sealed, { ...A, provider: 'snov' })).toThrow(/could not be decrypted/);
  });

  it('refuses a text sealed under another key, naming the key id and the setting to fix, not the key', () => {
    const other = key();
    const sealed = new CredentialKeyring(other).seal(SECRET, A).ciphertext;
    let message = '';
    try {
      new CredentialKeyring(key()).open(sealed, A);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/CREDENTIALS_MASTER_KEY_PREVIOUS/);
    expect(message).toContain(keyIdOf(sealed));
    expect(message).not.toContain(other);
  });

  it('refuses a forged key id: the key id is authenticated too', () => {
    const current = key();
    const previous = key();
    const ring = new CredentialKeyring(current, [previous]);
    const parts = ring.seal(SECRET, A).ciphertext.split('.');
    parts[1] = credentialKeyId(parseMasterKey(previous, 'x'));
    expect(() => ring.open(parts.join('.'), A)).toThrow(/could not be decrypted/);
  });

  it('opens texts of previous keys during a rotation, and reseals them under the current key once', () => {
    const old = key();
    const sealedOld = new CredentialKeyring(old).seal(SECRET, A).ciphertext;
    const ring = new CredentialKeyring(key(), [old]);
    expect(ring.open(sealedOld, A)).toBe(SECRET);
    const resealed = ring.reseal(sealedOld, A);
    expect(resealed?.keyId).toBe(ring.currentKeyId);
    expect(ring.open(resealed?.ciphertext as string, A)).toBe(SECRET);
    expect(ring.reseal(resealed?.ciphertext as string, A)).toBeNull();
  });

  it('accepts a key as base64 or hex (same key, same id), and refuses malformed keys without echoing them', () => {
    const bytes = randomBytes(32);
    const fromBase64 = new CredentialKeyring(bytes.toString('base64'));
    const fromHex = new CredentialKeyring(bytes.toString('hex'));
    expect(fromHex.currentKeyId).toBe(fromBase64.currentKeyId);
    expect(fromHex.open(fromBase64.seal(SECRET, A).ciphertext, A)).toBe(SECRET);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), `${key().slice(0, 42)}!=`]) {
      expect(() => new CredentialKeyring(bad)).toThrow(/CREDENTIALS_MASTER_KEY must be 32 bytes/);
    }
    const bad = `${randomBytes(32).toString('hex').slice(0, 63)}g`;
    let message = '';
    try {
      new CredentialKeyring(key(), [bad]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/CREDENTIALS_MASTER_KEY_PREVIOUS must be 32 bytes/);
    expect(message).not.toContain(bad);
  });

  it('is off without a master key, and says so when only previous keys are set', () => {
    expect(CredentialKeyring.fromSettings({ masterKey: '', previousKeys: '' })).toBeNull();
    expect(() => CredentialKeyring.fromSettings({ masterKey: '', previousKeys: key() })).toThrow(
      /CREDENTIALS_MASTER_KEY is not/,
    );
    const ring = CredentialKeyring.fromSettings({ masterKey: key(), previousKeys: `${key()}, ${key()}` });
    expect(ring?.keyIds).toHaveLength(3);
  });

  it('refuses texts that are not sealed credentials', () => {
    const ring = new CredentialKeyring(key());
    for (const text of ['', 'plain', 'v1.a.b.c', 'c1.kxyz.a.b.c', `c1.${ring.currentKeyId}.!!.b.c`]) {
      expect(() => ring.open(text, A)).toThrow(/Not a sealed credential/);
    }
  });
});
