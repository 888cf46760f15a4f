import type { Firmographics, FoundEmail, FoundPhone, Person } from '../records/person';
import { phoneKindOf } from '../normalize/contact';

/** The fields `POST /v1/enrich` and results speak, in one fixed list. */
export const ENRICH_FIELDS = [
  'first_name',
  'last_name',
  'full_name',
  'title',
  'seniority',
  'department',
  'company_name',
  'company_domain',
  'industry',
  'company_size',
  'company_revenue',
  'technologies',
  'location',
  'city',
  'state',
  'country',
  'zip_code',
  'linkedin_url',
  'phone',
  'mobile_phone',
  'business_email',
  'personal_email',
  'email_status',
] as const;
export type EnrichField = (typeof ENRICH_FIELDS)[number];

function joined(...parts: (string | null | undefined)[]): string | null {
  const present = parts.filter((p): p is string => Boolean(p));
  return present.length > 0 ? present.join(', ') : null;
}

export function emailFields(email: FoundEmail): Record<string, unknown> {
  return email.kind === 'personal'
    ? { personal_email: email.email, email_status: email.verdict }
    : { business_email: email.email, email_status: email.verdict };
}

export function phoneFields(phones: readonly FoundPhone[]): Record<string, unknown> {
  const mobile = phones.find((p) => p.kind === 'mobile' && phoneKindOf(p.number) !== 'landline');
  return { phone: phones[0]?.number ?? null, mobile_phone: mobile?.number ?? null };
}

export function personFields(person: Person): Record<string, unknown> {
  const work = person.emails.find((e) => e.kind === 'work');
  const personal = person.emails.find((e) => e.kind === 'personal');
  return {
    first_name: person.firstName,
    last_name: person.lastName,
    full_name: person.fullName,
    title: person.title,
    seniority: person.seniority,
    department: person.department,
    company_name: person.companyName,
    company_domain: person.companyDomain,
    linkedin_url: person.linkedinUrl,
    location: joined(person.location?.locality, person.location?.region, person.location?.country),
    city: person.location?.locality ?? null,
    state: person.location?.region ?? null,
    country: person.location?.country ?? null,
    business_email: work?.email ?? null,
    personal_email: personal?.email ?? null,
    email_status: work?.verdict ?? null,
    ...phoneFields(person.phones),
  };
}

export function firmographicsFields(firm: Firmographics): Record<string, unknown> {
  return {
    company_name: firm.name,
    company_domain: firm.domain,
    industry: firm.industry,
    company_size: firm.employees,
    company_revenue: firm.revenueUsd,
    technologies: firm.technologies,
    linkedin_url: firm.linkedinUrl,
    city: firm.location?.locality ?? null,
    state: firm.location?.region ?? null,
    country: firm.location?.country ?? null,
  };
}
