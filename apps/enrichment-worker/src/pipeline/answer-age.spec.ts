import { answersNotBefore } from './answer-age';

describe('answersNotBefore', () => {
  const now = Date.parse('2025-06-10T12:00:00Z');
  const createdAt = new Date('2025-06-10T11:59:00Z');

  it('sets no limit without max_age_days', () => {
    expect(answersNotBefore({}, createdAt, now)).toBeNull();
  });

  it('refuses answers older than max_age_days', () => {
    expect(answersNotBefore({ max_age_days: 7 }, createdAt, now)).toBe(Date.parse('2025-06-03T12:00:00Z'));
  });

  it('with 0 still takes what was answered since the request was made (coalesced calls)', () => {
    expect(answersNotBefore({ max_age_days: 0 }, createdAt, now)).toBe(createdAt.getTime());
  });

  it('for a retry, takes what was answered since its first attempt was made, however long ago', () => {
    const firstAttemptAt = new Date('2025-05-01T08:00:00Z');
    expect(answersNotBefore({ max_age_days: 0 }, firstAttemptAt, now)).toBe(firstAttemptAt.getTime());
    expect(answersNotBefore({ max_age_days: 7 }, firstAttemptAt, now)).toBe(firstAttemptAt.getTime());
  });
});
