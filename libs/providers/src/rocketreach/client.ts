import type { Firmographics, FoundEmail, FoundPhone, Person, PersonQuery } from '@sluice/enrichment';
import type { ProviderResult } from '../call-info';
import { ProviderError } from '../errors';
import {
  classifyByStatus,
  ProviderHttp,
  type CallSink,
  type HttpFailure,
  type HttpRequest,
} from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult, CreditBalance, Outcome, ProviderAdapter } from '../port';
import { ROCKETREACH, ROCKETREACH_DEFAULT_RATE_LIMITS, type RocketReachRateLimits } from './descriptor';
import { lookupState, mapRocketReachCompany, mapRocketReachProfile } from './mapper';
import type {
  RocketReachAccount,
  RocketReachCompany,
  RocketReachProfile,
  RocketReachSearchResponse,
  RocketReachUniversalAccount,
} from './types';

const LABEL = 'RocketReach';
const DEFAULT_THROTTLE_WAIT_MS = 60_000;
export const ROCKETREACH_BULK = Object.freeze({ min: 10, max: 100 });

export const ROCKETREACH_ENDPOINTS = Object.freeze({
  account: 'GET /account/',
  createKey: 'POST /account/key/',
  personLookup: 'GET /person/lookup',
  checkStatus: 'GET /person/checkStatus',
  personSearch: 'POST /person/search',
  companyLookup: 'GET /company/lookup/',
  companySearch: 'POST /searchCompany',
  profileCompanyLookup: 'GET /profile-company/lookup',
  bulkLookup: 'POST /bulkLookup',
  universalAccount: 'GET /universal/account/',
  universalPersonLookup: 'GET /universal/person/lookup',
} as const);

export interface RocketReachOptions {
  /** `https://api.rocketreach.co/api/v2` or the sandbox's `http://127.0.0.1:4010/rocketreach/api/v2`. */
  baseUrl: string;
  apiKey: string;
  /** Per-plan limits, exposed for the shared rate limiter. */
  rateLimits?: Partial<RocketReachRateLimits>;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  onCall?: CallSink;
}

/** Identifies a person: an id, a LinkedIn URL, an e-mail, a phone, or a name with the current employer. */
export interface RocketReachPersonMatch {
  id?: number;
  linkedin_url?: string;
  email?: string;
  phone?: string;
  name?: string;
  current_employer?: string;
  title?: string;
}

/**
 * The error text of any of RocketReach's three body styles: `{status, message}` (docs), `detail`
 * or `error` (the SDK), or a `{field: [messages]}` map (Django REST).
 */
export function rocketReachErrorText(body: unknown): string {
  if (!isRecord(body)) {
    return typeof body === 'string' ? body : '';
  }
  for (const key of ['detail', 'error', 'message']) {
    if (typeof body[key] === 'string') {
      return body[key];
    }
  }
  return Object.entries(body)
    .filter(([, value]) => Array.isArray(value))
    .map(([field, value]) => `${field}: ${(value as unknown[]).join(' ')}`)
    .join('; ');
}

export function classifyRocketReachFailure(
  failure: HttpFailure,
): ReturnType<typeof classifyByStatus> & { retryAfterMs?: number | null } {
  const text = rocketReachErrorText(failure.body ?? failure.text);
  if (
    failure.status === 402 ||
    ((failure.status === 403 || failure.status === 400) && /credit/i.test(text))
  ) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has no credits left for ${failure.call.endpoint} (${text || `HTTP ${failure.status}`}).`,
    };
  }
  if (failure.status === 429) {
    // Prefer Retry-After, then the throttle message ("Expected available in N seconds"), then a default.
    const seconds = /available in (\d+) second/i.exec(text)?.[1];
    return {
      kind: 'rate_limited',
      message: `${LABEL} throttled ${failure.call.endpoint}${text ? `: ${text}` : ''}`,
      retryAfterMs: failure.retryAfterMs ?? (seconds ? Number(seconds) * 1000 : DEFAULT_THROTTLE_WAIT_MS),
    };
  }
  if (failure.status === 401) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the API key (${text || 'HTTP 401'}); check ROCKETREACH_API_KEY.`,
    };
  }
  return classifyByStatus(failure, LABEL, text);
}

