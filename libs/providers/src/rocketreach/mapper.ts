import {
  normalizeCountry,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
  normalizePhoneParts,
  type EmailVerdict,
  type Firmographics,
  type FoundEmail,
  type FoundPhone,
  type Person,
} from '@sluice/enrichment';
import { UNLIMITED_CREDITS, type CreditBalance } from '../port';
import { phonesOf } from '../phones/phone-provider';
import type {
  RocketReachAccount,
  RocketReachCompany,
  RocketReachEmail,
  RocketReachPhone,
  RocketReachProfile,
  RocketReachUniversalAccount,
} from './types';

const SMTP_VERDICTS: Record<string, EmailVerdict> = {
  valid: 'valid',
  invalid: 'invalid',
  'accept-all': 'catch_all',
  unknown: 'unknown',
};

function verdictOf(entry: RocketReachEmail): EmailVerdict | null {
  if (entry.smtp_valid) {
    return SMTP_VERDICTS[entry.smtp_valid] ?? 'unknown';
  }
  // The docs' own example still carries the older `valid: "true"` flag instead of `smtp_valid`.
  if (entry.valid === true || entry.valid === 'true') {
    return 'valid';
  }
  return entry.valid === false || entry.valid === 'false' ? 'invalid' : null;
}

/** RocketReach grades an address A (best) to F; the grade is the only confidence it gives. */
function confidenceOf(grade: string | null | undefined, verdict: EmailVerdict | null): number | null {
  if (grade?.startsWith('A')) {
    return grade === 'A' ? 0.95 : 0.9;
  }
  if (grade?.startsWith('B')) {
    return 0.7;
  }
  if (grade) {
    return 0.4;
  }
  return verdict === 'valid' ? 0.85 : null;
}

function emailOf(entry: RocketReachEmail): FoundEmail | null {
  const email = entry.email ? normalizeEmail(entry.email) : null;
  if (!email) {
    return null;
  }
  const verdict = verdictOf(entry);
  return {
    email,
    // Disposable and role-based addresses are still at the employer's domain: work, not personal.
    kind: entry.type === 'personal' ? 'personal' : 'work',
    verdict,
    confidence: confidenceOf(entry.grade, verdict),
  };
}

/** Unknown and older types (`professional`, `fax`, `null`) are kept as `unknown`, never rejected. */
function phoneKindOf(type: string | null | undefined): FoundPhone['kind'] {
  return type === 'mobile' ? 'mobile' : type === 'direct dial' ? 'direct' : 'unknown';
}

/**
 * `e164` has no room for an extension: RocketReach gives it in `extension`, and a `number` in
 * international format may carry it too (`+44 20 7946 0958 ext. 123`).
 */
function phonesOfProfile(phones: readonly RocketReachPhone[]): FoundPhone[] {
  return phonesOf(
    phones.map(
      (phone) =>
        [
          phone.e164 ?? phone.number,
          phoneKindOf(phone.type),
          phone.extension || (phone.number ? normalizePhoneParts(phone.number)?.extension : null),
        ] as const,
    ),
  );
}

function splitName(name: string | null | undefined): [string | null, string | null] {
  const parts = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  return parts.length >= 2 ? [parts[0], parts.slice(1).join(' ')] : [parts[0] ?? null, null];
}

/** A RocketReach profile in Sluice's words: work e-mails first, phones in E.164. */
export function mapRocketReachProfile(profile: RocketReachProfile): Person {
  const [firstName, lastName] = splitName(profile.name);
  const emails = (profile.emails ?? []).map(emailOf).filter((email): email is FoundEmail => email !== null);
  emails.sort((a, b) => Number(b.kind === 'work') - Number(a.kind === 'work'));
  const currentJob = profile.job_history?.find((job) => job.is_current) ?? null;
  return {
    firstName,
    lastName,
    fullName: profile.name ?? null,
    title: profile.current_title ?? null,
    seniority: null,
    department: currentJob?.department ?? null,
    linkedinUrl: profile.linkedin_url ? normalizeLinkedinUrl(profile.linkedin_url) : null,
    companyName: profile.current_employer ?? null,
    companyDomain: profile.current_employer_domain ? normalizeDomain(profile.current_employer_domain) : null,
    location:
      profile.city || profile.region || profile.country || profile.country_code
        ? {
            locality: profile.city ?? null,
            region: profile.region ?? null,
            country: normalizeCountry(profile.country_code) ?? normalizeCountry(profile.country),
          }
        : null,
    emails,
    phones: phonesOfProfile(profile.phones ?? []),
  };
}

