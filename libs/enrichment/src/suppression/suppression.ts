import { createHash } from 'node:crypto';
import { normalizeEmail, normalizeLinkedinUrl } from '../normalize/contact';

/** The identifiers a person can be erased and suppressed by. */
export type SuppressionIdentifierKind = 'email' | 'linkedin_url';

/** An identifier in its one normalised form (lower-cased e-mail, canonical LinkedIn URL), or null. */
export function normalizeIdentifier(kind: SuppressionIdentifierKind, value: string): string | null {
  return kind === 'email' ? normalizeEmail(value) : normalizeLinkedinUrl(value);
}

/** Hex SHA-256 of an identifier already normalised: what the suppression list stores. */
export function suppressionHash(normalised: string): string {
  return createHash('sha256').update(normalised).digest('hex');
}

/**
 * The hashes a person is suppressed under by an identifier already normalised: its own, and, when
 * its letters decompose (`é`), that of its decomposed form (NFD). Identifiers were not composed
 * (NFC) before: an erasure written decomposed then recorded that form's hash, which must go on
 * holding the person, whichever form they are asked for in now.
 */
export function suppressionHashesFor(normalised: string): string[] {
  const decomposed = normalised.normalize('NFD');
  return decomposed === normalised
    ? [suppressionHash(normalised)]
    : [suppressionHash(normalised), suppressionHash(decomposed)];
}

/** The suppressible identifiers an enrichment input carries (`email`, `linkedin_url`), hashed. */
export function suppressionHashesOf(
  input: Readonly<Record<string, unknown>>,
): { kind: SuppressionIdentifierKind; hash: string }[] {
  const found: { kind: SuppressionIdentifierKind; hash: string }[] = [];
  for (const kind of ['email', 'linkedin_url'] as const) {
    const value = input[kind];
    const normalised = typeof value === 'string' ? normalizeIdentifier(kind, value) : null;
    if (normalised) {
      found.push(...suppressionHashesFor(normalised).map((hash) => ({ kind, hash })));
    }
  }
  return found;
}

/**
 * The suppression hashes of every e-mail address and LinkedIn profile URL anywhere in `value` (a
 * result: every string at any depth that normalises as one), distinct. What a request's result
 * names, however its goals put it (the merged data, an officer's e-mail, a profile's addresses).
 */
export function suppressionHashesIn(value: unknown): string[] {
  const hashes = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      const kind: SuppressionIdentifierKind | null = node.includes('@')
        ? 'email'
        : /linkedin\.com\//i.test(node)
          ? 'linkedin_url'
          : null;
      const normalised = kind ? normalizeIdentifier(kind, node) : null;
      if (normalised) {
        suppressionHashesFor(normalised).forEach((hash) => hashes.add(hash));
      }
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (typeof node === 'object' && node !== null) {
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return [...hashes];
}
