import { nextPollDelayMs } from './poll-delay';

describe('nextPollDelayMs', () => {
  const minute = 60_000;

  it('polls at the provider interval when the provider named no wait', () => {
    expect(nextPollDelayMs(5000, undefined, 15 * minute)).toBe(5000);
  });

  it('polls no sooner than the provider asked (Apollo: retry_after_seconds 10, interval 5 s)', () => {
    expect(nextPollDelayMs(5000, 10_000, 15 * minute)).toBe(10_000);
  });

  it('keeps the poll interval when the provider asks for less', () => {
    expect(nextPollDelayMs(5000, 1000, 15 * minute)).toBe(5000);
  });

  it('polls at the deadline rather than after it when the provider asks for longer', () => {
    expect(nextPollDelayMs(5000, 60 * minute, 2 * minute)).toBe(2 * minute);
  });

  it('never sleeps less than the poll interval, even close to the deadline', () => {
    expect(nextPollDelayMs(5000, 30_000, 1000)).toBe(5000);
    expect(nextPollDelayMs(5000, 30_000, -1000)).toBe(5000);
  });

  it('ignores a wait that is not a positive number', () => {
    expect(nextPollDelayMs(5000, 0, 15 * minute)).toBe(5000);
    expect(nextPollDelayMs(5000, -3, 15 * minute)).toBe(5000);
    expect(nextPollDelayMs(5000, Number.NaN, 15 * minute)).toBe(5000);
    expect(nextPollDelayMs(5000, Number.POSITIVE_INFINITY, 15 * minute)).toBe(5000);
  });
});
