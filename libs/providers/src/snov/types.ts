/** Snov.io's raw API shapes (provider-apis.md §2), as documented; every field optional where Snov.io may leave it out. */

export interface SnovTokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface SnovBalanceResponse {
  success: boolean;
  data: {
    /** A decimal string, e.g. `"25000.00"`. */
    balance: string;
    teamwork?: boolean;
    unique_recipients_used?: number;
    /** Days until the plan's limit resets. */
    limit_resets_in?: number;
    /** Days until the plan expires. */
    expires_in?: number;
  };
}

export interface SnovDomainSearchStartResponse {
  data: unknown[];
  meta: { domain: string; task_hash: string };
  links: { result: string };
}

export interface SnovDomainSearchData {
  company_name?: string | null;
  city?: string | null;
  founded?: string | null;
  website?: string | null;
  hq_phone?: string | null;
  industry?: string | null;
  size?: string | null;
  related_domains?: string[];
}

export interface SnovDomainSearchResult {
  /** An object when the search found the company, an empty list while in progress or when nothing was found. */
  data: SnovDomainSearchData | unknown[];
  meta: {
    domain?: string;
    task_hash: string;
    prospects_count?: number;
    emails_count?: number;
    generic_contacts_count?: number;
  };
  links?: Record<string, string>;
  /** `completed`, `in progress`, or `not_enough_credits`. */
  status: string;
}

export interface SnovFinderRow {
  first_name: string;
  last_name: string;
  domain: string;
}

export interface SnovEmailFinderStartResponse {
  data: { task_hash: string };
  meta: { rows: SnovFinderRow[] };
}

export interface SnovFoundEmail {
  email: string;
  /** `valid` or `unknown`. */
  smtp_status: string;
  is_valid_format?: boolean;
  is_disposable?: boolean;
  is_webmail?: boolean;
  is_gibberish?: boolean;
  /** `banned`, `catchall`, `connection_error`, `greylist`. */
  unknown_status_reason?: string;
}

export interface SnovEmailFinderResult {
  /** `completed`, `in_progress`, or `not_enough_credits`. */
  status: string;
  data: { people: string; result: SnovFoundEmail[] }[];
  meta: { rows?: SnovFinderRow[]; task_hash: string };
}
