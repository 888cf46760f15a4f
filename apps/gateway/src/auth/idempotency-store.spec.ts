import { randomBytes } from 'node:crypto';
import { SecretBox } from '@sluice/platform';
import { replayableText } from './idempotency-store';

describe('replayableText', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const other = new SecretBox(randomBytes(32).toString('base64'));
  const answer = { data: { business_email: 'jane@acme.test' } };
  const kept = (fields: Record<string, unknown>): string =>
    JSON.stringify({ state: 'done', fingerprint: 'f', status: 200, ...fields });

  it('gives a plain answer as the JSON a replay sends', () => {
    expect(replayableText(kept({ body: answer }), null)).toBe(JSON.stringify(answer));
  });

  it('opens a sealed answer with the key it was sealed under, and only with it', () => {
    const sealed = kept({ sealed: box.seal(JSON.stringify(answer)) });
    expect(replayableText(sealed, box)).toBe(JSON.stringify(answer));
    expect(replayableText(sealed, other)).toBeNull();
    expect(replayableText(sealed, null)).toBeNull();
  });

  it('has nothing for a claim, a bodiless or withheld answer, or what is not a kept answer', () => {
    expect(replayableText(JSON.stringify({ state: 'pending', fingerprint: 'f' }), box)).toBeNull();
    expect(replayableText(kept({}), box)).toBeNull();
    expect(replayableText(kept({ withheld: true }), box)).toBeNull();
    expect(replayableText('not json', box)).toBeNull();
  });
});
