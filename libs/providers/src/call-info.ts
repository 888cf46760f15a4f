/** What one provider call was, for the call log and metrics. Never holds a credential. */
export interface ProviderCallInfo {
  provider: string;
  method: string;
  /** The provider's path template, e.g. `GET /company/{company_number}`: a low-cardinality metric label. */
  endpoint: string;
  /** The full URL that was requested; credentials travel in headers, never here. */
  url: string;
  /** HTTP status, or `null` when no response arrived (network error, timeout). */
  status: number | null;
  latencyMs: number;
}

/** A provider's own view of our rate budget, read from its response headers. */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAt: Date;
  /** The provider's name for the window (e.g. `5m`), when it gives one. */
  window: string | null;
}

/** A successful provider call: canonical data, the payload it came from, and how the call went. */
export interface ProviderResult<T, Raw> {
  data: T;
  raw: Raw;
  call: ProviderCallInfo;
  rateLimit: RateLimitInfo | null;
}
