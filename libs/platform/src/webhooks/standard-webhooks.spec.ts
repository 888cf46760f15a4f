import { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './standard-webhooks';

// The scheme's published test vector (provider-apis.md §6).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT = VECTOR.timestamp * 1000;
const RECEIVED = {
  id: VECTOR.id,
  timestamp: VECTOR.timestamp,
  body: VECTOR.body,
  signatureHeader: VECTOR.signature,
  secret: VECTOR.secret,
  now: AT,
};

describe('signWebhook', () => {
  it('gives exactly the published test vector', () => {
    expect(signWebhook({ ...VECTOR, secrets: [VECTOR.secret] })).toBe(VECTOR.signature);
  });

  it('signs the raw bytes: a Buffer body signs as its text does', () => {
    expect(signWebhook({ ...VECTOR, body: Buffer.from(VECTOR.body), secrets: [VECTOR.secret] })).toBe(
      VECTOR.signature,
    );
  });

  it('signs with every secret during a rotation, one v1 entry each, separated by one space', () => {
    const fresh = generateWebhookSecret();
    const header = signWebhook({ ...VECTOR, secrets: [fresh, VECTOR.secret] });
    const entries = header.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(entries[1]).toBe(VECTOR.signature);
  });

  it.each([
    ['without the whsec_ prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /whsec_/],
    ['that is empty', '', /whsec_/],
    ['with nothing after whsec_', 'whsec_', /whsec_/],
    ['that is not base64', 'whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw', /whsec_/],
    ['of only 16 bytes', `whsec_${Buffer.alloc(16).toString('base64')}`, /24 to 64 bytes.*holds 16/],
  ])('refuses a secret %s', (_case, secret, message) => {
    expect(() => signWebhook({ ...VECTOR, secrets: [secret] })).toThrow(message);
  });

  it("refuses an id or timestamp holding '.', an empty id and an empty secret list", () => {
    expect(() => signWebhook({ ...VECTOR, id: 'msg.1', secrets: [VECTOR.secret] })).toThrow(/'\.'/);
    expect(() => signWebhook({ ...VECTOR, id: '', secrets: [VECTOR.secret] })).toThrow(/non-empty/);
    expect(() => signWebhook({ ...VECTOR, timestamp: 1614265330.5, secrets: [VECTOR.secret] })).toThrow(
      /whole seconds/,
    );
    expect(() => signWebhook({ ...VECTOR, secrets: [] })).toThrow(/at least one secret/);
  });
});

describe('webhookHeaders', () => {
  it('gives the id, the timestamp and the signature headers', () => {
    expect(webhookHeaders({ ...VECTOR, secrets: [VECTOR.secret] })).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });
});

describe('generateWebhookSecret', () => {
  it('issues whsec_ plus base64 of 32 random bytes, different each time, usable for signing', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    const header = signWebhook({ ...VECTOR, secrets: [secret] });
    expect(verifyWebhook({ ...RECEIVED, secret, signatureHeader: header })).toBe(true);
  });
});

describe('verifyWebhook', () => {
  it('accepts the published test vector, with the timestamp as a number or as the header text', () => {
    expect(verifyWebhook(RECEIVED)).toBe(true);
    expect(verifyWebhook({ ...RECEIVED, timestamp: String(VECTOR.timestamp) })).toBe(true);
  });

  it('accepts a rotation header with either secret, and refuses a secret that signed nothing', () => {
    const fresh = generateWebhookSecret();
    const header = signWebhook({ ...VECTOR, secrets: [fresh, VECTOR.secret] });
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: header })).toBe(true);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: header, secret: fresh })).toBe(true);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: header, secret: generateWebhookSecret() })).toBe(
      false,
    );
  });

  it('refuses a changed body, id or timestamp', () => {
    expect(verifyWebhook({ ...RECEIVED, body: '{"test": 2432232315}' })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, body: `${VECTOR.body} ` })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, id: 'msg_p5jXN8AQM9LWM0D4loKWxJel' })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, timestamp: VECTOR.timestamp + 1 })).toBe(false);
  });

  it('refuses timestamps outside the tolerance either way', () => {
    expect(verifyWebhook({ ...RECEIVED, now: AT + 300_000 })).toBe(true);
    expect(verifyWebhook({ ...RECEIVED, now: AT - 300_000 })).toBe(true);
    expect(verifyWebhook({ ...RECEIVED, now: AT + 301_000 })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, now: AT - 301_000 })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, now: AT + 61_000, toleranceSeconds: 60 })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, now: AT + 59_000, toleranceSeconds: 60 })).toBe(true);
  });

  it('refuses malformed timestamps', () => {
    for (const timestamp of ['', '1614265330.0', ' 1614265330', '1614265330abc', 1614265330.5]) {
      expect(verifyWebhook({ ...RECEIVED, timestamp })).toBe(false);
    }
  });

  it('counts only v1 entries that carry the whole signature', () => {
    const value = VECTOR.signature.slice('v1,'.length);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: `v1a,${value}` })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: `v2,${value}` })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: value })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: `v1,${value.slice(0, 20)}` })).toBe(false);
    expect(verifyWebhook({ ...RECEIVED, signatureHeader: '' })).toBe(false);
    expect(
      verifyWebhook({ ...RECEIVED, signatureHeader: `v1,bm9wZQ== v1a,${value} ${VECTOR.signature}` }),
    ).toBe(true);
  });

  it('throws on a malformed secret instead of quietly refusing every delivery', () => {
    expect(() => verifyWebhook({ ...RECEIVED, secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toThrow(
      /whsec_/,
    );
  });
});
