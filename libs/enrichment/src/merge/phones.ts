import type { FoundPhone } from '../records/person';

/**
 * The numbers once each, in order: a number found twice (two entries of one answer, or the same
 * number from two answers) is one phone, its first entry, with the first extension any entry
 * gives. A number with an extension says more than the bare number (often the switchboard the
 * extension is dialled from), so an entry without one never drops it; of two different extensions
 * the first listed (the provider's own order, or the earlier answer) is kept.
 */
export function distinctPhones(phones: readonly FoundPhone[]): FoundPhone[] {
  const found = new Map<string, FoundPhone>();
  for (const phone of phones) {
    const extension = phone.extension ?? null;
    const seen = found.get(phone.number);
    if (!seen) {
      found.set(phone.number, { ...phone, extension });
    } else if (seen.extension === null && extension !== null) {
      found.set(phone.number, { ...seen, extension });
    }
  }
  return [...found.values()];
}
