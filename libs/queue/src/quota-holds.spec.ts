import { quotaHoldsKey, quotaResetAt } from './quota-holds';

describe('quotaResetAt', () => {
  it('is the first instant of the next calendar month, UTC', () => {
    expect(new Date(quotaResetAt(Date.parse('2026-03-15T12:00:00Z'))).toISOString()).toBe(
      '2026-04-01T00:00:00.000Z',
    );
  });

  it('rolls December over into January of the next year', () => {
    expect(new Date(quotaResetAt(Date.parse('2026-12-31T23:59:59.999Z'))).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('counts the month’s first instant in that month (it resets at the next one)', () => {
    expect(new Date(quotaResetAt(Date.parse('2026-02-01T00:00:00Z'))).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });
});

describe('quotaHoldsKey', () => {
  it('is one set per workspace and provider under the queue prefix', () => {
    expect(quotaHoldsKey('sluice', 'ws-1', 'apollo')).toBe('sluice:quota-holds:ws-1:apollo');
  });
});
