import {
  COMPANY_NUMBER_HINT,
  normalizeCompanyNumber,
  type Company,
  type CompanySearchHit,
} from '@sluice/enrichment';
import type { ProviderCallInfo, ProviderResult, RateLimitInfo } from '../call-info';
import { ProviderError, type ProviderErrorKind } from '../errors';
import { ProviderHttp, type ProviderCallHooks, type HttpFailure } from '../http/provider-http';
import { isRecord } from '../json';
import { COMPANIES_HOUSE } from './descriptor';
import { mapCompanyProfile, mapSearchItem } from './mapper';
import { parseRateLimit, rateLimitedWaitMs } from './rate-limit';
import type {
  CompaniesHouseCompanyProfile,
  CompaniesHouseOfficer,
  CompaniesHouseSearchItem,
  CompaniesHouseSearchResponse,
} from './types';

const PROVIDER = COMPANIES_HOUSE.name;
const PROVIDER_LABEL = 'Companies House';

export const COMPANIES_HOUSE_ENDPOINTS = Object.freeze({
  companyProfile: 'GET /company/{company_number}',
  officers: 'GET /company/{company_number}/officers',
  searchCompanies: 'GET /search/companies',
} as const);
type Endpoint = (typeof COMPANIES_HOUSE_ENDPOINTS)[keyof typeof COMPANIES_HOUSE_ENDPOINTS];

/** The largest officer page Companies House serves; fewer pages means fewer rate-limit slots spent. */
export const OFFICERS_PAGE_SIZE = 100;
/**
 * 10,000 officers: far beyond any real company. Reaching it means the API keeps returning pages
 * (e.g. ignoring `start_index`), and stopping beats spending the whole rate window on one company.
 */
const MAX_OFFICER_PAGES = 100;

export interface CompaniesHouseClientOptions extends ProviderCallHooks {
  /**
   * Where the REST API lives, e.g. `https://api.company-information.service.gov.uk` or the sandbox's
   * `http://127.0.0.1:4010/companies-house`. A path is kept; the API paths are appended to it.
   */
  baseUrl: string;
  /** A REST API key (streaming keys are not accepted), sent as the Basic-auth user name. */
  apiKey: string;
  /**
   * Limit on one HTTP call, body included.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * The fetch implementation.
   * @defaultValue the global `fetch`
   */
  fetch?: typeof fetch;
  /**
   * Officers per page when listing officers (Companies House serves at most 100).
   * @defaultValue 100
   */
  officersPageSize?: number;
}

export interface SearchCompaniesOptions {
  /** Companies House defaults to 20. */
  itemsPerPage?: number;
  /** Zero-based index of the first result. */
  startIndex?: number;
}

/** One HTTP exchange that succeeded (2xx). */
interface Exchange {
  body: unknown;
  call: ProviderCallInfo;
  rateLimit: RateLimitInfo | null;
}

interface RequestSpec {
  endpoint: Endpoint;
  path: string;
  query?: Record<string, string>;
  /** What was asked for, in words, for not-found and bad-request messages. */
  subject: string;
}

function errorKey(body: unknown): string | null {
  if (!isRecord(body)) {
    return null;
  }
  if (Array.isArray(body.errors)) {
    const first: unknown = body.errors[0];
    if (isRecord(first) && typeof first.error === 'string') {
      return first.error;
    }
  }
  return typeof body.error === 'string' ? body.error : null;
}

/**
 * HTTP client of the Companies House public data REST API. Returns canonical records beside the
 * raw payloads, and turns every failure into a `ProviderError` whose `kind` says what to do next.
 * Free to call, but limited to 600 requests per 5 minutes per key: each method documents how many
 * requests it makes.
 */
export class CompaniesHouseClient {
  private readonly authorization: string;
  private readonly http: ProviderHttp;
  private readonly officersPageSize: number;

