import { COMPANY_NUMBER_HINT, COMPANY_NUMBER_PREFIXES, normalizeCompanyNumber } from './company-number';

describe('normalizeCompanyNumber', () => {
  it('keeps an 8-digit England and Wales number as it is', () => {
    expect(normalizeCompanyNumber('07798925')).toBe('07798925');
  });

  it('zero-pads shorter all-digit numbers to 8 digits', () => {
    expect(normalizeCompanyNumber('7798925')).toBe('07798925');
    expect(normalizeCompanyNumber('1')).toBe('00000001');
  });

  it('trims surrounding whitespace and upper-cases prefixes', () => {
    expect(normalizeCompanyNumber('  sc571653\t')).toBe('SC571653');
    expect(normalizeCompanyNumber(' oc123456 ')).toBe('OC123456');
  });

  it('accepts the register prefixes followed by 6 digits', () => {
    for (const number of [
      'SC571653',
      'NI123456',
      'OC301234',
      'SO300001',
      'NC000123',
      'R0000456',
      'FC012345',
      'LP001234',
      'SL012345',
      'IP012345',
      'OE000123',
      'CE010135',
      'ZC000001',
    ]) {
      expect(normalizeCompanyNumber(number)).toBe(number);
    }
  });

  it('zero-pads a short serial after the prefix', () => {
    expect(normalizeCompanyNumber('SC1234')).toBe('SC001234');
    expect(normalizeCompanyNumber('r01')).toBe('R0000001');
  });

  it('refuses prefixes the register does not use', () => {
    expect(normalizeCompanyNumber('XX123456')).toBeNull();
    expect(normalizeCompanyNumber('AB123456')).toBeNull();
  });

  it('refuses letters anywhere but the 2-character prefix', () => {
    expect(normalizeCompanyNumber('0779892A')).toBeNull();
    expect(normalizeCompanyNumber('S1234567')).toBeNull();
    expect(normalizeCompanyNumber('SC57165X')).toBeNull();
  });

  it('refuses numbers that are too long', () => {
    expect(normalizeCompanyNumber('123456789')).toBeNull();
    expect(normalizeCompanyNumber('SC1234567')).toBeNull();
  });

  it('drops spaces inside the number, as it is often written grouped', () => {
    expect(normalizeCompanyNumber('SC 571653')).toBe('SC571653');
    expect(normalizeCompanyNumber('0779 8925')).toBe('07798925');
    expect(normalizeCompanyNumber('OC 30 1234')).toBe('OC301234');
    expect(normalizeCompanyNumber(' sc\u00a0571 653\t')).toBe('SC571653');
    expect(normalizeCompanyNumber('S C 5 7 1 6 5 3')).toBe('SC571653');
    expect(normalizeCompanyNumber('779 8925')).toBe('07798925');
    expect(normalizeCompanyNumber('SC 1234')).toBe('SC001234');
  });

  it('refuses what is no number once its spaces are gone', () => {
    expect(normalizeCompanyNumber('0779 892A')).toBeNull();
    expect(normalizeCompanyNumber('SC 571 65X')).toBeNull();
    expect(normalizeCompanyNumber('1234 56789')).toBeNull();
    expect(normalizeCompanyNumber('SC 1234567')).toBeNull();
    expect(normalizeCompanyNumber('XX 123456')).toBeNull();
    expect(normalizeCompanyNumber('12 SC 3456')).toBeNull();
    expect(normalizeCompanyNumber(' \u00a0 ')).toBeNull();
  });

  it('refuses slashes, hyphens and other separators', () => {
    expect(normalizeCompanyNumber('07798925/1')).toBeNull();
    expect(normalizeCompanyNumber('077-98925')).toBeNull();
  });

  it('refuses empty strings, a bare prefix and non-strings', () => {
    expect(normalizeCompanyNumber('')).toBeNull();
    expect(normalizeCompanyNumber('   ')).toBeNull();
    expect(normalizeCompanyNumber('SC')).toBeNull();
    expect(normalizeCompanyNumber(7798925)).toBeNull();
    expect(normalizeCompanyNumber(null)).toBeNull();
    expect(normalizeCompanyNumber(undefined)).toBeNull();
    expect(normalizeCompanyNumber(['07798925'])).toBeNull();
  });

  it('lists only 2-character prefixes that its own parser accepts', () => {
    for (const prefix of Object.keys(COMPANY_NUMBER_PREFIXES)) {
      expect(prefix).toMatch(/^[A-Z][A-Z0-9]$/);
      expect(normalizeCompanyNumber(`${prefix}1`)).toBe(`${prefix}000001`);
    }
  });
});

describe('COMPANY_NUMBER_HINT', () => {
  it('is one line that shows both accepted forms by example', () => {
    expect(COMPANY_NUMBER_HINT).not.toContain('\n');
    expect(normalizeCompanyNumber('07798925')).not.toBeNull();
    expect(COMPANY_NUMBER_HINT).toContain('07798925');
    expect(COMPANY_NUMBER_HINT).toContain('SC571653');
  });
});
