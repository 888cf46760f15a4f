import { normalizePhone, phoneKindOf } from '../normalize/contact';
import type { FoundEmail, FoundPhone } from '../records/person';

/**
 * Whether an e-mail goal accepts a found address: never an invalid one; a catch-all (the domain
 * accepts every address, so nothing is proven) only when the request allows it.
 */
export function acceptEmail(
  found: FoundEmail,
  opts: { acceptCatchAll: boolean },
): { accepted: boolean; reason: string | null } {
  if (found.verdict === 'invalid') {
    return { accepted: false, reason: 'invalid' };
  }
  if (found.verdict === 'catch_all' && !opts.acceptCatchAll) {
    return { accepted: false, reason: 'catch_all' };
  }
  return { accepted: true, reason: null };
}

/**
 * The numbers a phone goal accepts. A mobile goal never accepts a landline: whatever the provider
 * calls a number, the numbering plan (libphonenumber) has the last word. Numbers that are not
 * valid E.164 are never accepted.
 */
export function acceptPhones(
  phones: readonly FoundPhone[],
  goal: 'mobile' | 'any',
): { accepted: FoundPhone[]; rejected: { phone: FoundPhone; reason: string }[] } {
  const accepted: FoundPhone[] = [];
  const rejected: { phone: FoundPhone; reason: string }[] = [];
  for (const phone of phones) {
    if (normalizePhone(phone.number) !== phone.number) {
      rejected.push({ phone, reason: 'not a valid E.164 number' });
      continue;
    }
    if (goal === 'mobile') {
      const line = phoneKindOf(phone.number);
      if (line === 'landline' || (line === 'unknown' && phone.kind !== 'mobile')) {
        rejected.push({ phone, reason: 'landline' });
        continue;
      }
    }
    accepted.push(phone);
  }
  return { accepted, rejected };
}
