import { generateMasterKey, SecretBox } from './secret-box';

const COULD_NOT_OPEN = /could not be opened.*SLUICE_ENCRYPTION_KEY/;

/** `sealed` with one bit of its `index`-th dot-separated part flipped, still valid base64url. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox(generateMasterKey());

  it.each([
    ['a webhook secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['an empty text', ''],
    ['non-ASCII text', 'clé secrète 🔑'],
    ['a long text', 'x'.repeat(10_000)],
  ])('opens what it sealed: %s', (_case, plain) => {
    expect(box.open(box.seal(plain))).toBe(plain);
  });

  it('writes v1.<iv>.<tag>.<ciphertext> in base64url, with a 12-byte IV and a 16-byte tag', () => {
    const sealed = box.seal('whsec_abc');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const [, iv = '', tag = ''] = sealed.split('.');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(sealed).not.toContain('whsec_abc');
  });

  it('seals the same text differently each time', () => {
    const first = box.seal('whsec_abc');
    const second = box.seal('whsec_abc');
    expect(second).not.toBe(first);
    expect(second.split('.')[1]).not.toBe(first.split('.')[1]);
  });

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('refuses a value whose %s was changed', (_part, index) => {
    expect(() => box.open(flipBit(box.seal('secret'), index))).toThrow(COULD_NOT_OPEN);
  });

  it('refuses a value with a shortened tag, which GCM would otherwise check only in part', () => {
    const [version, iv, tag = '', data] = box.seal('secret').split('.');
    const short = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => box.open([version, iv, short, data].join('.'))).toThrow(COULD_NOT_OPEN);
  });

  it('refuses a value sealed with another key', () => {
    const sealed = new SecretBox(generateMasterKey()).seal('secret');
    expect(() => box.open(sealed)).toThrow(COULD_NOT_OPEN);
  });

  it('refuses a value of an unknown version, naming it', () => {
    const sealed = box.seal('secret');
    expect(() => box.open(sealed.replace(/^v1\./, 'v2.'))).toThrow(/scheme "v2"/);
  });

  it.each([
    ['plain text', 'plain text'],
    ['an empty string', ''],
    ['three parts', 'v1.AAAA.AAAA'],
    ['five parts', 'v1.AAAA.AAAA.AAAA.AAAA'],
    ['characters outside base64url', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA+A'],
  ])('refuses malformed input: %s', (_case, sealed) => {
    expect(() => box.open(sealed)).toThrow(/sealed secret/);
  });

  it('refuses a value whose base64url carries extra characters around the real bytes', () => {
    const sealed = box.seal('secret');
    expect(() => box.open(`${sealed}A`)).toThrow(COULD_NOT_OPEN);
    const [version, iv, tag, data] = sealed.split('.');
    expect(() => box.open([version, `${iv}A`, tag, data].join('.'))).toThrow(COULD_NOT_OPEN);
  });
});

describe('SecretBox master key', () => {
  it.each([
    ['too short', 'short'],
    ['16 bytes', Buffer.alloc(16, 7).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 7).toString('base64')],
    ['32 bytes with a stray character', `${Buffer.alloc(32, 7).toString('base64')}!`],
    ['32 bytes in base64url', Buffer.alloc(32, 0xfb).toString('base64url')],
    ['empty', ''],
  ])('refuses a key that is %s, naming SLUICE_ENCRYPTION_KEY but not the key', (_case, key) => {
    let message = '';
    try {
      new SecretBox(key);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SLUICE_ENCRYPTION_KEY must be base64 of exactly 32 bytes/);
    if (key) {
      expect(message).not.toContain(key);
    }
  });

  it('generates keys it accepts: base64 of 32 bytes, different each time', () => {
    const key = generateMasterKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(() => new SecretBox(key)).not.toThrow();
    expect(generateMasterKey()).not.toBe(key);
  });
});
