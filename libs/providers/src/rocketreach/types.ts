/** RocketReach API v2 shapes (provider-apis.md §1): the fields Sluice reads; the rest stays raw. */

/**
 * Identifies one person, as `/person/lookup`, `/profile-company/lookup` and each bulk query take it:
 * an id, a LinkedIn URL, an e-mail, a phone, an NPI number, or a name together with the current
 * employer; `title` only narrows a name search.
 */
export interface RocketReachPersonMatch {
  id?: number;
  linkedin_url?: string;
  email?: string;
  /** E.164 or international format. */
  phone?: string;
  npi_number?: string;
  name?: string;
  current_employer?: string;
  title?: string;
}

/** `standard`, `premium`, `premium (feeds disabled)`, `bulk`, `phone` or `enrich`. */
export type RocketReachLookupType =
  'standard' | 'premium' | 'premium (feeds disabled)' | 'bulk' | 'phone' | 'enrich';

/** What a Universal-credit lookup reveals (each revealed kind is paid for; all default to false). */
export interface RocketReachReveal {
  professionalEmail?: boolean;
  personalEmail?: boolean;
  phone?: boolean;
  detailedPersonEnrichment?: boolean;
  healthcareEnrichment?: boolean;
}

/** Search facets: each facet takes a list of values; an `exclude_` prefix negates it. */
export type RocketReachSearchQuery = Record<string, readonly string[]>;

export interface RocketReachSearchPage {
  /** @defaultValue 1 */
  start?: number;
  /** @defaultValue 10 */
  pageSize?: number;
  orderBy?: 'relevance' | 'popularity' | 'score';
}

export interface RocketReachEmail {
  email: string;
  /** `valid|invalid|accept-all|unknown`. */
  smtp_valid?: string | null;
  /** Older answers (and the docs' example): `"true"`/`"false"`. */
  valid?: string | boolean | null;
  /** `personal|professional|disposable|role-based`. */
  type?: string | null;
  grade?: string | null;
  last_validation_check?: string | null;
}

export interface RocketReachPhone {
  /** International format. */
  number?: string | null;
  e164?: string | null;
  country_code?: string | null;
  extension?: string | null;
  /** `mobile|direct dial|other`; older answers `professional`, `fax`, `null`. */
  type?: string | null;
  grade?: string | null;
  recommended?: boolean | null;
}

export interface RocketReachJob {
  title?: string | null;
  company_name?: string | null;
  department?: string | null;
  sub_department?: string | null;
  highest_level?: string | null;
  is_current?: boolean | null;
}

/** What a search result says about contact data it does not give away. */
export interface RocketReachTeaser {
  emails?: string[];
  professional_emails?: string[];
  personal_emails?: string[];
  phones?: unknown[];
  office_phones?: unknown[];
  is_premium_phone_available?: boolean;
  preview?: string[];
}

export interface RocketReachProfile {
  id: number;
  /** `complete`, `failed`, or still running (`searching`, `progress`, `waiting`, `queued`, `not queued`). */
  status: string;
  name?: string | null;
  linkedin_url?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
  country_code?: string | null;
  current_title?: string | null;
  current_employer?: string | null;
  current_employer_id?: number | null;
  current_employer_domain?: string | null;
  current_employer_website?: string | null;
  recommended_email?: string | null;
  recommended_professional_email?: string | null;
  recommended_personal_email?: string | null;
  emails?: RocketReachEmail[] | null;
  phones?: RocketReachPhone[] | null;
  job_history?: RocketReachJob[] | null;
  /** Search results only. */
  teaser?: RocketReachTeaser | null;
  /** Added to webhook deliveries. */
  profile_list?: { id: number; name: string } | null;
  /** `/profile-company/lookup` only. */
  company?: RocketReachCompany | null;
  metadata?: Record<string, unknown> | null;
}

export interface RocketReachCompany {
  id: number;
  name: string;
  domain?: string | null;
  email_domain?: string | null;
  website_domain?: string | null;
  industry?: string | null;
  num_employees?: number | null;
  revenue?: number | null;
  /** Search results and older answers; the lookup gives `links.linkedin`. */
  linkedin_url?: string | null;
  /** `GET /company/lookup/` (OpenAPI `CompiledCompanyAPI…`): social links, LinkedIn among them. */
  links?: { linkedin?: string | null; facebook?: string | null; twitter?: string | null } | null;
  phone?: string | null;
  /** Search results (`CompiledCompanyPublicDetails`) carry the place at the top level… */
  city?: string | null;
  region?: string | null;
  country_code?: string | null;
  /** …the lookup nests it in `address` (OpenAPI `CompiledCompanyAddress`). */
  address?: {
    street?: string | null;
    city?: string | null;
    region?: string | null;
    postal_code?: string | null;
    country?: string | null;
    country_code?: string | null;
  } | null;
  techstack?: string[] | null;
}

export interface RocketReachPagination {
  start: number;
  next: number | null;
  total: number;
}

export interface RocketReachPeopleSearch {
  profiles: RocketReachProfile[];
  pagination: RocketReachPagination;
}

export interface RocketReachCompanySearch {
  companies: RocketReachCompany[];
  pagination: RocketReachPagination;
}

export interface RocketReachCreditUsage {
  credit_type: string;
  /** The string `'inf'` when unlimited, although the schema types it integer. */
  allocated: number | 'inf';
  used: number;
  remaining: number | 'inf';
}

export interface RocketReachRateLimitUsage {
  action: string;
  duration: string;
  limit: number;
  used: number;
  remaining: number;
}

export interface RocketReachAccount {
  id: number;
  state?: string;
  credit_usage?: RocketReachCreditUsage[];
  rate_limits?: RocketReachRateLimitUsage[];
  /** Legacy field, still read by existing integrations. */
  lookup_credit_balance?: number;
  plan?: { id: number; name: string; lookup_limit?: number };
}

export interface RocketReachUniversalAccount {
  credit_usage: {
    /** Read like the account's `credit_usage`: the string `'inf'` on an unlimited plan. */
    credits_allocated: number | 'inf';
    credits_used: number;
    credits_remaining: number | 'inf';
    last_synced?: string;
  };
  credit_usage_by_action?: {
    credit_action: string;
    attempted_count: number;
    succeeded_count: number;
    credits_used: number;
  }[];
  plan?: { id: number; name: string; lookup_limit?: number; export_limit?: number };
  rate_limits?: RocketReachRateLimitUsage[];
}
