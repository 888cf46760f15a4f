/** A JSON object (not an array, not null): the shape every provider payload must start with. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A NUL character, or a lone half of a UTF-16 surrogate pair (a high half not followed by a low one, a low one alone). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** In a JSON text: a raw NUL, or an escape that parses to a NUL or to half of a surrogate pair. */
const UNSTORABLE_ESCAPE = /\0|\\u0000|\\u[dD][89a-fA-F]/;

/**
 * `text` as PostgreSQL can store it: NUL characters dropped and lone surrogates replaced by U+FFFD
 * (as a UTF-8 decoder replaces a broken sequence). Neither text nor jsonb holds them: a provider's
 * answer carrying one (a scraped name with a NUL in it, JSON's `"\ud800"` escape) made every
 * statement storing the answer fail, so the step it paid for could never be settled.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, (found) => (found === '\0' ? '' : '\uFFFD'));
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') {
    return storableText(value);
  }
  if (Array.isArray(value)) {
    return value.map(storable);
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [storableText(key), storable(item)]),
    );
  }
  return value;
}

/**
 * Parses a provider's JSON (an answer, a webhook delivery, a stream line), telling "not JSON" apart
 * from a JSON `null`. Every string in the value, keys too, is storable (see {@link storableText}).
 */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false };
  }
  // Most answers hold nothing to clean: they are not walked.
  return { ok: true, value: UNSTORABLE_ESCAPE.test(text) ? storable(value) : value };
}
