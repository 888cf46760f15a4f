import type { Address } from '../records/company';
import type { Firmographics, FoundEmail, FoundPhone, Person } from '../records/person';
import { phoneKindOf } from '../normalize/contact';
import { normalizeCountry } from '../normalize/country';
import { acceptPhones } from './acceptance';

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
  'phone_extension',
  'mobile_phone',
  'business_email',
  'personal_email',
  'email_status',
] as const;
export type EnrichField = (typeof ENRICH_FIELDS)[number];

/** The present parts joined with `, `, or `null` when none is. */
function joined(...parts: (string | null | undefined)[]): string | null {
  const present = parts.map((p) => p?.trim()).filter((p): p is string => Boolean(p));
  return present.length > 0 ? present.join(', ') : null;
}

type Place = Pick<Address, 'locality' | 'region' | 'country'> | null;

/**
 * `country` as its ISO code: adapters write it so, and an answer stored before they did (a name, as
 * its provider wrote it) reads the same.
 */
function placeFields(place: Place): Record<string, unknown> {
  const country = normalizeCountry(place?.country);
  return {
    location: joined(place?.locality, place?.region, country),
    city: place?.locality ?? null,
    state: place?.region ?? null,
    country,
  };
}

/** One found e-mail: `business_email` or `personal_email` by its kind, and its verdict as `email_status`. */
export function emailFields(email: FoundEmail): Record<string, unknown> {
  return email.kind === 'personal'
    ? { personal_email: email.email, email_status: email.verdict }
    : { business_email: email.email, email_status: email.verdict };
}

/**
 * The confidence the provider gave the address of {@link emailFields}, under its field; empty when
 * it gave none (the merge then applies the provider's reliability).
 */
export function emailConfidence(email: FoundEmail): Record<string, number> {
  if (email.confidence === null) {
    return {};
  }
  return { [email.kind === 'personal' ? 'personal_email' : 'business_email']: email.confidence };
}

/**
 * `phone` is the first number of any kind (E.164) and `phone_extension` its extension;
 * `mobile_phone` the first that is a mobile: one the numbering plan calls mobile, or one the
 * provider calls mobile that a mobile goal accepts (so never a landline or a service number, see
 * {@link acceptPhones}).
 */
export function phoneFields(phones: readonly FoundPhone[]): Record<string, unknown> {
  const mobile = phones.find(
    (p) =>
      phoneKindOf(p.number) === 'mobile' ||
      (p.kind === 'mobile' && acceptPhones([p], 'mobile').accepted.length > 0),
  );
  return {
    phone: phones[0]?.number ?? null,
    // An answer stored before extensions were kept has none.
    phone_extension: phones[0]?.extension ?? null,
    mobile_phone: mobile?.number ?? null,
  };
}

/**
 * A person by API field name. `business_email` is the first work e-mail and `email_status` its
 * verdict; `personal_email` the first personal one; `location` is "city, region, country".
 */
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
    ...placeFields(person.location),
    business_email: work?.email ?? null,
    personal_email: personal?.email ?? null,
    email_status: work?.verdict ?? null,
    ...phoneFields(person.phones),
  };
}

/**
 * The confidence the provider gave the fields of {@link personFields}, where it gave one: the
 * addresses it picks (the first work and the first personal one).
 */
export function personConfidence(person: Person): Record<string, number> {
  const work = person.emails.find((e) => e.kind === 'work');
  const personal = person.emails.find((e) => e.kind === 'personal');
  return {
    ...(work ? emailConfidence(work) : {}),
    ...(personal ? emailConfidence(personal) : {}),
  };
}

/**
 * A company's firmographics by API field name; `company_size` is its head count. Only the company's
 * fields: `linkedin_url`, `phone` and the place fields are the person's (the gateway asks a person's
 * identifiers for them), so the company's LinkedIn page, switchboard and head office answer none of
 * them, nor outvote a profile's.
 */
export function firmographicsFields(firm: Firmographics): Record<string, unknown> {
  return {
    company_name: firm.name,
    company_domain: firm.domain,
    industry: firm.industry,
    company_size: firm.employees,
    company_revenue: firm.revenueUsd,
    technologies: firm.technologies,
    zip_code: firm.location?.postalCode ?? null,
  };
}
