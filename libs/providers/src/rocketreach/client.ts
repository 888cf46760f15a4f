import type { Firmographics } from '@sluice/enrichment';
import type { ProviderResult } from '../call-info';
import type { ProviderError } from '../errors';
import { ProviderHttp, type ProviderCallHooks, type HttpRequest } from '../http/provider-http';
import { isRecord } from '../json';
import type { CreditBalance } from '../port';
import { classifyRocketReachFailure } from './classify';
import { ROCKETREACH, ROCKETREACH_UNIVERSAL_PRICES } from './descriptor';
import { accountBalance, mapRocketReachCompany, universalAccountBalance } from './mapper';
import type {
  RocketReachAccount,
  RocketReachCompany,
  RocketReachCompanySearch,
  RocketReachLookupType,
  RocketReachPeopleSearch,
  RocketReachPersonMatch,
  RocketReachProfile,
  RocketReachReveal,
  RocketReachSearchPage,
  RocketReachSearchQuery,
  RocketReachUniversalAccount,
} from './types';

const LABEL = 'RocketReach';

/** Bulk lookups take 10 to 100 queries; the Universal bulk lookup up to 100. */
export const ROCKETREACH_BULK_LIMITS = Object.freeze({
  min: 10,
  max: 100,
  universalMin: 1,
  universalMax: 100,
});

/** Search paging bounds RocketReach enforces. */
export const ROCKETREACH_SEARCH_LIMITS = Object.freeze({ maxStart: 10_000, maxPageSize: 100 });

/** Method and path template of each endpoint: the call log's and the metrics' label. */
export const ROCKETREACH_ENDPOINTS = Object.freeze({
  account: 'GET /account/',
  createApiKey: 'POST /account/key/',
  personLookup: 'GET /person/lookup',
  checkStatus: 'GET /person/checkStatus',
  personSearch: 'POST /person/search',
  companyLookup: 'GET /company/lookup/',
  companySearch: 'POST /searchCompany',
  profileCompanyLookup: 'GET /profile-company/lookup',
  bulkLookup: 'POST /bulkLookup',
  universalAccount: 'GET /universal/account/',
  universalPersonLookup: 'GET /universal/person/lookup',
  universalPersonSearch: 'POST /universal/person/search',
  universalBulkLookup: 'POST /universal/person/bulk_lookup',
  universalCheckStatus: 'GET /universal/person/check_status',
  universalCompanySearch: 'POST /universal/company/search',
  universalCompanyLookup: 'GET /universal/company/lookup',
} as const);

export type RocketReachEndpoint = keyof typeof ROCKETREACH_ENDPOINTS;

export interface RocketReachClientOptions extends ProviderCallHooks {
  /** `https://api.rocketreach.co/api/v2` in production. */
  baseUrl: string;
  /** Sent as the `Api-Key` header (never as the deprecated `api_key` query parameter). */
  apiKey: string;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
}

/** A lookup's profile and the `RR-Request-ID` its webhook delivery will carry. */
export interface RocketReachLookup {
  profile: RocketReachProfile;
  requestId: string | null;
}

export interface RocketReachLookupOptions {
  /** The webhook (created in RocketReach's UI) to deliver to; without it, the top-most enabled one. */
  webhookId?: number;
  lookupType?: RocketReachLookupType;
  /** `false` leaves e-mail fields empty until the lookup is `complete`. @defaultValue true */
  returnCachedEmails?: boolean;
}

export interface RocketReachBulkOptions {
  webhookId?: number;
  /** @defaultValue "API Bulk Lookup" (RocketReach's default) */
  profileList?: string;
}

