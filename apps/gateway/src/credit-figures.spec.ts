import { fitsCreditColumn } from './credit-figures';

describe('fitsCreditColumn', () => {
  it('takes figures with up to 4 decimals, and refuses finer ones, in any notation', () => {
    for (const fits of [0, 1, 0.5, 12.25, 0.0001, 123456.7891, 1e6, 1.1]) {
      expect(fitsCreditColumn(fits)).toBe(true);
    }
    for (const finer of [1e-7, 0.00001, 0.12345, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(fitsCreditColumn(finer)).toBe(false);
    }
  });
});
