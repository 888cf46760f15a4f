import { createHash } from 'node:crypto';
import {
  basicPassword,
  bearerToken,
  displayPrefix,
  generateApiKey,
  hashApiKey,
  secretsEqual,
} from './api-keys';

describe('API keys', () => {
  it('generates distinct, prefixed, URL-safe keys with 256 bits of randomness', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^slk_[A-Za-z0-9_-]{43}$/);
    }
  });

  it('stores a SHA-256 hex digest, never the key', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).not.toContain(key.slice(4, 20));
  });

  it('shows only a short prefix of a key', () => {
    const key = generateApiKey();
    expect(displayPrefix(key)).toBe(key.slice(0, 10));
  });

  it('reads Bearer tokens and Basic passwords, and nothing else', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Token abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(basicPassword(`Basic ${Buffer.from('admin:s3cr:et').toString('base64')}`)).toBe('s3cr:et');
    expect(basicPassword('Basic !!!')).toBeNull();
  });

  it('compares secrets by value whatever their lengths', () => {
    expect(secretsEqual('same-secret', 'same-secret')).toBe(true);
    expect(secretsEqual('same-secret', 'same-secreT')).toBe(false);
    expect(secretsEqual('short', 'a-much-longer-secret')).toBe(false);
  });
});
