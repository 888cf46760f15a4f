import { normalizeDomain, normalizeEmail } from '../normalize/contact';

/** One provider's answer, by API field name; null, undefined, '' and [] mean unknown. */
export interface ProviderAnswer {
  provider: string;
  fields: Record<string, unknown>;
  /** Per-field confidence (0..1) the provider gave; otherwise its reliability applies. */
  confidence?: Record<string, number>;
}

export interface Merged {
  data: Record<string, unknown>;
  sources: Record<string, string>;
  confidence: Record<string, number>;
}

const DEFAULT_RELIABILITY = 0.7;
const MAX_CONFIDENCE = 0.99;

function unknown(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** The form two values are compared in: e-mails and domains normalised, strings folded. */
function comparable(field: string, value: unknown): string {
  if (typeof value === 'string') {
    if (field.endsWith('email')) {
      return normalizeEmail(value) ?? value.trim().toLowerCase();
    }
    if (field === 'company_domain') {
      return normalizeDomain(value) ?? value.trim().toLowerCase();
    }
    return value.trim().toLowerCase();
  }
  return JSON.stringify(value);
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Merges answers field by field. Values that agree (compared normalised) reinforce each other:
 * their confidences combine as 1 − Π(1 − cᵢ) (capped at 0.99), as independent witnesses would.
 * The group with the highest combined confidence wins (ties: the earlier answer); its source is the
 * member with the highest own confidence. Every requested field is present, null when unknown.
 */
export function mergeAnswers(
  answers: readonly ProviderAnswer[],
  requested: readonly string[] | null,
  reliability: Readonly<Record<string, number>> = {},
): Merged {
  const fields = requested ?? [
    ...new Set(answers.flatMap((a) => Object.keys(a.fields).filter((f) => !unknown(a.fields[f])))),
  ];
  const merged: Merged = { data: {}, sources: {}, confidence: {} };
  for (const field of fields) {
    const groups = new Map<
      string,
      { value: unknown; members: { provider: string; c: number }[]; order: number }
    >();
    answers.forEach((answer, order) => {
      const value = answer.fields[field];
      if (unknown(value)) {
        return;
      }
      const c = answer.confidence?.[field] ?? reliability[answer.provider] ?? DEFAULT_RELIABILITY;
      const key = comparable(field, value);
      const group = groups.get(key) ?? { value, members: [], order };
      group.members.push({ provider: answer.provider, c });
      groups.set(key, group);
    });
    let best: { value: unknown; provider: string; confidence: number; order: number } | null = null;
    for (const group of groups.values()) {
      const combined = Math.min(MAX_CONFIDENCE, 1 - group.members.reduce((p, m) => p * (1 - m.c), 1));
      const top = group.members.reduce((a, b) => (b.c > a.c ? b : a));
      if (!best || combined > best.confidence || (combined === best.confidence && group.order < best.order)) {
        best = { value: group.value, provider: top.provider, confidence: combined, order: group.order };
      }
    }
    merged.data[field] = best ? best.value : null;
    if (best) {
      merged.sources[field] = best.provider;
      merged.confidence[field] = round(best.confidence);
    }
  }
  return merged;
}
