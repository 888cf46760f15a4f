import type { Address } from './company';

/** An e-mail deliverability verdict, the same whichever verifier or finder gave it. */
export type EmailVerdict = 'valid' | 'invalid' | 'catch_all' | 'risky' | 'unknown';
export const EMAIL_VERDICTS: readonly EmailVerdict[] = ['valid', 'invalid', 'catch_all', 'risky', 'unknown'];

export type EmailKind = 'work' | 'personal';

/** An e-mail address a provider found, normalised (lower-case, trimmed). */
export interface FoundEmail {
  email: string;
  kind: EmailKind;
  /** The provider's own deliverability verdict, mapped; `null` when it gave none. */
  verdict: EmailVerdict | null;
  /** 0..1, the provider's confidence scaled; `null` when it gave none. */
  confidence: number | null;
}

export type PhoneKind = 'mobile' | 'direct' | 'office' | 'unknown';

/** A phone number a provider found, in E.164 (`+447700900123`). */
export interface FoundPhone {
  number: string;
  /**
   * The extension dialled after `number` (digits, `123`), which E.164 has no room for; `null` when
   * the provider gave none. Answers stored before extensions were kept have none (read as `null`).
   */
  extension: string | null;
  kind: PhoneKind;
  /** ISO 3166-1 alpha-2 country of the number, when known. */
  country: string | null;
}

/** Seniority buckets, the same for every provider. */
export type Seniority = 'c_suite' | 'vp' | 'director' | 'manager' | 'senior' | 'entry' | 'unknown';

/**
 * A person as Sluice knows them, whichever provider answered. Every field a provider did not give
 * is `null` (or empty), so merging answers from several providers never mistakes "unknown" for "none".
 */
export interface Person {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  title: string | null;
  seniority: Seniority | null;
  department: string | null;
  linkedinUrl: string | null;
  companyName: string | null;
  companyDomain: string | null;
  location: Pick<Address, 'locality' | 'region' | 'country'> | null;
  emails: FoundEmail[];
  phones: FoundPhone[];
}

/**
 * The identifiers a caller gives to find a person (canonical input names, see DESIGN.md), already
 * normalised. At least one usable combination is required by each capability.
 */
export interface PersonQuery {
  firstName?: string;
  lastName?: string;
  fullName?: string;
  email?: string;
  domain?: string;
  companyName?: string;
  linkedinUrl?: string;
  phone?: string;
}

/** Company facts beyond the register: what B2B data providers sell. */
export interface Firmographics {
  name: string | null;
  domain: string | null;
  industry: string | null;
  employees: number | null;
  /** Annual revenue in USD. */
  revenueUsd: number | null;
  technologies: string[];
  linkedinUrl: string | null;
  phone: string | null;
  /** Its head office; `postalCode` may be absent from an answer stored before it was kept. */
  location: (Pick<Address, 'locality' | 'region' | 'country'> & { postalCode?: string | null }) | null;
}

/** A company officer (director, secretary, LLP member), current or resigned. */
export interface CompanyOfficer {
  /** As the register prints it (`SMITH, Jane Anne` for people). */
  name: string;
  firstName: string | null;
  lastName: string | null;
  kind: 'individual' | 'corporate';
  role: string;
  /** ISO dates. */
  appointedOn: string | null;
  resignedOn: string | null;
  /** Not resigned. */
  active: boolean;
  /** The register's id for the officer, when it gives one. */
  officerId: string | null;
}
