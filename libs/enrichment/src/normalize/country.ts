import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

countries.registerLocale(english);

/**
 * The United Kingdom's constituent countries, which ISO 3166-1 does not list but registers and
 * providers write as a country (Companies House's `country`, a profile's location): GB is the
 * country they are in. The library knows countries, not subdivisions, so these few are ours.
 */
const UK_CONSTITUENT_COUNTRIES = new Set(['england', 'scotland', 'wales', 'northern ireland']);

/**
 * A country as its ISO 3166-1 alpha-2 code (`GB`), from a code (`gb`, `GBR`) or an English name
 * (`United Kingdom`, `UK`, `England`): providers write it each their own way, and one
 * segment, one filter and one column need one spelling. A value no table knows is kept as written
 * (trimmed), never dropped; blank is null.
 */
export function normalizeCountry(value: string | null | undefined): string | null {
  const text = value?.trim().replace(/\s+/g, ' ');
  if (!text) {
    return null;
  }
  if (/^[a-z]{2,3}$/i.test(text) && countries.isValid(text)) {
    return countries.toAlpha2(text.toUpperCase()) ?? text.toUpperCase();
  }
  if (UK_CONSTITUENT_COUNTRIES.has(text.toLowerCase())) {
    return 'GB';
  }
  return countries.getAlpha2Code(text, 'en') ?? countries.getSimpleAlpha2Code(text, 'en') ?? text;
}
