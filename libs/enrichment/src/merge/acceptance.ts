import { parsePhoneNumberFromString, type PhoneNumberType } from 'libphonenumber-js/max';
import { normalizeDomain, normalizePhone, phoneKindOf } from '../normalize/contact';
import type { FoundEmail, FoundPhone } from '../records/person';

/**
 * Whether an e-mail goal accepts a found address: never an invalid one; a catch-all (the domain
 * accepts every address, so nothing is proven) only when the request allows it; `valid`, `risky`,
 * `unknown` and no verdict at all are accepted.
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
 * The work address of a profile that an e-mail goal accepts (see {@link acceptEmail}): the first one
 * at the domain the request named, when it named one and the profile has one there, else the first
 * accepted one; null when none is. A profile may list several work addresses (a former employer's,
 * or one graded invalid before a valid one): the first listed is not always the one to take.
 */
export function acceptedWorkEmail(
  emails: readonly FoundEmail[],
  opts: { acceptCatchAll: boolean; domain?: string | null },
): FoundEmail | null {
  const accepted = emails.filter((email) => email.kind === 'work' && acceptEmail(email, opts).accepted);
  const domain = opts.domain ? normalizeDomain(opts.domain) : null;
  const atDomain = domain ? accepted.find((email) => normalizeDomain(email.email) === domain) : undefined;
  return atDomain ?? accepted[0] ?? null;
}

/** Whether `value` is already a valid number written in E.164 (`+` and digits, nothing else). */
function isE164(value: unknown): value is string {
  return typeof value === 'string' && /^\+[1-9]\d{1,14}$/.test(value) && normalizePhone(value) === value;
}

/** Number types the plan gives that are certainly not a mobile (nor a landline), as a reason names them. */
const NOT_MOBILE: ReadonlyMap<PhoneNumberType, string> = new Map<PhoneNumberType, string>([
  ['TOLL_FREE', 'toll-free number'],
  ['PREMIUM_RATE', 'premium-rate number'],
  ['SHARED_COST', 'shared-cost number'],
  ['VOIP', 'VoIP number'],
  ['PERSONAL_NUMBER', 'personal number'],
  ['PAGER', 'pager'],
  ['UAN', 'universal access number'],
  ['VOICEMAIL', 'voicemail number'],
]);

/**
 * The numbers a phone goal accepts, in order, and the others with why.
 *
 * Numbers that are not valid E.164 are never accepted. `any` accepts every other number. `mobile`
 * never accepts a landline, whatever the provider calls it: the numbering plan (libphonenumber) has
 * the last word. So it rejects any number the plan calls a landline (including one the provider
 * labelled `mobile`), an `office` or `direct` line unless the plan says it is a mobile, and a number
 * the plan says is a service number (toll-free, premium rate, VoIP, personal, pager, …). A `mobile`
 * or `unknown` number the plan says is a mobile, or cannot place (e.g. North American numbers,
 * which may be either), is accepted.
 */
export function acceptPhones(
  phones: readonly FoundPhone[],
  goal: 'mobile' | 'any',
): { accepted: FoundPhone[]; rejected: { phone: FoundPhone; reason: string }[] } {
  const accepted: FoundPhone[] = [];
  const rejected: { phone: FoundPhone; reason: string }[] = [];
  for (const phone of phones) {
    if (!isE164(phone.number)) {
      rejected.push({ phone, reason: 'not a valid E.164 number' });
      continue;
    }
    if (goal === 'mobile') {
      const line = phoneKindOf(phone.number);
      if (line === 'landline') {
        rejected.push({
          phone,
          reason: phone.kind === 'mobile' ? 'landline (the provider called it mobile)' : 'landline',
        });
        continue;
      }
      if ((phone.kind === 'office' || phone.kind === 'direct') && line !== 'mobile') {
        rejected.push({ phone, reason: `${phone.kind} line, not a mobile` });
        continue;
      }
      const type = parsePhoneNumberFromString(phone.number)?.getType();
      const service = type === undefined ? undefined : NOT_MOBILE.get(type);
      if (service) {
        rejected.push({ phone, reason: `${service}, not a mobile` });
        continue;
      }
    }
    accepted.push(phone);
  }
  return { accepted, rejected };
}
