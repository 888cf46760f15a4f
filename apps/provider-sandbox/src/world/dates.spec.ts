import { addDays, addMonths, addYears, dateIn, longDate } from './dates';

describe('world dates', () => {
  it('adds months clamping to the end of shorter months', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2020-12-31', 9)).toBe('2021-09-30');
    expect(addMonths('2020-03-15', -3)).toBe('2019-12-15');
  });

  it('adds years and days across leap days and year ends', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
  });

  it('clamps a reference day to the month', () => {
    expect(dateIn(2021, 6, 31)).toBe('2021-06-30');
  });

  it('prints long dates with the day space-padded as Companies House search does', () => {
    expect(longDate('2002-02-05')).toBe(' 5 February 2002');
    expect(longDate('1997-02-25')).toBe('25 February 1997');
  });
});
