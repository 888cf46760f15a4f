/** RocketReach API v2 shapes (provider-apis.md §1): the fields Sluice reads; the rest stays raw. */
export interface RocketReachEmail {
  email: string;
  /** `valid|invalid|accept-all|unknown`. */
  smtp_valid?: string | null;
  /** Older answers: `"true"`/`"false"`. */
  valid?: string | boolean | null;
  /** `personal|professional|disposable|role-based`. */
  type?: string | null;
  grade?: string | null;
}

export interface RocketReachPhone {
  number?: string | null;
  e164?: string | null;
  /** `mobile|direct dial|other`; older answers `professional`, `fax`, `null`. */
  type?: string | null;
  grade?: string | null;
  recommended?: boolean | null;
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
  current_title?: string | null;
  current_employer?: string | null;
  current_employer_domain?: string | null;
  emails?: RocketReachEmail[] | null;
  phones?: RocketReachPhone[] | null;
  profile_list?: { id: number; name: string } | null;
  company?: Record<string, unknown> | null;
}

export interface RocketReachCreditUsage {
  credit_type: string;
  allocated: number | 'inf';
  used: number;
  remaining: number | 'inf';
}

export interface RocketReachAccount {
  id: number;
  credit_usage?: RocketReachCreditUsage[];
  rate_limits?: { action: string; duration: string; limit: number; used: number; remaining: number }[];
  /** Legacy field, still read by existing integrations. */
  lookup_credit_balance?: number;
  plan?: { id: number; name: string; lookup_limit?: number };
}

export interface RocketReachUniversalAccount {
  credit_usage: {
    credits_allocated: number;
    credits_used: number;
    credits_remaining: number;
    last_synced?: string;
  };
  plan?: { id: number; name: string };
}

export interface RocketReachSearchResponse<T> {
  profiles?: T[];
  companies?: T[];
  pagination: { start: number; next: number | null; total: number };
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
  linkedin_url?: string | null;
  phone?: string | null;
  city?: string | null;
  region?: string | null;
  country_code?: string | null;
  techstack?: string[] | null;
}