/** An accepted bulk lookup: results arrive at the webhook under this `RR-Request-ID`. */
export interface RocketReachBulkAccepted {
  requestId: string;
  queries: number;
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** An entry RocketReach grades well enough to charge for: A or A-, or not graded at all. */
function chargeableGrade(entry: unknown): boolean {
  if (!isRecord(entry)) {
    return false;
  }
  const grade = typeof entry.grade === 'string' ? entry.grade.trim().toUpperCase() : '';
  // Older answers carry no grade: charged (an unknown is recorded as spent, not assumed free).
  return grade === '' || grade === 'A' || grade === 'A-';
}

/**
 * Whether a finished lookup's contact data is what RocketReach charges for: "premium credit when
 * an A/A- email or a valid phone comes back" (its credits FAQ). A profile whose only e-mail is
 * graded B or worse, with no phone, comes back free.
 */
export function rocketReachCharges(profile: { emails?: unknown; phones?: unknown }): boolean {
  const some = (list: unknown): boolean => Array.isArray(list) && list.some(chargeableGrade);
  return some(profile.emails) || some(profile.phones);
}

/** Legacy model: one credit when a lookup ends with contact data it charges for; nothing while it runs. */
function legacyLookupCharge(body: unknown): number {
  const profile = Array.isArray(body) ? (body[0] as unknown) : body;
  return isRecord(profile) && profile.status === 'complete' && rocketReachCharges(profile)
    ? (ROCKETREACH.capabilities.lookup_person?.credits ?? 1)
    : 0;
}

/** Universal model: each revealed kind of data that came back, at its own price. */
function universalLookupCharge(body: unknown): number {
  if (!isRecord(body) || body.status !== 'complete') {
    return 0;
  }
  const emails = Array.isArray(body.emails) ? body.emails.filter(isRecord) : [];
  const prices = ROCKETREACH_UNIVERSAL_PRICES;
  return (
    (emails.some((e) => e.type !== 'personal') ? prices.professionalEmail : 0) +
    (emails.some((e) => e.type === 'personal') ? prices.personalEmail : 0) +
    (hasItems(body.phones) ? prices.phone : 0)
  );
}

/**
 * RocketReach API v2: the ten endpoints (account, key creation, person lookup, status check, person
 * search, company lookup, company search, profile-company lookup, bulk lookup, and the Universal
 * account) plus the other Universal-credit variants. Input RocketReach would refuse is refused here,
 * before a request is sent or a credit spent. Each call's `RR-Request-ID` goes to the call sink.
 */
export class RocketReachClient {
  private readonly http: ProviderHttp;

  constructor(private readonly options: RocketReachClientOptions) {
    if (!options.apiKey) {
      throw new Error('RocketReachClient needs an API key: configure ROCKETREACH_API_KEY.');
    }
    this.http = new ProviderHttp({
      provider: ROCKETREACH.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify: classifyRocketReachFailure,
      requestIdHeader: 'rr-request-id',
    });
  }