function personOutcome(
  profile: RocketReachProfile,
  pick: 'person' | 'email' | 'phone',
): Outcome<Person | FoundEmail | FoundPhone[]> {
  const state = lookupState(profile.status);
  if (state === 'running') {
    return { status: 'pending', taskId: String(profile.id), credits: 0 };
  }
  if (state === 'failed') {
    return { status: 'miss', credits: 0, reason: 'lookup failed' };
  }
  const person = mapRocketReachProfile(profile);
  const charged = person.emails.length > 0 || person.phones.length > 0 ? 1 : 0;
  if (pick === 'email') {
    const email = person.emails.find((e) => e.kind === 'work') ?? person.emails[0];
    return email
      ? { status: 'hit', data: email, credits: charged }
      : { status: 'miss', credits: charged, reason: 'no e-mail' };
  }
  if (pick === 'phone') {
    return person.phones.length > 0
      ? { status: 'hit', data: person.phones, credits: charged }
      : { status: 'miss', credits: charged, reason: 'no phone' };
  }
  return { status: 'hit', data: person, credits: charged };
}

/** RocketReach API v2: all ten endpoints, the Universal-credit account and lookup, and the port. */
export class RocketReachAdapter implements ProviderAdapter {
  readonly descriptor = ROCKETREACH;
  readonly rateLimits: RocketReachRateLimits;
  private readonly http: ProviderHttp;

