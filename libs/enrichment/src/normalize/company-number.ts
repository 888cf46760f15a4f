/**
 * Prefixes Companies House puts before the six-digit serial of a company number. Taken from
 * Companies House's URI customer guide ("List of Company Numbers and Prefixes"), plus prefixes seen
 * on live records but missing from that guide (CE/CS charitable incorporated organisations, SG
 * Scottish qualifying partnerships, OE overseas entities since 2022, RS registered societies).
 * A number with any other leading letters is refused rather than guessed at, because a lookup of a
 * malformed number costs a request and answers nothing.
 */
export const COMPANY_NUMBER_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  AC: 'Assurance company (England and Wales)',
  CE: 'Charitable incorporated organisation',
  CS: 'Scottish charitable incorporated organisation',
  EN: 'European company (SE), Northern Ireland',
  ES: 'European company (SE), Scotland',
  FC: 'Overseas company',
  GE: 'European economic interest grouping (EEIG), England and Wales',
  GN: 'European economic interest grouping (EEIG), Northern Ireland',
  GS: 'European economic interest grouping (EEIG), Scotland',
  IC: 'Investment company with variable capital',
  IP: 'Industrial and provident society',
  LP: 'Limited partnership (England and Wales)',
  NA: 'Assurance company (Northern Ireland)',
  NC: 'Limited liability partnership (Northern Ireland)',
  NF: 'Overseas company registered in Northern Ireland before 1 October 2009',
  NI: 'Northern Ireland company (post-partition)',
  NL: 'Limited partnership (Northern Ireland)',
  NO: 'Northern Ireland credit union / industrial and provident society',
  NP: 'Northern Ireland industrial and provident society or credit union',
  NR: 'Royal charter company (Northern Ireland)',
  NV: 'Investment company with variable capital (Northern Ireland)',
  NZ: 'Unregistered company (Northern Ireland)',
  OC: 'Limited liability partnership (England and Wales)',
  OE: 'Overseas entity',
  R0: 'Northern Ireland company (pre-partition)',
  RC: 'Royal charter company (England and Wales)',
  RS: 'Registered society',
  SA: 'Assurance company (Scotland)',
  SC: 'Scottish company',
  SE: 'European company (SE), England and Wales',
  SF: 'Overseas company registered in Scotland before 1 October 2009',
  SG: 'Scottish qualifying partnership',
  SI: 'Investment company with variable capital (Scotland)',
  SL: 'Limited partnership (Scotland)',
  SO: 'Limited liability partnership (Scotland)',
  SP: 'Industrial and provident society (Scotland)',
  SR: 'Royal charter company (Scotland)',
  SZ: 'Unregistered company (Scotland)',
  ZC: 'Unregistered company (England and Wales)',
});

/** What a valid company number looks like, for error messages. */
export const COMPANY_NUMBER_HINT =
  'up to 8 digits (zero-padded to 8), or a 2-letter prefix such as SC, NI or OC and up to 6 digits, e.g. 07798925 or SC571653';

const DIGITS_ONLY = /^\d{1,8}$/;
const PREFIXED = /^([A-Z][A-Z0-9])(\d{1,6})$/;

/**
 * Puts a UK company number into the form the register uses (8 characters, zero-padded, no spaces),
 * so that `7798925`, ` 07798925 `, `0779 8925` and `07798925` are one company to the cache and the
 * database. Spaces anywhere are dropped first: numbers are often written grouped (`SC 571653`, as
 * on letterheads and in spreadsheets), and no company number holds one. Returns `null` for anything
 * that is not a company number once its spaces are gone.
 */
export function normalizeCompanyNumber(raw: unknown): string | null {
  if (typeof raw !== 'string') {
    return null;
  }
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (DIGITS_ONLY.test(value)) {
    return value.padStart(8, '0');
  }
  const prefixed = PREFIXED.exec(value);
  if (prefixed) {
    const prefix = prefixed[1];
    const serial = prefixed[2];
    if (prefix !== undefined && serial !== undefined && Object.hasOwn(COMPANY_NUMBER_PREFIXES, prefix)) {
      return prefix + serial.padStart(6, '0');
    }
  }
  return null;
}
