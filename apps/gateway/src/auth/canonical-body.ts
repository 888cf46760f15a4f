import { configure } from 'safe-stable-stringify';

// Object keys sorted at every depth: JSON objects are unordered, so two clients (or one client's
// two serialisers) writing the same object with its keys in another order ask for the same thing.
const stringify = configure({ deterministic: true });

/**
 * A parsed JSON body as canonical text, for an Idempotency-Key's fingerprint: object keys sorted
 * recursively, array elements kept in their order (a list's order means something: the fields of
 * an `enrich`, the jobs of a bulk request, each job's position in its answer). Otherwise as
 * `JSON.stringify` writes it; no body is `null`.
 */
export function canonicalBody(body: unknown): string {
  return stringify(body ?? null) ?? 'null';
}
