import { randomBytes, randomUUID } from 'node:crypto';
import { CallbackTokens } from './callback-tokens';

describe('CallbackTokens', () => {
  const tokens = new CallbackTokens(randomBytes(32));
  const stepId = randomUUID();

  it('makes a 64-hex-digit token that names its step', () => {
    const token = tokens.tokenFor(stepId);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(token.slice(0, 32)).toBe(stepId.replace(/-/g, ''));
    expect(tokens.tokenFor(stepId)).toBe(token);
    expect(tokens.stepOf(token)).toBe(stepId);
  });

  it('refuses a token with any digit changed, another id, or made under another key', () => {
    const token = tokens.tokenFor(stepId);
    for (const at of [0, 31, 32, 63]) {
      const digit = token[at] === '0' ? '1' : '0';
      expect(tokens.stepOf(token.slice(0, at) + digit + token.slice(at + 1))).toBeNull();
    }
    expect(tokens.stepOf(tokens.tokenFor(randomUUID()).slice(0, 32) + token.slice(32))).toBeNull();
    expect(new CallbackTokens(randomBytes(32)).stepOf(token)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['short', 'ab'.repeat(31)],
    ['upper-case', 'AB'.repeat(32)],
    ['not hex', 'zz'.repeat(32)],
    ['too long', 'ab'.repeat(33)],
  ])('refuses a %s token', (_case, token) => {
    expect(tokens.stepOf(token)).toBeNull();
  });

  it('makes tokens only for step ids', () => {
    expect(() => tokens.tokenFor('not-a-uuid')).toThrow(/UUID/);
  });

  it('derives its key from SLUICE_ENCRYPTION_KEY, the same on every replica and unlike the key itself', () => {
    const master = randomBytes(32);
    const derived = CallbackTokens.derive(master.toString('base64'));
    expect(derived).toHaveLength(32);
    expect(derived.equals(CallbackTokens.derive(master.toString('base64')))).toBe(true);
    expect(derived.equals(master)).toBe(false);
    expect(derived.equals(CallbackTokens.derive(randomBytes(32).toString('base64')))).toBe(false);
  });

  it('wants a key of 32 bytes', () => {
    expect(() => new CallbackTokens(randomBytes(16))).toThrow(/32 bytes/);
  });
});
