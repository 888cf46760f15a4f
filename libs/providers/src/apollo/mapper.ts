import {
  normalizeCountry,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
  normalizePhoneParts,
  phoneCountryOf,
  type EmailVerdict,
  type Firmographics,
  type FoundPhone,
  type Person,
  type Seniority,
} from '@sluice/enrichment';
import { phonesOf } from '../phones/phone-provider';
import type { CountryCode } from 'libphonenumber-js';
import type { ApolloOrganization, ApolloPerson, ApolloPhoneNumber, ApolloWebhookResult } from './types';

const SENIORITIES: Record<string, Seniority> = {
  c_suite: 'c_suite',
  founder: 'c_suite',
  owner: 'c_suite',
  partner: 'c_suite',
  vp: 'vp',
  head: 'director',
  director: 'director',
  manager: 'manager',
  senior: 'senior',
  entry: 'entry',
  intern: 'entry',
};

function emailVerdict(status: string | null | undefined): EmailVerdict | null {
  if (!status) {
    return null;
  }
  return status === 'verified' ? 'valid' : status === 'unavailable' ? 'invalid' : 'unknown';
}

/** Apollo's person in Sluice's words; the organization's domain is the person's company domain. */
export function mapApolloPerson(person: ApolloPerson): Person {
  const email = person.email ? normalizeEmail(person.email) : null;
  const org = person.organization ?? null;
  return {
    firstName: person.first_name ?? null,
    lastName: person.last_name ?? null,
    fullName: person.name ?? null,
    title: person.title ?? null,
    seniority: person.seniority ? (SENIORITIES[person.seniority] ?? 'unknown') : null,
    department: person.departments?.[0] ?? null,
    linkedinUrl: person.linkedin_url ? normalizeLinkedinUrl(person.linkedin_url) : null,
    companyName: org?.name ?? null,
    companyDomain: org?.primary_domain ? normalizeDomain(org.primary_domain) : null,
    location:
      person.city || person.country
        ? {
            locality: person.city ?? null,
            region: person.state ?? null,
            country: normalizeCountry(person.country),
          }
        : null,
    emails: email
      ? [
          {
            email,
            kind: 'work',
            verdict: emailVerdict(person.email_status),
            confidence: person.email_status === 'verified' ? 0.95 : 0.6,
          },
        ]
      : [],
    phones: [],
  };
}

/**
 * The person's organization as firmographics: what a match returns with the person, and charges
 * for with them. Null without a primary domain, which is what a company question names.
 */
export function mapApolloOrganization(org: ApolloOrganization | null | undefined): Firmographics | null {
  const domain = org?.primary_domain ? normalizeDomain(org.primary_domain) : null;
  if (!org || !domain) {
    return null;
  }
  return {
    name: org.name ?? null,
    domain,
    industry: org.industry ?? null,
    employees: org.estimated_num_employees ?? null,
    revenueUsd: org.annual_revenue ?? null,
    technologies: org.technology_names ?? [],
    linkedinUrl: org.linkedin_url ?? null,
    phone:
      phonesOf([[org.primary_phone?.sanitized_number ?? org.primary_phone?.number, 'office']])[0]?.number ??
      null,
    location:
      org.city || org.state || org.country || org.postal_code
        ? {
            locality: org.city ?? null,
            region: org.state ?? null,
            postalCode: org.postal_code ?? null,
            country: normalizeCountry(org.country),
          }
        : null,
  };
}

/**
 * The extension of a revealed number: `sanitized_number` is E.164, which has none, so it is read
 * from `raw_number` (`(415) 555-0158 ext. 12`), in the country of the sanitized number since a raw
 * number is often written nationally.
 */
function extensionOf(phone: ApolloPhoneNumber): string | null {
  if (!phone.raw_number) {
    return null;
  }
  const country = phone.sanitized_number ? phoneCountryOf(phone.sanitized_number) : null;
  return normalizePhoneParts(phone.raw_number, (country ?? 'GB') as CountryCode)?.extension ?? null;
}

/** The phones of a phone reveal (webhook body or `webhook_result`), E.164 with their extensions. */
export function mapApolloPhones(result: ApolloWebhookResult): FoundPhone[] {
  return phonesOf(
    (result.webhook_result.people ?? []).flatMap((person) =>
      (person.phone_numbers ?? []).map(
        (phone) =>
          [
            phone.sanitized_number ?? phone.raw_number,
            phone.type_cd === 'mobile' ? 'mobile' : 'direct',
            extensionOf(phone),
          ] as const,
      ),
    ),
  );
}
