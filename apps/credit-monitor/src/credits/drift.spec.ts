import { balanceDrift } from './drift';

describe('balanceDrift', () => {
  it('finds none when the provider took what the ledger charged, whatever was in flight at either reading', () => {
    // Readings under load (Snov.io's tasks held 12, then 10, then 0 credits): the provider took
    // exactly what the ledger charged each time. Counting the reservations as charged gave -8 and
    // then +10, each an alert.
    expect(balanceDrift(3, 3, 12, 4)).toBe(0);
    expect(balanceDrift(2, 2, 10, 12)).toBe(0);
    expect(balanceDrift(10, 10, 0, 10)).toBe(0);
  });

  it('lets the calls in flight explain a difference up to what they held', () => {
    // Charged at the provider before this reading, settled in the ledger after it.
    expect(balanceDrift(8, 3, 5, 0)).toBe(0);
    // Charged before the previous reading, settled in the ledger in this interval.
    expect(balanceDrift(0, 4, 0, 4)).toBe(0);
  });

  it('reports what no call in flight can explain, and as before when none was in flight', () => {
    expect(balanceDrift(20, 10, 2, 0)).toBe(8);
    expect(balanceDrift(2, 10, 0, 3)).toBe(-5);
    expect(balanceDrift(7, 2, 0, 0)).toBe(5);
    expect(balanceDrift(2, 7, 0, 0)).toBe(-5);
  });
});
