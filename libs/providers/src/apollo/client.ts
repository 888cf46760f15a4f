import type { FoundEmail, FoundPhone, Person, PersonQuery } from '@sluice/enrichment';
import type { ProviderCallInfo, ProviderResult, RateLimitInfo } from '../call-info';
import { ProviderError } from '../errors';
import {
  classifyByStatus,
  ProviderHttp,
  type ProviderCallHooks,
  type HttpFailure,
} from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult, CreditBalance, Outcome, ProviderAdapter } from '../port';
import { personInputProblem } from '../person-input';
import { APOLLO, APOLLO_COSTS } from './descriptor';
import { mapApolloOrganization, mapApolloPerson, mapApolloPhones } from './mapper';
import { requestIdFromText } from './request-id';
import type {
  ApolloBulkMatchResponse,
  ApolloMatchResponse,
  ApolloPerson,
  ApolloWebhookResult,
} from './types';

const LABEL = 'Apollo';
export const APOLLO_MAX_BULK = 10;
export const APOLLO_ENDPOINTS = Object.freeze({
  match: 'POST /people/match',
  bulkMatch: 'POST /people/bulk_match',
  webhookResult: 'GET /webhook_result/{request_id}',
  creditUsage: 'POST /usage_stats/credit_usage_stats',
} as const);

export interface ApolloOptions extends ProviderCallHooks {
  /** `https://api.apollo.io/api/v1` or the sandbox's `http://127.0.0.1:4010/apollo/api/v1`. */
  baseUrl: string;
  apiKey: string;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** Where Apollo should POST revealed phones; phone reveals need one. */
  webhookUrl?: () => string | undefined;
}

/** One person to match, in Apollo's field names. */
export interface ApolloMatchDetails {
  first_name?: string;
  last_name?: string;
  name?: string;
  email?: string;
  organization_name?: string;
  domain?: string;
  linkedin_url?: string;
}

function errorCode(body: unknown): string {
  if (!isRecord(body)) {
    return '';
  }
  return typeof body.error_code === 'string'
    ? body.error_code
    : typeof body.error === 'string'
      ? body.error
      : '';
}

export function classifyApolloFailure(
  failure: HttpFailure,
): ReturnType<typeof classifyByStatus> & { retryAfterMs?: number | null } {
  const code = errorCode(failure.body);
  if (/CREDIT/i.test(code)) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has not enough credits (${code}); top up or wait for the credit cycle.`,
    };
  }
  if (failure.status === 401) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the API key (HTTP 401); check APOLLO_API_KEY.`,
    };
  }
  if (failure.status === 403) {
    return {
      kind: 'forbidden',
      message: `${LABEL} refused ${failure.call.endpoint} (${code || 'HTTP 403'}); the key may lack access to it, or need to be a master key.`,
    };
  }
  if (failure.status === 429) {
    const message =
      isRecord(failure.body) && typeof failure.body.message === 'string'
        ? failure.body.message
        : 'rate limit reached';
    return {
      kind: 'rate_limited',
      message: `${LABEL}: ${message}`,
      retryAfterMs: failure.retryAfterMs ?? 60_000,
    };
  }
  if (failure.status === 404 && code === 'result_pending') {
    return { kind: 'not_found', message: `${LABEL} has no result yet for ${failure.subject}.` };
  }
  if (failure.status === 410) {
    return {
      kind: 'not_found',
      message: `${LABEL} no longer keeps ${failure.subject} (expired after 30 days).`,
    };
  }
  return classifyByStatus(failure, LABEL, code);
}

/**
 * The wait a `result_pending` answer asks for before the next poll (`retry_after_seconds`), in ms;
 * null when it names none or names something that is not a number of seconds.
 */
export function pollAfterMsOf(body: unknown): number | null {
  const given = isRecord(body) ? body.retry_after_seconds : undefined;
  const seconds = typeof given === 'string' && given.trim() !== '' ? Number(given) : given;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? Math.ceil(seconds * 1000)
    : null;
}

/** Apollo's per-window headers; the tightest window it reports (minute, then hour) wins. */
function rateLimitOf(headers: Headers): RateLimitInfo | null {
  const windows = [
    ['x-rate-limit-minute', 'x-minute-requests-left', 60_000, '1m'],
    ['x-rate-limit-hourly', 'x-hourly-requests-left', 3_600_000, '1h'],
  ] as const;
  for (const [limitHeader, leftHeader, span, window] of windows) {
    const limit = Number(headers.get(limitHeader));
    const left = Number(headers.get(leftHeader));
    if (
      headers.get(limitHeader) &&
      headers.get(leftHeader) &&
      Number.isFinite(limit) &&
      Number.isFinite(left)
    ) {
      return { limit, remaining: left, resetAt: new Date(Math.ceil(Date.now() / span) * span), window };
    }
  }
  return null;
}