  constructor(options: CompaniesHouseClientOptions) {
    if (!options.apiKey) {
      throw new Error('CompaniesHouseClient needs an API key: configure a Companies House REST API key.');
    }
    this.authorization = `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`;
    const pageSize = options.officersPageSize ?? OFFICERS_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > OFFICERS_PAGE_SIZE) {
      throw new Error(
        `CompaniesHouseClient officersPageSize must be 1 to ${OFFICERS_PAGE_SIZE}, got ${pageSize}`,
      );
    }
    this.officersPageSize = pageSize;
    this.http = new ProviderHttp({
      provider: PROVIDER,
      label: PROVIDER_LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify: classifyCompaniesHouseFailure,
    });
  }

  /**
   * `GET /company/{company_number}`: one request. The number is normalised when it is one
   * (`7798925` → `07798925`) and sent as given (URL-encoded) otherwise, so odd historic numbers
   * still reach the register.
   */
  async getCompanyProfile(
    companyNumber: string,
  ): Promise<ProviderResult<Company, CompaniesHouseCompanyProfile>> {
    const number = this.pathCompanyNumber(companyNumber, COMPANIES_HOUSE_ENDPOINTS.companyProfile);
    const { body, call, rateLimit } = await this.get({
      endpoint: COMPANIES_HOUSE_ENDPOINTS.companyProfile,
      path: `/company/${encodeURIComponent(number)}`,
      subject: `company ${number}`,
    });
    if (!isRecord(body) || typeof body.company_number !== 'string' || body.company_number.trim() === '') {
      throw this.invalidResponse(call, `a company profile without company_number`, body);
    }
    const raw = body as CompaniesHouseCompanyProfile;
    return { data: mapCompanyProfile(raw), raw, call, rateLimit };
  }

  /**
   * `GET /company/{company_number}/officers`, every page (`items_per_page=100`), current and
   * resigned officers alike: one request per 100 officers. `call` describes the whole listing: the
   * first page's URL, the last page's status and the summed latency; `rateLimit` is the last page's.
   */
  async listOfficers(
    companyNumber: string,
  ): Promise<ProviderResult<CompaniesHouseOfficer[], CompaniesHouseOfficer[]>> {
    const number = this.pathCompanyNumber(companyNumber, COMPANIES_HOUSE_ENDPOINTS.officers);
    const path = `/company/${encodeURIComponent(number)}/officers`;
    const officers: CompaniesHouseOfficer[] = [];
    let firstCall: ProviderCallInfo | null = null;
    let latencyMs = 0;
    let startIndex = 0;
    for (let page = 0; page < MAX_OFFICER_PAGES; page += 1) {
      const { body, call, rateLimit } = await this.get({
        endpoint: COMPANIES_HOUSE_ENDPOINTS.officers,
        path,
        query: { items_per_page: String(this.officersPageSize), start_index: String(startIndex) },
        subject: `company ${number}`,
      });
      firstCall ??= call;
      latencyMs += call.latencyMs;
      if (!isRecord(body) || (body.items !== undefined && !Array.isArray(body.items))) {
        throw this.invalidResponse(call, 'an officer list whose items are not a list', body);
      }
      const items: unknown[] = Array.isArray(body.items) ? body.items : [];
      officers.push(...items.filter(isRecord).map((item) => item as CompaniesHouseOfficer));
      const total = typeof body.total_results === 'number' ? body.total_results : null;
      // Advance by what arrived, not by what was asked: the API may serve smaller pages.
      startIndex += items.length;
      const done =
        items.length === 0 || (total !== null ? startIndex >= total : items.length < this.officersPageSize);
      if (done) {
        const listing: ProviderCallInfo = { ...call, url: firstCall.url, latencyMs };
        return { data: officers, raw: [...officers], call: listing, rateLimit };
      }
    }
    throw new ProviderError({
      provider: PROVIDER,
      kind: 'invalid_response',
      message: `${PROVIDER_LABEL} kept returning officer pages for company ${number} past ${MAX_OFFICER_PAGES * this.officersPageSize} officers; stopped to protect the rate limit. Check the API or the base URL.`,
      status: null,
      call: firstCall && { ...firstCall, latencyMs },
    });
  }

  /**
   * `GET /search/companies`: one request for one page of results. Items without a company number
   * are left out of `data` (they stay in `raw`).
   */
  async searchCompanies(
    query: string,
    options: SearchCompaniesOptions = {},
  ): Promise<ProviderResult<CompanySearchHit[], CompaniesHouseSearchResponse>> {
    const endpoint = COMPANIES_HOUSE_ENDPOINTS.searchCompanies;
    const q = query.trim();
    if (q === '') {
      throw this.refused(endpoint, 'The company search query is empty; pass a company name or number.');
    }
    const params: Record<string, string> = { q };
    if (options.itemsPerPage !== undefined) {
      if (!Number.isInteger(options.itemsPerPage) || options.itemsPerPage < 1) {
        throw this.refused(endpoint, `itemsPerPage must be a positive integer, got ${options.itemsPerPage}.`);
      }
      params.items_per_page = String(options.itemsPerPage);
    }
    if (options.startIndex !== undefined) {
      if (!Number.isInteger(options.startIndex) || options.startIndex < 0) {
        throw this.refused(endpoint, `startIndex must be a non-negative integer, got ${options.startIndex}.`);
      }
      params.start_index = String(options.startIndex);
    }
    const { body, call, rateLimit } = await this.get({
      endpoint,
      path: '/search/companies',
      query: params,
      subject: 'the search',
    });
    if (!isRecord(body) || (body.items !== undefined && !Array.isArray(body.items))) {
      throw this.invalidResponse(call, 'a search result whose items are not a list', body);
    }
    const items: unknown[] = Array.isArray(body.items) ? body.items : [];
    const hits = items
      .filter(isRecord)
      .map((item) => mapSearchItem(item as CompaniesHouseSearchItem))
      .filter((hit): hit is CompanySearchHit => hit !== null);
    return { data: hits, raw: body, call, rateLimit };
  }

  private pathCompanyNumber(companyNumber: string, endpoint: Endpoint): string {
    const trimmed = typeof companyNumber === 'string' ? companyNumber.trim().toUpperCase() : '';
    if (trimmed === '') {
      throw this.refused(endpoint, `The company number is empty; expected ${COMPANY_NUMBER_HINT}.`);
    }
    return normalizeCompanyNumber(trimmed) ?? trimmed;
  }

  private async get(spec: RequestSpec): Promise<Exchange> {
    const { body, call, headers } = await this.http.request({
      method: 'GET',
      endpoint: spec.endpoint,
      path: spec.path,
      query: spec.query,
      headers: { Authorization: this.authorization },
      subject: spec.subject,
    });
    return { body, call, rateLimit: parseRateLimit(headers) };
  }

  private invalidResponse(call: ProviderCallInfo, what: string, body: unknown): ProviderError {
    return this.http.reportInvalid(this.http.invalidResponse(call, what, body));
  }

  /** Input that would be wrong at any provider: refused before a request (and a rate-limit slot) is spent. */
  private refused(endpoint: Endpoint, message: string): ProviderError {
    return this.http.refused(endpoint, message);
  }
}

