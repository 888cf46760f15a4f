import {
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
  type EmailVerdict,
  type Firmographics,
  type FoundEmail,
  type Person,
} from '@sluice/enrichment';
import { phonesOf } from '../phones/phone-provider';
import type { RocketReachCompany, RocketReachEmail, RocketReachProfile } from './types';

const SMTP_VERDICTS: Record<string, EmailVerdict> = {
  valid: 'valid',
  invalid: 'invalid',
  'accept-all': 'catch_all',
  unknown: 'unknown',
};

function emailOf(entry: RocketReachEmail): FoundEmail | null {
  const email = normalizeEmail(entry.email);
  if (!email) {
    return null;
  }
  const legacy =
    entry.valid === true || entry.valid === 'true'
      ? 'valid'
      : entry.valid === false || entry.valid === 'false'
        ? 'invalid'
        : null;
  const verdict = entry.smtp_valid ? (SMTP_VERDICTS[entry.smtp_valid] ?? 'unknown') : legacy;
  const grade = entry.grade ?? '';
  return {
    email,
    kind: entry.type === 'personal' ? 'personal' : 'work',
    verdict,
    confidence: grade.startsWith('A') ? 0.9 : grade.startsWith('B') ? 0.7 : verdict === 'valid' ? 0.85 : null,
  };
}

function splitName(name: string | null | undefined): [string | null, string | null] {
  const parts = name?.trim().split(/\s+/) ?? [];
  return parts.length >= 2 ? [parts[0], parts.slice(1).join(' ')] : [parts[0] ?? null, null];
}

/** A RocketReach profile in Sluice's words: professional e-mails first, phones in E.164. */
export function mapRocketReachProfile(profile: RocketReachProfile): Person {
  const [firstName, lastName] = splitName(profile.name);
  const emails = (profile.emails ?? []).map(emailOf).filter((email): email is FoundEmail => email !== null);
  emails.sort((a, b) => Number(b.kind === 'work') - Number(a.kind === 'work'));
  const phones = phonesOf(
    (profile.phones ?? []).map(
      (phone) =>
        [
          phone.e164 ?? phone.number,
          phone.type === 'mobile' ? 'mobile' : phone.type === 'direct dial' ? 'direct' : 'unknown',
        ] as const,
    ),
  );
  return {
    firstName,
    lastName,
    fullName: profile.name ?? null,
    title: profile.current_title ?? null,
    seniority: null,
    department: null,
    linkedinUrl: profile.linkedin_url ? normalizeLinkedinUrl(profile.linkedin_url) : null,
    companyName: profile.current_employer ?? null,
    companyDomain: profile.current_employer_domain ? normalizeDomain(profile.current_employer_domain) : null,
    location:
      profile.city || profile.country
        ? { locality: profile.city ?? null, region: profile.region ?? null, country: profile.country ?? null }
        : null,
    emails,
    phones,
  };
}

export function mapRocketReachCompany(company: RocketReachCompany): Firmographics {
  const domain = company.domain ?? company.email_domain ?? company.website_domain ?? null;
  return {
    name: company.name ?? null,
    domain: domain ? normalizeDomain(domain) : null,
    industry: company.industry ?? null,
    employees: company.num_employees ?? null,
    revenueUsd: company.revenue ?? null,
    technologies: company.techstack ?? [],
    linkedinUrl: company.linkedin_url ?? null,
    phone: phonesOf([[company.phone, 'office']])[0]?.number ?? null,
    location:
      company.city || company.country_code
        ? {
            locality: company.city ?? null,
            region: company.region ?? null,
            country: company.country_code ?? null,
          }
        : null,
  };
}

/** `complete` is done, `failed` is a terminal miss; every other status means still running. */
export function lookupState(status: string): 'complete' | 'failed' | 'running' {
  return status === 'complete' ? 'complete' : status === 'failed' ? 'failed' : 'running';
}
