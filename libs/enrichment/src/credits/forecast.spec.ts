import {
  forecastCredits,
  nextRenewal,
  renewalOf,
  steadyRenewal,
  thresholdLevel,
  thresholdsFor,
} from './forecast';

describe('nextRenewal', () => {
  it('is later this month when the day is still ahead, else next month', () => {
    expect(nextRenewal(new Date('2026-12-02T15:00:00Z'), 10).toISOString()).toBe('2026-12-10T00:00:00.000Z');
    expect(nextRenewal(new Date('2026-12-10T00:00:00Z'), 10).toISOString()).toBe('2027-01-10T00:00:00.000Z');
    expect(nextRenewal(new Date('2026-12-20T08:00:00Z'), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('renewalOf', () => {
  const now = new Date('2026-12-02T15:00:00Z');
  const reported = new Date('2026-12-31T15:00:00Z');

  it('takes the renewal day an operator set over the one the provider reports', () => {
    expect(renewalOf({ renewalDay: 10, reported, now })?.toISOString()).toBe('2026-12-10T00:00:00.000Z');
  });

  it('takes the provider’s renewal when no day is set, only while it lies ahead', () => {
    expect(renewalOf({ reported, now })).toBe(reported);
    expect(renewalOf({ reported: new Date('2026-12-01T00:00:00Z'), now })).toBeNull();
    expect(renewalOf({ reported: null, now })).toBeNull();
  });
});

describe('forecastCredits', () => {
  const now = new Date('2026-12-02T00:00:00Z');
  /** Charging for months: the burn rate is the seven days' average. */
  const longAgo = new Date('2026-06-01T00:00:00Z');

  it('burns the last seven days’ spend per day and dates the exhaustion', () => {
    // 700 credits in 7 days: 100 a day; 450 left: 4.5 days.
    const f = forecastCredits({
      balance: 450,
      spentLastWindow: 700,
      chargingSince: longAgo,
      now,
      renewsAt: new Date('2026-12-10T00:00:00Z'),
    });
    expect(f.burnPerDay).toBe(100);
    expect(f.daysLeft).toBe(4.5);
    expect(f.exhaustsAt?.toISOString()).toBe('2026-12-06T12:00:00.000Z');
    expect(f.exhaustsBeforeRenewal).toBe(true);
  });

  it('does not warn when the credits outlast the renewal', () => {
    const f = forecastCredits({
      balance: 5000,
      spentLastWindow: 70,
      chargingSince: longAgo,
      now,
      renewsAt: new Date('2026-12-10T00:00:00Z'),
    });
    expect(f.daysLeft).toBe(500);
    expect(f.exhaustsBeforeRenewal).toBe(false);
  });

  it('has no exhaustion date when nothing is spent', () => {
    const f = forecastCredits({
      balance: 10,
      spentLastWindow: 0,
      chargingSince: null,
      now,
      renewsAt: null,
    });
    expect(f).toMatchObject({
      burnPerDay: 0,
      daysLeft: null,
      exhaustsAt: null,
      exhaustsBeforeRenewal: false,
    });
  });

  it('measures a provider charging for less than seven days since its first charge, at least an hour', () => {
    // A new installation: 200 credits spent in the 2 days it has run is 100 a day, not 200 / 7.
    const twoDays = forecastCredits({
      balance: 450,
      spentLastWindow: 200,
      chargingSince: new Date('2026-11-30T00:00:00Z'),
      now,
      renewsAt: new Date('2026-12-10T00:00:00Z'),
    });
    expect(twoDays).toMatchObject({
      burnPerDay: 100,
      spanDays: 2,
      daysLeft: 4.5,
      exhaustsBeforeRenewal: true,
    });
    // Its first call a minute ago: measured over an hour, not extrapolated from the minute.
    const first = forecastCredits({
      balance: 1000,
      spentLastWindow: 1,
      chargingSince: new Date(now.getTime() - 60_000),
      now,
      renewsAt: null,
    });
    expect(first.spanDays).toBeCloseTo(1 / 24);
    expect(first.burnPerDay).toBeCloseTo(24);
    // Charging for longer than the window: its seven days.
    expect(
      forecastCredits({ balance: 1, spentLastWindow: 70, chargingSince: longAgo, now, renewsAt: null })
        .spanDays,
    ).toBe(7);
  });

  it('counts an overdrawn balance as already exhausted', () => {
    const f = forecastCredits({
      balance: -3,
      spentLastWindow: 14,
      chargingSince: longAgo,
      now,
      renewsAt: null,
    });
    expect(f.daysLeft).toBe(0);
    expect(f.exhaustsAt?.toISOString()).toBe(now.toISOString());
  });
});

describe('thresholds', () => {
  it('defaults to a warning at 25 credits and critical at 5', () => {
    expect(thresholdsFor({})).toEqual({ warning: 25, critical: 5 });
  });

  it('takes the higher of the absolute and the percentage of the allowance', () => {
    expect(thresholdsFor({ allowance: 1000, warningPercent: 10, criticalPercent: 0.1 })).toEqual({
      warning: 100,
      critical: 5,
    });
    expect(thresholdsFor({ warning: 50, critical: 10, warningPercent: 10 })).toEqual({
      warning: 50,
      critical: 10,
    });
  });

  it('names the worst threshold the balance is at or below', () => {
    const t = { warning: 25, critical: 5 };
    expect(thresholdLevel(26, t)).toBeNull();
    expect(thresholdLevel(25, t)).toBe('warning');
    expect(thresholdLevel(5, t)).toBe('critical');
    expect(thresholdLevel(-1, t)).toBe('critical');
  });
});

describe('steadyRenewal', () => {
  const now = new Date('2026-12-06T23:50:00Z');
  const kept = new Date('2027-01-04T23:40:00Z');

  it('keeps the date of the renewal kept from the last reading when a reading names it a day later', () => {
    // 29 days counted from 00:10 the next day, the provider still saying 29.
    expect(steadyRenewal(new Date('2027-01-05T00:10:00Z'), kept, now)).toEqual(kept);
    expect(steadyRenewal(new Date('2027-01-03T23:40:00Z'), kept, now)).toEqual(kept);
  });

  it('takes a reported renewal further off, or any once the kept one has passed', () => {
    const renewed = new Date('2027-02-03T00:00:00Z');
    expect(steadyRenewal(renewed, kept, now)).toEqual(renewed);
    const later = new Date('2027-01-05T00:10:00Z');
    expect(steadyRenewal(later, kept, new Date('2027-01-05T00:00:00Z'))).toEqual(later);
  });

  it('takes the reading as it is when there is nothing kept, and keeps nothing when nothing is reported', () => {
    const reported = new Date('2027-01-05T00:10:00Z');
    expect(steadyRenewal(reported, null, now)).toEqual(reported);
    expect(steadyRenewal(null, kept, now)).toBeNull();
  });
});