/**
 * A company in Sluice's words. The lookup (OpenAPI `CompiledCompanyAPISerializerWithExtendedCompanyAttributes`)
 * nests its place in `address{city, region, postal_code, country_code}` and its LinkedIn page in
 * `links.linkedin`; search results carry `city`, `region`, `country_code` at the top level. Both
 * are read.
 */
export function mapRocketReachCompany(company: RocketReachCompany): Firmographics {
  const domain = company.domain ?? company.email_domain ?? company.website_domain ?? null;
  const city = company.city ?? company.address?.city ?? null;
  const region = company.region ?? company.address?.region ?? null;
  const countryCode = company.country_code ?? company.address?.country_code ?? null;
  const country = normalizeCountry(countryCode) ?? normalizeCountry(company.address?.country);
  const postalCode = company.address?.postal_code ?? null;
  return {
    name: company.name ?? null,
    domain: domain ? normalizeDomain(domain) : null,
    industry: company.industry ?? null,
    employees: company.num_employees ?? null,
    revenueUsd: company.revenue ?? null,
    technologies: company.techstack ?? [],
    linkedinUrl: company.linkedin_url ?? company.links?.linkedin ?? null,
    phone: phonesOf([[company.phone, 'office']])[0]?.number ?? null,
    location:
      city || region || countryCode || company.address?.country || postalCode
        ? { locality: city, region, postalCode, country }
        : null,
  };
}

/** `complete` is done, `failed` is a terminal miss; every other status means still running. */
export function lookupState(status: string): 'complete' | 'failed' | 'running' {
  return status === 'complete' ? 'complete' : status === 'failed' ? 'failed' : 'running';
}

/** `'inf'` (an unlimited plan) is {@link UNLIMITED_CREDITS}, as the port says. */
function countOf(value: number | 'inf'): number {
  return value === 'inf' ? UNLIMITED_CREDITS : Number(value);
}

/**
 * `credit_usage` first (the current schema; `'inf'` when unlimited), `lookup_credit_balance` as
 * the fallback existing integrations read. The pool Sluice spends is the first lookup credit type.
 */
export function accountBalance(account: RocketReachAccount): CreditBalance {
  const usage = (account.credit_usage ?? []).filter((entry) => countOf(entry.allocated) > 0);
  const details: Record<string, number> = {};
  for (const entry of usage) {
    details[entry.credit_type] = countOf(entry.remaining);
  }
  const lookup = usage.find((entry) => entry.credit_type.includes('lookup'));
  if (lookup) {
    return {
      remaining: countOf(lookup.remaining),
      limit: lookup.allocated === 'inf' ? null : Number(lookup.allocated),
      renewsAt: null,
      details,
    };
  }
  return {
    remaining: account.lookup_credit_balance ?? 0,
    limit: account.plan?.lookup_limit ?? null,
    renewsAt: null,
    details,
  };
}

/**
 * The Universal-credit pool, with what each action spent so far. An unlimited plan is read as on
 * the account endpoint (`'inf'`): the pool is unlimited and has no allowance.
 */
export function universalAccountBalance(account: RocketReachUniversalAccount): CreditBalance {
  const details: Record<string, number> = { credits_used: account.credit_usage.credits_used };
  for (const action of account.credit_usage_by_action ?? []) {
    details[action.credit_action] = action.credits_used;
  }
  const allocated = account.credit_usage.credits_allocated;
  return {
    remaining: countOf(account.credit_usage.credits_remaining),
    limit: allocated === 'inf' ? null : Number(allocated),
    renewsAt: null,
    details,
  };
}