/** Companies House's statuses in the taxonomy; a 429's wait comes from its `X-Ratelimit-*` headers. */
export function classifyCompaniesHouseFailure(failure: HttpFailure): {
  kind: ProviderErrorKind;
  message: string;
  retryAfterMs?: number | null;
} {
  const { status, headers, call, subject } = failure;
  const key = errorKey(failure.body);
  const detail = key ? `: ${key}` : '';
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: `${PROVIDER_LABEL} rejected the API key (HTTP 401${detail}); configure a valid Companies House REST API key (streaming keys are not accepted).`,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      message: `${PROVIDER_LABEL} refused access to ${call.endpoint} (HTTP 403${detail}); the key may lack access, or be blocked after repeated rate-limit breaches.`,
    };
  }
  if (status === 404) {
    return {
      kind: 'not_found',
      message: `${PROVIDER_LABEL} has no record for ${subject} (HTTP 404${detail}).`,
    };
  }
  if (status === 429) {
    const waitMs = rateLimitedWaitMs(headers, Date.now());
    return {
      kind: 'rate_limited',
      message: `${PROVIDER_LABEL} rate limit reached (HTTP 429${detail}); calls may resume in ${Math.ceil(waitMs / 1000)} s.`,
      retryAfterMs: waitMs,
    };
  }
  if (status >= 500) {
    return {
      kind: 'unavailable',
      message: `${PROVIDER_LABEL} is unavailable (HTTP ${status}${detail}); retry later.`,
    };
  }
  if (status >= 400) {
    // 400 (malformed input) and 416 (out-of-range start_index or timepoint) alike: sending the same again fails again.
    return {
      kind: 'bad_request',
      message: `${PROVIDER_LABEL} rejected ${call.endpoint} for ${subject} (HTTP ${status}${detail}); check the input.`,
    };
  }
  return {
    kind: 'invalid_response',
    message: `${PROVIDER_LABEL} answered ${call.endpoint} with unexpected HTTP ${status}; check the base URL.`,
  };
}
