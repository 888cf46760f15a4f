/** Apollo's raw shapes (provider-apis.md §4), the fields Sluice reads; the rest is kept raw. */
export interface ApolloOrganization {
  name?: string | null;
  website_url?: string | null;
  primary_domain?: string | null;
  industry?: string | null;
  estimated_num_employees?: number | null;
  linkedin_url?: string | null;
  annual_revenue?: number | null;
  technology_names?: string[] | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  postal_code?: string | null;
  primary_phone?: { number?: string | null; sanitized_number?: string | null } | null;
}

export interface ApolloPerson {
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  name?: string | null;
  linkedin_url?: string | null;
  title?: string | null;
  email?: string | null;
  /** `verified` seen; `unverified`, `extrapolated`, `unavailable` reported. */
  email_status?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  seniority?: string | null;
  departments?: string[] | null;
  organization?: ApolloOrganization | null;
}

export interface ApolloMatchResponse {
  person: ApolloPerson | null;
  /** Kept as text by the client: as a JSON number it overflows. */
  request_id?: number | string;
}

export interface ApolloBulkMatchResponse {
  status: string;
  matches: (ApolloPerson | null)[];
  credits_consumed?: number;
  missing_records?: number;
  request_id?: number | string;
}

export interface ApolloPhoneNumber {
  raw_number?: string | null;
  sanitized_number?: string | null;
  type_cd?: string | null;
  status_cd?: string | null;
}

export interface ApolloWebhookResult {
  request_id: string;
  webhook_status?: string;
  request_type?: 'phone' | 'waterfall';
  webhook_result: {
    status?: string;
    credits_consumed?: number;
    people: { id: string; status?: string; phone_numbers: ApolloPhoneNumber[] }[];
  };
}
