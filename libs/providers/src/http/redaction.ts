import { isRecord } from '../json';

const REDACTED = '[redacted]';
/** Shorter strings are not redacted: a 1-character "secret" would shred every message. */
const MIN_SECRET_LENGTH = 6;

export interface Redactor {
  text(value: string): string;
  deep(value: unknown): unknown;
}

/**
 * Replaces every current secret (and its Basic-auth and URL-encoded forms) with `[redacted]`.
 * Providers sometimes echo what they were sent; a key must never reach a log or a stored body
 * through them. Secrets are read on every use, so a refreshed token is redacted too.
 */
export function redactor(secrets: () => readonly string[]): Redactor {
  const forms = (): string[] => {
    const all = new Set<string>();
    for (const secret of secrets()) {
      if (!secret || secret.length < MIN_SECRET_LENGTH) {
        continue;
      }
      all.add(secret);
      all.add(encodeURIComponent(secret));
      all.add(Buffer.from(`${secret}:`).toString('base64'));
    }
    // Longest first, so a secret that contains another is replaced whole.
    return [...all].sort((a, b) => b.length - a.length);
  };
  const text = (value: string): string =>
    forms().reduce((out, form) => out.split(form).join(REDACTED), value);
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return text(value);
    }
    if (Array.isArray(value)) {
      return value.map(deep);
    }
    if (isRecord(value)) {
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, deep(item)]));
    }
    return value;
  };
  return { text, deep };
}