function detailsOf(query: PersonQuery): ApolloMatchDetails {
  return {
    ...(query.firstName ? { first_name: query.firstName } : {}),
    ...(query.lastName ? { last_name: query.lastName } : {}),
    ...(query.fullName ? { name: query.fullName } : {}),
    ...(query.email ? { email: query.email } : {}),
    ...(query.companyName ? { organization_name: query.companyName } : {}),
    ...(query.domain ? { domain: query.domain.replace(/^www\./, '') } : {}),
    ...(query.linkedinUrl ? { linkedin_url: query.linkedinUrl } : {}),
  };
}

/**
 * Apollo's people enrichment: match and bulk match (at most 10), with `request_id` kept exact as a
 * string. Phone reveals (a match with `{ phone: true }`, the phones delivered to a webhook or
 * polled from `webhook_result`) are calls of the client only: no capability makes them (see APOLLO).
 */
export class ApolloAdapter implements ProviderAdapter {
  readonly descriptor = APOLLO;
  private readonly http: ProviderHttp;

  constructor(private readonly options: ApolloOptions) {
    if (!options.apiKey) {
      throw new Error('ApolloAdapter needs an API key: configure APOLLO_API_KEY.');
    }
    this.http = new ProviderHttp({
      provider: APOLLO.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify: classifyApolloFailure,
      requestIdHeader: 'x-request-id',
    });
  }

