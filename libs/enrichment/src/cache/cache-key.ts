import { createHash } from 'node:crypto';
import { normalizeCompanyNumber } from '../normalize/company-number';
import { normalizeDomain, normalizeEmail, normalizeLinkedinUrl, normalizePhone } from '../normalize/contact';

/** How long a cached answer may live depends on what it is about. */
export type CacheClass = 'person' | 'company' | 'search' | 'bulk' | 'account';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Unicode compatibility forms (NFKC: `é` composed or not, full-width `Ｊ`, ligatures) made one, then
 * trimmed, whitespace collapsed and lower-cased: text that reads the same is one question.
 */
export const foldText = (text: string): string =>
  text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** A string input in its one canonical form, by the field it is given for. */
function canonicalString(field: string, value: string): string {
  switch (field) {
    case 'email':
      return normalizeEmail(value) ?? foldText(value);
    case 'domain':
      return normalizeDomain(value) ?? foldText(value);
    case 'linkedin_url':
      return normalizeLinkedinUrl(value) ?? foldText(value);
    case 'phone':
      return normalizePhone(value) ?? value.replace(/\s+/g, '');
    case 'company_number':
      return normalizeCompanyNumber(value) ?? value.trim().toUpperCase();
    default:
      return foldText(value);
  }
}

/** The canonical form of a value: strings by field, arrays element-wise, objects with sorted keys. */
function canonical(field: string, value: unknown): unknown {
  if (typeof value === 'string') {
    return canonicalString(field, value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => canonical(field, item)).filter((item) => !isEmpty(item));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(canonicalEntries(value as Record<string, unknown>));
  }
  return value;
}

/** Non-empty entries, canonical, sorted by key. */
function canonicalEntries(input: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(input)
    .map(([k, v]): [string, unknown] => [k, isEmpty(v) ? null : canonical(k, v)])
    .filter(([, v]) => !isEmpty(v))
    .sort(([a], [b]) => byCodePoint(a, b));
}

/**
 * The cache (and coalescing) key of a provider call: `${provider}:${operation}:${hash}`, the hash
 * being the first 32 hex digits of the SHA-256 of a canonical JSON of the input. Canonical: keys
 * sorted; null, undefined, '' and [] dropped (so are values that normalise to nothing); `email`
 * normalised, `domain` reduced to its registrable domain, `linkedin_url`, `phone` and
 * `company_number` (spaces dropped, zero-padded) normalised, other strings in Unicode's
 * compatibility form (NFKC), trimmed, whitespace collapsed and lower-cased. Identical requests
 * written differently (case, spacing, accents composed or not, full-width letters,
 * `https://www.Example.co.uk/`) so give the same key: it depends on what is asked, not on how.
 */
export function cacheKeyOf(
  provider: string,
  operation: string,
  input: Readonly<Record<string, unknown>>,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(canonicalEntries(input)))
    .digest('hex')
    .slice(0, 32);
  return `${provider}:${operation}:${hash}`;
}

/**
 * The class of an operation, for its cache lifetime: anything bulk is `bulk`, then anything that
 * searches is `search`, `account*` and credit balances are `account`, `company.*` is `company`, and
 * the rest (`person.*`, `email.verify`) is `person`.
 */
export function cacheClassOf(operation: string): CacheClass {
  const op = operation.toLowerCase();
  if (op.includes('bulk')) {
    return 'bulk';
  }
  if (op.includes('search')) {
    return 'search';
  }
  if (op.startsWith('account') || op.includes('credits')) {
    return 'account';
  }
  if (op.startsWith('company.')) {
    return 'company';
  }
  return 'person';
}
