import { randomBytes } from 'node:crypto';
import { SecretBox } from '@sluice/platform';
import { answerColumns, keptAnswerOf, type FinishedAnswer } from './durable-idempotency-answers';
import { keptAnswerText } from './idempotency-store';

describe('the columns an answer kept for Idempotency-Key replays is stored in', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const answer = { id: 'job-1', status: 'queued', nested: { z: 1, a: [2, null] } };
  const kept = (fields: Partial<FinishedAnswer>): FinishedAnswer => ({
    state: 'done',
    fingerprint: 'f',
    status: 202,
    ...fields,
  });

  it('gives back, for an answer in the clear, the same answer as the JSON text it was sent as', () => {
    const columns = answerColumns(kept({ body: answer }));
    expect(columns).toEqual({
      fingerprint: 'f',
      status: 202,
      body: JSON.stringify(answer),
      sealed: null,
      withheld: false,
    });
    const back = keptAnswerOf(columns);
    expect(back).toEqual(kept({ body: answer }));
    expect(JSON.stringify(back.body)).toBe(JSON.stringify(answer));
  });

  it('keeps a sealed answer sealed, as Redis keeps it: no clear copy, opened only with the key', () => {
    const sealed = box.seal(JSON.stringify(answer));
    const columns = answerColumns(kept({ sealed }));
    expect(columns.body).toBeNull();
    expect(columns.sealed).toBe(sealed);
    expect(JSON.stringify(columns)).not.toContain('job-1');
    const back = keptAnswerOf(columns);
    expect(back).toEqual(kept({ sealed }));
    expect(keptAnswerText(back, box)).toBe(JSON.stringify(answer));
    expect(keptAnswerText(back, null)).toBeNull();
  });

  it('keeps a withheld answer withheld and an answer without a body without one', () => {
    expect(keptAnswerOf(answerColumns(kept({ withheld: true })))).toEqual(kept({ withheld: true }));
    expect(keptAnswerOf(answerColumns(kept({ status: 204 })))).toEqual(kept({ status: 204 }));
    // A handler that answered `null` sent the JSON `null`, which is a body.
    expect(keptAnswerOf(answerColumns(kept({ body: null })))).toEqual(kept({ body: null }));
  });
});