  constructor(private readonly options: RocketReachOptions) {
    if (!options.apiKey) {
      throw new Error('RocketReachAdapter needs an API key: configure ROCKETREACH_API_KEY.');
    }
    this.rateLimits = { ...ROCKETREACH_DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.http = new ProviderHttp({
      provider: ROCKETREACH.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      secrets: () => [options.apiKey],
      classify: classifyRocketReachFailure,
      requestIdHeader: 'rr-request-id',
    });
  }

  /** 1. `GET /account/`: credits and rate-limit usage. */
  async account(): Promise<ProviderResult<CreditBalance, RocketReachAccount>> {
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.account,
      path: '/account/',
      subject: 'the account',
    });
    if (!isRecord(body)) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'an account that is not an object', body),
      );
    }
    const raw = body as unknown as RocketReachAccount;
    return { data: accountBalance(raw), raw, call, rateLimit: null };
  }

  /** 2. `POST /account/key/`: a new API key (returned once; never logged). */
  async createApiKey(): Promise<ProviderResult<{ apiKey: string }, null>> {
    const { body, call } = await this.send({
      method: 'POST',
      endpoint: ROCKETREACH_ENDPOINTS.createKey,
      path: '/account/key/',
      json: {},
      subject: 'a new key',
    });
    if (!isRecord(body) || typeof body.api_key !== 'string') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'an answer without api_key', null));
    }
    return { data: { apiKey: body.api_key }, raw: null, call, rateLimit: null };
  }

  /** 3. `GET /person/lookup`: a profile, maybe still `searching`. Charged only when contact data comes back. */
  async personLookup(
    match: RocketReachPersonMatch,
    webhookId?: number,
  ): Promise<ProviderResult<RocketReachProfile, RocketReachProfile>> {
    this.checkMatch(match, ROCKETREACH_ENDPOINTS.personLookup);
    return this.profile(ROCKETREACH_ENDPOINTS.personLookup, '/person/lookup', {
      ...match,
      ...(webhookId ? { webhook_id: webhookId } : {}),
    });
  }

  /** 4. `GET /person/checkStatus?ids=`: the current state of lookups (free). */
  async checkStatus(ids: number[]): Promise<ProviderResult<RocketReachProfile[], RocketReachProfile[]>> {
    if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
      throw this.http.refused(ROCKETREACH_ENDPOINTS.checkStatus, 'give one or more positive profile ids.');
    }
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.checkStatus,
      path: '/person/checkStatus',
      query: { ids: ids.map(String) },
      subject: `profiles ${ids.join(', ')}`,
    });
    if (!Array.isArray(body)) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a status answer that is not a list', body),
      );
    }
    return { data: body as RocketReachProfile[], raw: body as RocketReachProfile[], call, rateLimit: null };
  }

  /** 5. `POST /person/search`: profiles without contact data (no lookup credits). */
  personSearch(query: Record<string, string[]>, page: { start?: number; pageSize?: number } = {}) {
    return this.search<RocketReachProfile>(ROCKETREACH_ENDPOINTS.personSearch, '/person/search', query, page);
  }

  /** 6. `GET /company/lookup/`: by domain (preferred), id, LinkedIn URL, name or ticker. */
  async companyLookup(by: {
    domain?: string;
    id?: number;
    linkedin_url?: string;
    name?: string;
    ticker?: string;
  }): Promise<ProviderResult<Firmographics, RocketReachCompany>> {
    if (Object.values(by).every((value) => value === undefined || value === '')) {
      throw this.http.refused(
        ROCKETREACH_ENDPOINTS.companyLookup,
        'give a domain, id, LinkedIn URL, name or ticker.',
      );
    }
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.companyLookup,
      path: '/company/lookup/',
      query: by,
      subject: `company ${by.domain ?? by.name ?? by.id ?? by.linkedin_url ?? by.ticker}`,
      charge: (raw) => (isRecord(raw) && typeof raw.id === 'number' ? 1 : 0),
    });
    if (!isRecord(body) || typeof body.id !== 'number') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a company without id', body));
    }
    const raw = body as unknown as RocketReachCompany;
    return { data: mapRocketReachCompany(raw), raw, call, rateLimit: null };
  }

  /** 7. `POST /searchCompany` (not `/company/search`). */
  companySearch(query: Record<string, string[]>, page: { start?: number; pageSize?: number } = {}) {
    return this.search<RocketReachCompany>(
      ROCKETREACH_ENDPOINTS.companySearch,
      '/searchCompany',
      query,
      page,
    );
  }

  /** 8. `GET /profile-company/lookup`: the profile plus its company. */
  async profileCompanyLookup(
    match: RocketReachPersonMatch,
  ): Promise<ProviderResult<RocketReachProfile, RocketReachProfile>> {
    this.checkMatch(match, ROCKETREACH_ENDPOINTS.profileCompanyLookup);
    return this.profile(ROCKETREACH_ENDPOINTS.profileCompanyLookup, '/profile-company/lookup', { ...match });
  }

  /** 9. `POST /bulkLookup`: 10 to 100 people, results to the webhook; the answer carries `RR-Request-ID`. */
  async bulkLookup(
    queries: RocketReachPersonMatch[],
    webhookId?: number,
  ): Promise<ProviderResult<{ requestId: string }, unknown>> {
    if (queries.length < ROCKETREACH_BULK.min || queries.length > ROCKETREACH_BULK.max) {
      throw this.http.refused(
        ROCKETREACH_ENDPOINTS.bulkLookup,
        `send ${ROCKETREACH_BULK.min} to ${ROCKETREACH_BULK.max} people per bulk lookup (got ${queries.length}).`,
      );
    }
    queries.forEach((query) => this.checkMatch(query, ROCKETREACH_ENDPOINTS.bulkLookup));
    const { body, call, headers } = await this.send({
      method: 'POST',
      endpoint: ROCKETREACH_ENDPOINTS.bulkLookup,
      path: '/bulkLookup',
      json: { queries, ...(webhookId ? { webhook_id: webhookId } : {}) },
      subject: `${queries.length} people`,
    });
    const requestId = headers.get('rr-request-id');
    if (!requestId) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a bulk answer without RR-Request-ID', body),
      );
    }
    return { data: { requestId }, raw: body, call, rateLimit: null };
  }

  /** 10a. `GET /universal/account/`: the Universal-credit balance. */
  async universalAccount(): Promise<ProviderResult<CreditBalance, RocketReachUniversalAccount>> {
    const { body, call } = await this.send({
      method: 'GET',
      endpoint: ROCKETREACH_ENDPOINTS.universalAccount,
      path: '/universal/account/',
      subject: 'the account',
    });
    if (
      !isRecord(body) ||
      !isRecord(body.credit_usage) ||
      typeof body.credit_usage.credits_remaining !== 'number'
    ) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'an account without credit_usage.credits_remaining', body),
      );
    }
    const raw = body as unknown as RocketReachUniversalAccount;
    return {
      data: {
        remaining: raw.credit_usage.credits_remaining,
        limit: raw.credit_usage.credits_allocated,
        renewsAt: null,
        details: { credits_used: raw.credit_usage.credits_used },
      },
      raw,
      call,
      rateLimit: null,
    };
  }

  /** 10b. `GET /universal/person/lookup`: what to reveal is chosen (and paid for) per call. */
  universalPersonLookup(
    match: RocketReachPersonMatch,
    reveal: { professionalEmail?: boolean; personalEmail?: boolean; phone?: boolean } = {},
  ): Promise<ProviderResult<RocketReachProfile, RocketReachProfile>> {
    this.checkMatch(match, ROCKETREACH_ENDPOINTS.universalPersonLookup);
    return this.profile(ROCKETREACH_ENDPOINTS.universalPersonLookup, '/universal/person/lookup', {
      ...match,
      reveal_professional_email: reveal.professionalEmail ?? true,
      reveal_personal_email: reveal.personalEmail ?? false,
      reveal_phone: reveal.phone ?? false,
    });
  }

  async lookupPerson(query: PersonQuery): Promise<CapabilityResult<Person>> {
    const result = await this.personLookup(matchOf(query));
    return { ...result, data: personOutcome(result.data, 'person') as Outcome<Person> };
  }

  async findWorkEmail(query: PersonQuery): Promise<CapabilityResult<FoundEmail>> {
    const result = await this.personLookup(matchOf(query));
    return { ...result, data: personOutcome(result.data, 'email') as Outcome<FoundEmail> };
  }

  async findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>> {
    const result = await this.personLookup(matchOf(query));
    return { ...result, data: personOutcome(result.data, 'phone') as Outcome<FoundPhone[]> };
  }

  /** The outcome of a pending lookup (by its profile id), from `checkStatus`. */
  async completeLookup(
    profileId: string,
    pick: 'person' | 'email' | 'phone' = 'person',
  ): Promise<CapabilityResult<Person | FoundEmail | FoundPhone[]>> {
    const result = await this.checkStatus([Number(profileId)]);
    const profile = result.data.find((p) => String(p.id) === profileId);
    if (!profile) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(result.call, `a status answer without profile ${profileId}`, result.raw),
      );
    }
    return { ...result, data: personOutcome(profile, pick) };
  }

  async searchPeople(query: PersonQuery & { limit?: number }): Promise<CapabilityResult<Person[]>> {
    const facets: Record<string, string[]> = {};
    if (query.fullName || (query.firstName && query.lastName)) {
      facets.name = [query.fullName ?? `${query.firstName} ${query.lastName}`];
    }
    if (query.companyName) {
      facets.current_employer = [query.companyName];
    }
    if (query.domain) {
      facets.company_domain = [query.domain];
    }
    const result = await this.personSearch(facets, { pageSize: query.limit ?? 10 });
    const people = (result.data.profiles ?? []).map(mapRocketReachProfile);
    return {
      ...result,
      data: people.length > 0 ? { status: 'hit', data: people, credits: 0 } : { status: 'miss', credits: 0 },
    };
  }

  async lookupCompany(query: { domain?: string; name?: string }): Promise<CapabilityResult<Firmographics>> {
    try {
      const result = await this.companyLookup({
        domain: query.domain,
        name: query.domain ? undefined : query.name,
      });
      return { ...result, data: { status: 'hit', data: result.data, credits: 1 } };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found' && error.call) {
        return { data: { status: 'miss', credits: 0 }, raw: error.body, call: error.call, rateLimit: null };
      }
      throw error;
    }
  }

  async searchCompanies(query: {
    name?: string;
    domain?: string;
    limit?: number;
  }): Promise<CapabilityResult<Firmographics[]>> {
    const facets: Record<string, string[]> = {};
    if (query.name) {
      facets.name = [query.name];
    }
    if (query.domain) {
      facets.domain = [query.domain];
    }
    const result = await this.companySearch(facets, { pageSize: query.limit ?? 10 });
    const companies = (result.data.companies ?? []).map(mapRocketReachCompany);
    return {
      ...result,
      data:
        companies.length > 0
          ? { status: 'hit', data: companies, credits: 0 }
          : { status: 'miss', credits: 0 },
    };
  }

  checkCredits(): Promise<ProviderResult<CreditBalance, unknown>> {
    return this.account();
  }

  private checkMatch(match: RocketReachPersonMatch, endpoint: string): void {
    const identified =
      match.id !== undefined ||
      !!match.linkedin_url ||
      !!match.email ||
      !!match.phone ||
      (!!match.name && !!match.current_employer);
    if (!identified) {
      throw this.http.refused(
        endpoint,
        'identify the person by id, linkedin_url, email, phone, or name together with current_employer.',
      );
    }
  }

  private async profile(
    endpoint: string,
    path: string,
    query: HttpRequest['query'],
  ): Promise<ProviderResult<RocketReachProfile, RocketReachProfile>> {
    const { body, call } = await this.send({
      method: 'GET',
      endpoint,
      path,
      query,
      subject: 'the person',
      charge: (raw) =>
        isRecord(raw) && raw.status === 'complete' && (hasItems(raw.emails) || hasItems(raw.phones)) ? 1 : 0,
    });
    if (!isRecord(body) || typeof body.id !== 'number' || typeof body.status !== 'string') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a profile without id and status', body));
    }
    const raw = body as unknown as RocketReachProfile;
    return { data: raw, raw, call, rateLimit: null };
  }

  private async search<T>(
    endpoint: string,
    path: string,
    query: Record<string, string[]>,
    page: { start?: number; pageSize?: number },
  ): Promise<ProviderResult<RocketReachSearchResponse<T>, RocketReachSearchResponse<T>>> {
    const start = page.start ?? 1;
    const pageSize = page.pageSize ?? 10;
    if (
      !Number.isInteger(start) ||
      start < 1 ||
      start > 10_000 ||
      !Number.isInteger(pageSize) ||
      pageSize < 1 ||
      pageSize > 100
    ) {
      throw this.http.refused(endpoint, 'start must be 1..10000 and page_size 1..100.');
    }
    if (Object.keys(query).length === 0) {
      throw this.http.refused(endpoint, 'give at least one search facet.');
    }
    const { body, call } = await this.send({
      method: 'POST',
      endpoint,
      path,
      json: { query, start, page_size: pageSize },
      subject: 'the search',
    });
    if (!isRecord(body) || !isRecord(body.pagination)) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a search answer without pagination', body),
      );
    }
    const raw = body as unknown as RocketReachSearchResponse<T>;
    return { data: raw, raw, call, rateLimit: null };
  }

  private send(spec: Omit<HttpRequest, 'headers'>) {
    return this.http.request({ ...spec, headers: { 'Api-Key': this.options.apiKey } });
  }
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function matchOf(query: PersonQuery): RocketReachPersonMatch {
  const name =
    query.fullName ??
    (query.firstName && query.lastName ? `${query.firstName} ${query.lastName}` : undefined);
  return {
    ...(query.linkedinUrl ? { linkedin_url: query.linkedinUrl } : {}),
    ...(query.email ? { email: query.email } : {}),
    ...(query.phone ? { phone: query.phone } : {}),
    ...(name && (query.companyName || query.domain)
      ? { name, current_employer: query.companyName ?? query.domain }
      : {}),
  };
}

/** `credit_usage` first (the current schema, `'inf'` when unlimited), `lookup_credit_balance` as the fallback. */
export function accountBalance(account: RocketReachAccount): CreditBalance {
  const usage = account.credit_usage ?? [];
  const details: Record<string, number> = {};
  for (const entry of usage) {
    details[entry.credit_type] =
      entry.remaining === 'inf' ? Number.POSITIVE_INFINITY : Number(entry.remaining);
  }
  const lookup = usage.find((entry) => entry.credit_type.includes('lookup'));
  const remaining = lookup ? details[lookup.credit_type] : (account.lookup_credit_balance ?? 0);
  const limit = lookup
    ? lookup.allocated === 'inf'
      ? null
      : Number(lookup.allocated)
    : (account.plan?.lookup_limit ?? null);
  return { remaining, limit, renewsAt: null, details };
}
