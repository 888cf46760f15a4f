import { normalizeDomain, normalizeEmail, normalizeLinkedinUrl, normalizePhone } from '../normalize/contact';

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

/** Confidence of a provider that gave none and has no configured reliability. */
export const DEFAULT_RELIABILITY = 0.7;
/** Agreement never makes a value certain. */
export const MAX_CONFIDENCE = 0.99;
/** Combined confidences closer than this are a tie (floating-point products rarely compare equal). */
const TIE = 1e-9;

function isUnknown(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

const fold = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The form two values of a field are compared in: e-mails, domains, phones and LinkedIn URLs through
 * their normalisers, other strings (and numbers, so `250` agrees with `'250'`) trimmed and
 * lower-cased, lists as sets, objects by their sorted entries.
 */
function comparable(field: string, value: unknown): string {
  if (typeof value === 'string') {
    let normal: string | null = null;
    if (field === 'email' || field.endsWith('_email')) {
      normal = normalizeEmail(value);
    } else if (field === 'domain' || field.endsWith('_domain')) {
      normal = normalizeDomain(value);
    } else if (field === 'phone' || field.endsWith('_phone')) {
      normal = normalizePhone(value);
    } else if (field === 'linkedin_url' || field.endsWith('_linkedin_url')) {
      normal = normalizeLinkedinUrl(value);
    }
    return `s:${normal ?? fold(value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `s:${String(value)}`;
  }
  if (Array.isArray(value)) {
    return `a:${JSON.stringify([...new Set(value.map((item) => comparable(field, item)))].sort())}`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, comparable(k, v)]);
    return `o:${JSON.stringify(entries)}`;
  }
  return `x:${String(value)}`;
}

/** A probability in 0..1, or `null` when `value` is not a number. */
function probability(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null;
}

const round = (n: number): number => Math.round(n * 100) / 100;

interface Member {
  answer: ProviderAnswer;
  value: unknown;
  c: number;
}

/**
 * Fields that only qualify another (`phone_extension` is the extension of `phone`): not merged on
 * their own, which could pair one provider's number with another's extension, but taken from the
 * answers whose value of the other field won.
 */
const COMPANIONS: Readonly<Record<string, string>> = { phone_extension: 'phone' };

/** The witnesses of `field` whose value won, with their combined confidence and top member; null when none knows it. */
function winningGroup(
  answers: readonly ProviderAnswer[],
  field: string,
  reliability: Readonly<Record<string, number>>,
): { members: Member[]; top: Member; confidence: number } | null {
  const groups = new Map<string, Member[]>();
  for (const answer of answers) {
    const value = answer.fields[field];
    if (isUnknown(value)) {
      continue;
    }
    const c =
      probability(answer.confidence?.[field]) ??
      probability(reliability[answer.provider]) ??
      DEFAULT_RELIABILITY;
    const key = comparable(field, value);
    const group = groups.get(key) ?? [];
    group.push({ answer, value, c });
    groups.set(key, group);
  }
  // Map iteration follows insertion, so groups come in the order their first member answered.
  let best: { members: Member[]; top: Member; confidence: number } | null = null;
  for (const members of groups.values()) {
    const combined = Math.min(MAX_CONFIDENCE, 1 - members.reduce((p, m) => p * (1 - m.c), 1));
    if (!best || combined > best.confidence + TIE) {
      const top = members.reduce((a, b) => (b.c > a.c ? b : a));
      best = { members, top, confidence: combined };
    }
  }
  return best;
}

/**
 * A companion field (see {@link COMPANIONS}) from the answers that won its field: the top member's
 * value, else the first other member's that knows it. So two answers with the same number, one
 * with an extension and one without, give the extension; two with different extensions give the
 * top member's. Its confidence is the winning group's.
 */
function companionOf(
  answers: readonly ProviderAnswer[],
  field: string,
  of: string,
  reliability: Readonly<Record<string, number>>,
): { member: Member; confidence: number } | null {
  const group = winningGroup(answers, of, reliability);
  if (!group) {
    return null;
  }
  const witness = [group.top, ...group.members.filter((m) => m !== group.top)].find(
    (m) => !isUnknown(m.answer.fields[field]),
  );
  return witness
    ? { member: { ...witness, value: witness.answer.fields[field] }, confidence: group.confidence }
    : null;
}

/**
 * Merges answers field by field.
 *
 * Each answer that knows a field is a witness with confidence: the answer's own per-field confidence,
 * else `reliability[provider]`, else {@link DEFAULT_RELIABILITY} (clamped to 0..1). Witnesses whose
 * values agree once normalised (e-mails, domains, phones and LinkedIn URLs by their normalisers, other
 * strings trimmed and lower-cased) form a group, whose confidence is 1 − Π(1 − cᵢ) capped at
 * {@link MAX_CONFIDENCE}, as independent witnesses would give. The group with the highest combined
 * confidence wins (a tie goes to the group whose first member answered earlier). Its source is its
 * member with the highest own confidence (earlier on a tie), and the value is that member's, as
 * written. Confidences are rounded to 2 decimals. A companion field (`phone_extension`) is not
 * merged on its own but taken from the answers whose value of its field won (see {@link companionOf}).
 *
 * Every requested field is in `data`, `null` when no answer knows it (and then has no source or
 * confidence). With `requested` null, the fields are those any answer knows, in order of appearance.
 */
export function mergeAnswers(
  answers: readonly ProviderAnswer[],
  requested: readonly string[] | null,
  reliability: Readonly<Record<string, number>> = {},
): Merged {
  const fields = [
    ...new Set(
      requested ?? answers.flatMap((a) => Object.keys(a.fields).filter((f) => !isUnknown(a.fields[f]))),
    ),
  ];
  const merged: Merged = { data: {}, sources: {}, confidence: {} };
  for (const field of fields) {
    const of = Object.hasOwn(COMPANIONS, field) ? COMPANIONS[field] : null;
    const group = of ? null : winningGroup(answers, field, reliability);
    const best = of
      ? companionOf(answers, field, of, reliability)
      : group && { member: group.top, confidence: group.confidence };
    merged.data[field] = best ? best.member.value : null;
    if (best) {
      merged.sources[field] = best.member.answer.provider;
      merged.confidence[field] = round(best.confidence);
    }
  }
  return merged;
}
