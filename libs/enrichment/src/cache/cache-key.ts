import { createHash } from 'node:crypto';
import { normalizeDomain, normalizeEmail, normalizeLinkedinUrl, normalizePhone } from '../normalize/contact';

export type CacheClass = 'person' | 'company' | 'search' | 'bulk' | 'account';

function canonical(field: string, value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  switch (field) {
    case 'email':
      return normalizeEmail(value) ?? value.trim().toLowerCase();
    case 'domain':
      return normalizeDomain(value) ?? value.trim().toLowerCase();
    case 'linkedin_url':
      return normalizeLinkedinUrl(value) ?? value.trim().toLowerCase();
    case 'phone':
      return normalizePhone(value) ?? value.trim();
    case 'company_number':
      return value.trim().toUpperCase();
    default:
      return value.trim().replace(/\s+/g, ' ').toLowerCase();
  }
}

/**
 * The cache (and coalescing) key of a provider call: identical requests written differently
 * (case, spacing, `https://www.Example.com/`) give the same key. Empty fields are dropped and keys
 * sorted before hashing, so the key depends on what is asked, not on how.
 */
export function cacheKeyOf(
  provider: string,
  operation: string,
  input: Readonly<Record<string, unknown>>,
): string {
  const entries = Object.entries(input)
    .filter(([, v]) => !(v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)))
    .map(([k, v]) => [k, canonical(k, v)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  const hash = createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
  return `${provider}:${operation}:${hash}`;
}

export function cacheClassOf(operation: string): CacheClass {
  if (operation.includes('bulk')) {
    return 'bulk';
  }
  if (operation.includes('search')) {
    return 'search';
  }
  if (operation.startsWith('account') || operation.includes('credits')) {
    return 'account';
  }
  if (operation.startsWith('company.')) {
    return 'company';
  }
  return 'person';
}
