import { normalizeCountry } from './country';

describe('normalizeCountry', () => {
  it.each([
    ['GB', 'GB'],
    ['gb', 'GB'],
    [' GBR ', 'GB'],
    ['usa', 'US'],
    ['United Kingdom', 'GB'],
    ['united  kingdom', 'GB'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['United States', 'US'],
    ['Germany', 'DE'],
    ['Türkiye', 'TR'],
    ['Korea, Republic of', 'KR'],
  ])('writes %j as %j', (value, code) => {
    expect(normalizeCountry(value)).toBe(code);
  });

  it.each(['England', 'Scotland', 'Wales', 'Northern Ireland', 'northern ireland'])(
    'places %j, a constituent country of the United Kingdom, in GB',
    (value) => {
      expect(normalizeCountry(value)).toBe('GB');
    },
  );

  it('keeps a value no table knows as written, trimmed, rather than dropping it', () => {
    expect(normalizeCountry('  Narnia ')).toBe('Narnia');
    // Two letters that are no assigned code are not a country code either.
    expect(normalizeCountry('EU')).toBe('EU');
    expect(normalizeCountry('ZZ')).toBe('ZZ');
  });

  it.each([null, undefined, '', '   '])('answers null for %j', (value) => {
    expect(normalizeCountry(value)).toBeNull();
  });
});