  /** 1. `GET /account/`: credits (`credit_usage`, else `lookup_credit_balance`) and rate-limit usage. */
  async account(): Promise<ProviderResult<CreditBalance, RocketReachAccount>> {
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.account,
      path: '/account/',
      subject: 'the account',
    });
    if (
      !isRecord(body) ||
      (!Array.isArray(body.credit_usage) && typeof body.lookup_credit_balance !== 'number')
    ) {
      throw this.invalid(call, 'an account without credit_usage or lookup_credit_balance', body);
    }
    // The legacy account echoes the API key; it must not reach the call log or stored payloads.
    const raw = Object.fromEntries(
      Object.entries(body).filter(([field]) => field !== 'api_key'),
    ) as unknown as RocketReachAccount;
    return { data: accountBalance(raw), raw, call, rateLimit: null };
  }

  /** 2. `POST /account/key/`: a new API key, returned once (the call sink never sees it). */
  async createApiKey(): Promise<ProviderResult<{ apiKey: string }, null>> {
    const { body, call } = await this.send({
      method: 'POST',
      endpoint: ROCKETREACH_ENDPOINTS.createApiKey,
      path: '/account/key/',
      json: {},
      subject: 'a new API key',
    });
    if (!isRecord(body) || typeof body.api_key !== 'string' || body.api_key === '') {
      throw this.invalid(call, 'an answer without api_key', null);
    }
    return { data: { apiKey: body.api_key }, raw: null, call, rateLimit: null };
  }

  /**
   * 3. `GET /person/lookup`: a profile, maybe still `searching` (finish it with `checkStatus` or
   * the webhook). One credit when it ends with contact data.
   */
  async personLookup(
    match: RocketReachPersonMatch,
    options: RocketReachLookupOptions = {},
  ): Promise<ProviderResult<RocketReachLookup, RocketReachProfile>> {
    const endpoint = ROCKETREACH_ENDPOINTS.personLookup;
    this.checkMatch(match, endpoint);
    return this.lookup(
      endpoint,
      '/person/lookup',
      { ...match, ...lookupParams(options) },
      legacyLookupCharge,
    );
  }

  /** 4. `GET /person/checkStatus?ids=…&ids=…`: the current state of lookups; polling is free. */
  checkStatus(ids: readonly number[]): Promise<ProviderResult<RocketReachProfile[], RocketReachProfile[]>> {
    return this.statuses(ROCKETREACH_ENDPOINTS.checkStatus, '/person/checkStatus', ids);
  }

  /** 5. `POST /person/search`: profiles with a teaser but no contact data (no lookup credits). */
  personSearch(
    query: RocketReachSearchQuery,
    page: RocketReachSearchPage = {},
  ): Promise<ProviderResult<RocketReachPeopleSearch, RocketReachPeopleSearch>> {
    return this.search(ROCKETREACH_ENDPOINTS.personSearch, '/person/search', 'profiles', query, page, 'free');
  }

  /** 6. `GET /company/lookup/`: by domain (preferred), id, LinkedIn URL, name or ticker. */
  companyLookup(by: RocketReachCompanyMatch): Promise<ProviderResult<Firmographics, RocketReachCompany>> {
    const price = ROCKETREACH.capabilities.lookup_company?.credits ?? 1;
    return this.company(ROCKETREACH_ENDPOINTS.companyLookup, '/company/lookup/', by, price);
  }

  /** 7. `POST /searchCompany` (not `/company/search`). */
  companySearch(
    query: RocketReachSearchQuery,
    page: RocketReachSearchPage = {},
  ): Promise<ProviderResult<RocketReachCompanySearch, RocketReachCompanySearch>> {
    return this.search(
      ROCKETREACH_ENDPOINTS.companySearch,
      '/searchCompany',
      'companies',
      query,
      page,
      'free',
    );
  }

  /** 8. `GET /profile-company/lookup`: the profile plus its `company`. Charged like a person lookup. */
  async profileCompanyLookup(
    match: RocketReachPersonMatch,
    options: RocketReachLookupOptions = {},
  ): Promise<ProviderResult<RocketReachLookup, RocketReachProfile>> {
    const endpoint = ROCKETREACH_ENDPOINTS.profileCompanyLookup;
    this.checkMatch(match, endpoint);
    return this.lookup(
      endpoint,
      '/profile-company/lookup',
      { ...match, ...lookupParams(options) },
      legacyLookupCharge,
    );
  }

  /**
   * 9. `POST /bulkLookup`: 10 to 100 people; the results go to the webhook as one list under the
   * `RR-Request-ID` returned here. Charged per profile delivered, not at acceptance.
   */
  bulkLookup(
    queries: readonly RocketReachPersonMatch[],
    options: RocketReachBulkOptions = {},
  ): Promise<ProviderResult<RocketReachBulkAccepted, unknown>> {
    const { min, max } = ROCKETREACH_BULK_LIMITS;
    return this.bulk(ROCKETREACH_ENDPOINTS.bulkLookup, '/bulkLookup', queries, options, min, max);
  }

  /** 10. `GET /universal/account/`: the Universal-credit pool and its use per action. */
  async universalAccount(): Promise<ProviderResult<CreditBalance, RocketReachUniversalAccount>> {
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.universalAccount,
      path: '/universal/account/',
      subject: 'the Universal account',
    });
    if (
      !isRecord(body) ||
      !isRecord(body.credit_usage) ||
      // `'inf'` on an unlimited plan, as on the account endpoint (universalAccountBalance reads it).
      (typeof body.credit_usage.credits_remaining !== 'number' &&
        body.credit_usage.credits_remaining !== 'inf')
    ) {
      throw this.invalid(call, 'an account without credit_usage.credits_remaining', body);
    }
    const raw = body as unknown as RocketReachUniversalAccount;
    return { data: universalAccountBalance(raw), raw, call, rateLimit: null };
  }

  /**
   * `GET /universal/person/lookup`: what to reveal is chosen, and paid for, per call; RocketReach
   * reveals nothing unless asked.
   */
  async universalPersonLookup(
    match: RocketReachPersonMatch,
    reveal: RocketReachReveal,
    options: Pick<RocketReachLookupOptions, 'webhookId'> = {},
  ): Promise<ProviderResult<RocketReachLookup, RocketReachProfile>> {
    const endpoint = ROCKETREACH_ENDPOINTS.universalPersonLookup;
    this.checkMatch(match, endpoint);
    return this.lookup(
      endpoint,
      '/universal/person/lookup',
      {
        ...match,
        reveal_professional_email: reveal.professionalEmail ?? false,
        reveal_personal_email: reveal.personalEmail ?? false,
        reveal_phone: reveal.phone ?? false,
        reveal_detailed_person_enrichment: reveal.detailedPersonEnrichment ?? false,
        reveal_healthcare_enrichment: reveal.healthcareEnrichment ?? false,
        ...lookupParams(options),
      },
      universalLookupCharge,
    );
  }

  /** `POST /universal/person/search`: a Universal credit per page that has results. */
  universalPersonSearch(
    query: RocketReachSearchQuery,
    page: RocketReachSearchPage = {},
  ): Promise<ProviderResult<RocketReachPeopleSearch, RocketReachPeopleSearch>> {
    return this.search(
      ROCKETREACH_ENDPOINTS.universalPersonSearch,
      '/universal/person/search',
      'profiles',
      query,
      page,
      (found) => (found > 0 ? ROCKETREACH_UNIVERSAL_PRICES.personSearchPage : 0),
    );
  }

  /** `POST /universal/person/bulk_lookup`: up to 100 people, delivered to the webhook. */
  universalBulkLookup(
    queries: readonly RocketReachPersonMatch[],
    options: RocketReachBulkOptions = {},
  ): Promise<ProviderResult<RocketReachBulkAccepted, unknown>> {
    const { universalMin, universalMax } = ROCKETREACH_BULK_LIMITS;
    return this.bulk(
      ROCKETREACH_ENDPOINTS.universalBulkLookup,
      '/universal/person/bulk_lookup',
      queries,
      options,
      universalMin,
      universalMax,
    );
  }

  /** `GET /universal/person/check_status?ids=`: free, like `checkStatus`. */
  universalCheckStatus(
    ids: readonly number[],
  ): Promise<ProviderResult<RocketReachProfile[], RocketReachProfile[]>> {
    return this.statuses(ROCKETREACH_ENDPOINTS.universalCheckStatus, '/universal/person/check_status', ids);
  }

  /** `POST /universal/company/search`: two Universal credits per page that has results. */
  universalCompanySearch(
    query: RocketReachSearchQuery,
    page: RocketReachSearchPage = {},
  ): Promise<ProviderResult<RocketReachCompanySearch, RocketReachCompanySearch>> {
    return this.search(
      ROCKETREACH_ENDPOINTS.universalCompanySearch,
      '/universal/company/search',
      'companies',
      query,
      page,
      (found) => (found > 0 ? ROCKETREACH_UNIVERSAL_PRICES.companySearchPage : 0),
    );
  }

  /** `GET /universal/company/lookup`: one Universal credit when the company is found. */
  universalCompanyLookup(
    by: RocketReachCompanyMatch,
  ): Promise<ProviderResult<Firmographics, RocketReachCompany>> {
    const price = ROCKETREACH_UNIVERSAL_PRICES.company;
    return this.company(ROCKETREACH_ENDPOINTS.universalCompanyLookup, '/universal/company/lookup', by, price);
  }

  private checkMatch(match: RocketReachPersonMatch, endpoint: string): void {
    if (match.id !== undefined && (!Number.isSafeInteger(match.id) || match.id <= 0)) {
      throw this.http.refused(endpoint, `id must be a positive profile id, got ${match.id}.`);
    }
    if (match.name?.trim() && !match.current_employer?.trim()) {
      // RocketReach answers 400 for a name alone; saying so here saves the call.
      throw this.http.refused(
        endpoint,
        'a name needs current_employer too; add the employer or identify the person otherwise.',
      );
    }
    const identified =
      match.id !== undefined ||
      [match.linkedin_url, match.email, match.phone, match.npi_number].some((value) => !!value?.trim()) ||
      (!!match.name?.trim() && !!match.current_employer?.trim());
    if (!identified) {
      throw this.http.refused(
        endpoint,
        'identify the person by id, linkedin_url, email, phone, npi_number, or name together with current_employer.',
      );
    }
  }

  private async lookup(
    endpoint: string,
    path: string,
    query: HttpRequest['query'],
    charge: (body: unknown) => number,
  ): Promise<ProviderResult<RocketReachLookup, RocketReachProfile>> {
    const { body, call, headers } = await this.send({
      method: 'GET',
      endpoint,
      path,
      query,
      subject: 'the person',
      charge,
    });
    // RocketReach's status-check guide prints a lookup answer as a one-element list; the OpenAPI an object.
    const profile = Array.isArray(body) && body.length === 1 ? (body[0] as unknown) : body;
    if (!isRecord(profile) || typeof profile.id !== 'number' || typeof profile.status !== 'string') {
      throw this.invalid(call, 'a profile without id and status', body);
    }
    const raw = profile as unknown as RocketReachProfile;
    return { data: { profile: raw, requestId: headers.get('rr-request-id') }, raw, call, rateLimit: null };
  }

  private async statuses(
    endpoint: string,
    path: string,
    ids: readonly number[],
  ): Promise<ProviderResult<RocketReachProfile[], RocketReachProfile[]>> {
    if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
      throw this.http.refused(endpoint, `give one or more positive profile ids, got [${ids.join(', ')}].`);
    }
    const { body, call } = await this.send({
      method: 'GET',
      endpoint,
      path,
      // Repeated (`ids=1&ids=2`), as RocketReach's own SDK sends the list.
      query: { ids: ids.map(String) },
      subject: `profiles ${ids.join(', ')}`,
      free: true, // polling is free
    });
    if (!Array.isArray(body) || !body.every((item) => isRecord(item) && typeof item.id === 'number')) {
      throw this.invalid(call, 'a status answer that is not a list of profiles', body);
    }
    const raw = body as RocketReachProfile[];
    return { data: raw, raw, call, rateLimit: null };
  }

  private async search<K extends 'profiles' | 'companies', T extends Record<K, unknown[]>>(
    endpoint: string,
    path: string,
    listKey: K,
    query: RocketReachSearchQuery,
    page: RocketReachSearchPage,
    /** What a page of `found` results costs, or `'free'`: a search RocketReach never charges for. */
    charge: ((found: number) => number) | 'free',
  ): Promise<ProviderResult<T, T>> {
    const start = page.start ?? 1;
    const pageSize = page.pageSize ?? 10;
    const { maxStart, maxPageSize } = ROCKETREACH_SEARCH_LIMITS;
    if (!Number.isInteger(start) || start < 1 || start > maxStart) {
      throw this.http.refused(endpoint, `start must be 1..${maxStart}, got ${start}.`);
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
      throw this.http.refused(endpoint, `page_size must be 1..${maxPageSize}, got ${pageSize}.`);
    }
    const facets = Object.entries(query);
    if (
      facets.length === 0 ||
      facets.some(([, values]) => values.length === 0 || values.some((v) => !v.trim()))
    ) {
      throw this.http.refused(endpoint, 'give at least one facet, each with one or more non-empty values.');
    }
    const { body, call } = await this.send({
      method: 'POST',
      endpoint,
      path,
      json: { query, start, page_size: pageSize, ...(page.orderBy ? { order_by: page.orderBy } : {}) },
      subject: 'the search',
      ...(charge === 'free'
        ? { free: true }
        : {
            charge: (raw: unknown) =>
              isRecord(raw) && Array.isArray(raw[listKey]) ? charge(raw[listKey].length) : 0,
          }),
    });
    if (!isRecord(body) || !Array.isArray(body[listKey]) || !isRecord(body.pagination)) {
      throw this.invalid(call, `a search answer without ${listKey} and pagination`, body);
    }
    const raw = body as unknown as T;
    return { data: raw, raw, call, rateLimit: null };
  }

  private async company(
    endpoint: string,
    path: string,
    by: RocketReachCompanyMatch,
    price: number,
  ): Promise<ProviderResult<Firmographics, RocketReachCompany>> {
    const given = Object.entries(by).filter(
      ([, value]) => value !== undefined && String(value).trim() !== '',
    );
    if (given.length === 0) {
      throw this.http.refused(endpoint, 'give a domain, id, linkedin_url, name or ticker.');
    }
    const { body, call } = await this.send({
      method: 'GET',
      endpoint,
      path,
      query: Object.fromEntries(given),
      subject: `company ${given.map(([, value]) => String(value)).join(' / ')}`,
      charge: (raw) => (isRecord(raw) && typeof raw.id === 'number' ? price : 0),
    });
    if (!isRecord(body) || typeof body.id !== 'number' || typeof body.name !== 'string') {
      throw this.invalid(call, 'a company without id and name', body);
    }
    const raw = body as unknown as RocketReachCompany;
    return { data: mapRocketReachCompany(raw), raw, call, rateLimit: null };
  }

  private async bulk(
    endpoint: string,
    path: string,
    queries: readonly RocketReachPersonMatch[],
    options: RocketReachBulkOptions,
    min: number,
    max: number,
  ): Promise<ProviderResult<RocketReachBulkAccepted, unknown>> {
    if (queries.length < min || queries.length > max) {
      throw this.http.refused(
        endpoint,
        `send ${min} to ${max} people per bulk lookup, got ${queries.length}; split or merge the batch.`,
      );
    }
    queries.forEach((query) => this.checkMatch(query, endpoint));
    const { body, call, headers } = await this.send({
      method: 'POST',
      endpoint,
      path,
      json: {
        queries,
        ...(options.profileList ? { profile_list: options.profileList } : {}),
        ...(options.webhookId !== undefined ? { webhook_id: options.webhookId } : {}),
      },
      subject: `${queries.length} people`,
      // "200 accepted with an RR-Request-ID header and no documented body" (provider-apis.md §1).
      bodyOptional: true,
    });
    const requestId = headers.get('rr-request-id');
    if (!requestId) {
      // Without it the webhook delivery cannot be matched to this batch.
      throw this.invalid(call, 'an accepted bulk lookup without an RR-Request-ID header', body);
    }
    return { data: { requestId, queries: queries.length }, raw: body, call, rateLimit: null };
  }

  private invalid(
    call: Parameters<ProviderHttp['invalidResponse']>[0],
    what: string,
    body: unknown,
  ): ProviderError {
    return this.http.reportInvalid(this.http.invalidResponse(call, what, body));
  }

  private send(spec: Omit<HttpRequest, 'headers'>) {
    return this.http.request({ ...spec, headers: { 'Api-Key': this.options.apiKey } });
  }
}

/** Identifies a company for `/company/lookup/`. */
export interface RocketReachCompanyMatch {
  domain?: string;
  id?: number;
  linkedin_url?: string;
  name?: string;
  ticker?: string;
}

function lookupParams(options: RocketReachLookupOptions): HttpRequest['query'] {
  return {
    webhook_id: options.webhookId,
    lookup_type: options.lookupType,
    return_cached_emails: options.returnCachedEmails,
  };
}