  /** `POST /people/match`: 1 credit when a person is found. `requestId` is exact. */
  async match(
    details: ApolloMatchDetails,
    reveal: { phone?: boolean } = {},
  ): Promise<ProviderResult<{ person: ApolloPerson | null; requestId: string | null }, ApolloMatchResponse>> {
    if (Object.keys(details).length === 0) {
      throw this.http.refused(
        APOLLO_ENDPOINTS.match,
        'give at least one identifier (name and domain, e-mail or LinkedIn URL).',
      );
    }
    const webhookUrl = reveal.phone ? this.options.webhookUrl?.() : undefined;
    if (reveal.phone && !webhookUrl) {
      throw this.http.refused(
        APOLLO_ENDPOINTS.match,
        'Apollo reveals phones only to a webhook URL; configure the webhook receiver URL.',
      );
    }
    const { body, text, call, headers } = await this.http.request({
      method: 'POST',
      endpoint: APOLLO_ENDPOINTS.match,
      path: '/people/match',
      query: reveal.phone ? { reveal_phone_number: true, webhook_url: webhookUrl } : undefined,
      headers: { 'x-api-key': this.options.apiKey },
      json: details,
      subject: 'the person',
      charge: (raw) => (isRecord(raw) && isRecord(raw.person) ? APOLLO_COSTS.match : 0),
    });
    if (!isRecord(body)) {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'an answer that is not an object', body));
    }
    const raw = body as unknown as ApolloMatchResponse;
    return {
      data: { person: isRecord(raw.person) ? raw.person : null, requestId: requestIdFromText(text) },
      raw,
      call,
      rateLimit: rateLimitOf(headers),
    };
  }

  /** `POST /people/bulk_match`: 1 to 10 people, refused before sending otherwise. */
  async bulkMatch(
    details: ApolloMatchDetails[],
  ): Promise<
    ProviderResult<
      { matches: (Person | null)[]; requestId: string | null; credits: number },
      ApolloBulkMatchResponse
    >
  > {
    if (details.length === 0 || details.length > APOLLO_MAX_BULK) {
      throw this.http.refused(
        APOLLO_ENDPOINTS.bulkMatch,
        `send 1 to ${APOLLO_MAX_BULK} people per call (got ${details.length}).`,
      );
    }
    const { body, text, call, headers, credits } = await this.http.request({
      method: 'POST',
      endpoint: APOLLO_ENDPOINTS.bulkMatch,
      path: '/people/bulk_match',
      headers: { 'x-api-key': this.options.apiKey },
      json: { details },
      subject: `${details.length} people`,
      charge: (raw) => (isRecord(raw) && typeof raw.credits_consumed === 'number' ? raw.credits_consumed : 0),
    });
    if (!isRecord(body) || !Array.isArray(body.matches)) {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a bulk answer without matches', body));
    }
    const raw = body as unknown as ApolloBulkMatchResponse;
    return {
      data: {
        matches: raw.matches.map((match) => (isRecord(match) ? mapApolloPerson(match) : null)),
        requestId: requestIdFromText(text),
        credits,
      },
      raw,
      call,
      rateLimit: rateLimitOf(headers),
    };
  }

  /**
   * `GET /webhook_result/{request_id}` (free): the phones of a reveal, or pending with the wait
   * Apollo asked for before the next poll.
   */
  async webhookResult(requestId: string): Promise<CapabilityResult<FoundPhone[]>> {
    if (!/^-?\d{1,20}$/.test(requestId)) {
      throw this.http.refused(
        APOLLO_ENDPOINTS.webhookResult,
        `${JSON.stringify(requestId)} is not an Apollo request id.`,
      );
    }
    try {
      const { body, call } = await this.http.request({
        method: 'GET',
        endpoint: APOLLO_ENDPOINTS.webhookResult,
        path: `/webhook_result/${requestId}`,
        headers: { 'x-api-key': this.options.apiKey },
        subject: `request ${requestId}`,
        free: true,
      });
      return { data: apolloPhoneOutcome(body), raw: body, call, rateLimit: null };
    } catch (error) {
      if (error instanceof ProviderError && errorCode(error.body) === 'result_pending' && error.call) {
        const pollAfterMs = pollAfterMsOf(error.body);
        return {
          data: {
            status: 'pending',
            taskId: requestId,
            credits: 0,
            ...(pollAfterMs === null ? {} : { pollAfterMs }),
          },
          raw: error.body,
          call: error.call,
          rateLimit: null,
        };
      }
      throw error;
    }
  }

  /** What to match a person by, once the query meets Apollo's rule in PERSON_INPUT_RULES. */
  private personDetails(query: PersonQuery): ApolloMatchDetails {
    const problem = personInputProblem(APOLLO.name, query);
    if (problem) {
      throw this.http.refused(APOLLO_ENDPOINTS.match, `Apollo matches a person by ${problem}.`);
    }
    return detailsOf(query);
  }

  /**
   * A match: the person, and the organization they work at, which comes with them and is charged
   * with them (`revealed`: kept for the company's later firmographics questions). A lookup for the
   * e-mail reveals the person's profile too.
   */
  async lookupPerson(query: PersonQuery): Promise<CapabilityResult<Person>> {
    const result = await this.match(this.personDetails(query));
    const person = result.data.person;
    if (!person) {
      return { ...result, data: { status: 'miss', credits: 0 } };
    }
    const firmographics = mapApolloOrganization(person.organization);
    return {
      ...result,
      data: {
        status: 'hit',
        data: mapApolloPerson(person),
        credits: APOLLO_COSTS.match,
        ...(firmographics ? { revealed: { firmographics } } : {}),
      },
    };
  }

  async findWorkEmail(query: PersonQuery): Promise<CapabilityResult<FoundEmail>> {
    const result = await this.lookupPerson(query);
    const { data } = result;
    const revealed = data.status === 'hit' ? { revealed: { ...data.revealed, profile: data.data } } : {};
    const outcome: Outcome<FoundEmail> =
      data.status === 'hit' && data.data.emails[0]
        ? { status: 'hit', data: data.data.emails[0], credits: data.credits, ...revealed }
        : { status: 'miss', credits: data.credits, reason: 'no e-mail', ...revealed };
    return { ...result, data: outcome };
  }

  /** `POST /usage_stats/credit_usage_stats`: lead credits left in the current cycle. */
  async checkCredits(): Promise<ProviderResult<CreditBalance, unknown>> {
    const { body, call } = await this.http.request({
      method: 'POST',
      endpoint: APOLLO_ENDPOINTS.creditUsage,
      path: '/usage_stats/credit_usage_stats',
      headers: { 'x-api-key': this.options.apiKey },
      json: {},
      subject: 'credit usage',
    });
    const stats = isRecord(body) && isRecord(body.credit_usage_stats) ? body.credit_usage_stats : null;
    const lead = stats && isRecord(stats.lead_credit) ? stats.lead_credit : null;
    if (!lead || typeof lead.left_over !== 'number') {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'credit usage without lead_credit.left_over', body),
      );
    }
    const cycle = isRecord(body) && isRecord(body.current_credit_cycle) ? body.current_credit_cycle : null;
    const details: Record<string, number> = {};
    for (const [name, pool] of Object.entries(stats ?? {})) {
      if (isRecord(pool) && typeof pool.left_over === 'number') {
        details[name] = pool.left_over;
      }
    }
    return {
      data: {
        remaining: lead.left_over,
        limit: typeof lead.limit === 'number' ? lead.limit : null,
        renewsAt: cycle && typeof cycle.end_date === 'string' ? new Date(cycle.end_date) : null,
        details,
      },
      raw: body,
      call: call satisfies ProviderCallInfo,
      rateLimit: null,
    };
  }
}

/**
 * A phone reveal (webhook body or `webhook_result` answer) as an outcome. Its `credits` are
 * `credits_consumed` as Apollo reports it, else 8 per mobile. Whether Apollo's count includes the
 * credit of the match that started the reveal is not documented (provider-apis.md §4): a caller
 * adding the two may count that credit twice.
 */
export function apolloPhoneOutcome(body: unknown): Outcome<FoundPhone[]> {
  if (!isRecord(body) || !isRecord(body.webhook_result) || !Array.isArray(body.webhook_result.people)) {
    throw new Error('not an Apollo phone result: expected {request_id, webhook_result: {people: [...]}}');
  }
  const result = body as unknown as ApolloWebhookResult;
  const phones = mapApolloPhones(result);
  const credits =
    result.webhook_result.credits_consumed ??
    phones.filter((p) => p.kind === 'mobile').length * APOLLO_COSTS.mobilePhone;
  return phones.length > 0 ? { status: 'hit', data: phones, credits } : { status: 'miss', credits: 0 };
}
