import { roundCredits } from './credit-amounts';

describe('roundCredits', () => {
  it('keeps the ledger’s four decimals and drops float noise', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(roundCredits(0.1 + 0.2)).toBe(0.3);
    expect(roundCredits(1507.5)).toBe(1507.5);
    expect(roundCredits(2 / 3)).toBe(0.6667);
    expect(roundCredits(0.00004)).toBe(0);
  });
});
