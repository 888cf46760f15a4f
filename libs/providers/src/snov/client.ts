import type { Firmographics, FoundEmail } from '@sluice/enrichment';
import type { ProviderResult } from '../call-info';
import { ProviderError } from '../errors';
import {
  classifyByStatus,
  ProviderHttp,
  type ProviderCallHooks,
  type HttpFailure,
  type HttpRequest,
} from '../http/provider-http';
import { isRecord } from '../json';
import type { CreditBalance, Outcome } from '../port';
import { SNOV, SNOV_COSTS } from './descriptor';
import { mapBalance, mapDomainSearchResult, mapEmailFinderResult } from './mapper';
import type {
  SnovBalanceResponse,
  SnovDomainSearchResult,
  SnovDomainSearchStartResponse,
  SnovEmailFinderResult,
  SnovEmailFinderStartResponse,
  SnovFinderRow,
  SnovTokenResponse,
} from './types';

const LABEL = 'Snov.io';
/** Refresh this long before the token's stated expiry, so a call never leaves with a dying token. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Snov.io allows 60 requests per minute and documents no Retry-After: wait at least a second. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
export const SNOV_MAX_FINDER_ROWS = 10;

export const SNOV_ENDPOINTS = Object.freeze({
  token: 'POST /v1/oauth/access_token',
  balance: 'GET /v1/get-balance',
  domainSearchStart: 'POST /v2/domain-search/start',
  domainSearchResult: 'GET /v2/domain-search/result/{task_hash}',
  emailFinderStart: 'POST /v2/emails-by-domain-by-name/start',
  emailFinderResult: 'GET /v2/emails-by-domain-by-name/result',
} as const);

export interface SnovClientOptions extends ProviderCallHooks {
  /** `https://api.snov.io` or the sandbox's `http://127.0.0.1:4010/snov`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Limit on one HTTP call.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

/** A task Snov.io works on; finish it from the webhook or by polling. */
export interface SnovTask {
  taskHash: string;
}

function errorText(body: unknown): string | null {
  if (!isRecord(body)) {
    return null;
  }
  for (const key of ['errors', 'error', 'message']) {
    const value = body[key];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }
  return null;
}

/**
 * Snov.io documents neither its error bodies nor its 429 (provider-apis.md §2, "Unconfirmed"), so
 * the mapping reads the status first and the message second.
 */
export function classifySnovFailure(failure: HttpFailure): {
  kind: ProviderError['kind'];
  message: string;
  retryAfterMs?: number | null;
} {
  const detail = errorText(failure.body) ?? '';
  if (
    failure.status === 402 ||
    /not enough credits|no credits|insufficient (credits|balance)/i.test(detail)
  ) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has not enough credits for ${failure.call.endpoint} (HTTP ${failure.status}); top up or wait for the renewal.`,
    };
  }
  if (failure.status === 401) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the credentials (HTTP 401${detail ? `: ${detail}` : ''}); check SNOV_CLIENT_ID and SNOV_CLIENT_SECRET.`,
    };
  }
  if (failure.status === 429) {
    return {
      kind: 'rate_limited',
      message: `${LABEL} rate limit reached (60 requests per minute); retry later.`,
      retryAfterMs: failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
    };
  }
  if (failure.status === 404) {
    return {
      kind: 'not_found',
      message: `${LABEL} has no ${failure.subject} (HTTP 404${detail ? `: ${detail}` : ''}).`,
    };
  }
  return classifyByStatus(failure, LABEL, detail);
}

/**
 * Snov.io's API: OAuth client-credentials token (cached until shortly before it expires, shared by
 * concurrent callers, refreshed once when a call meets a 401), balance, and the asynchronous domain
 * search and e-mail finder (start → task hash → result, or a webhook).
 */
export class SnovClient {
  private readonly http: ProviderHttp;
  private readonly now: () => number;
  private token: { value: string; expiresAt: number } | null = null;
  /** The token a refresh replaced: an answer to a call made with it may still echo it. */
  private retiredToken: string | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(private readonly options: SnovClientOptions) {
    if (!options.clientId || !options.clientSecret) {
      throw new Error(
        'SnovClient needs a client id and secret: configure SNOV_CLIENT_ID and SNOV_CLIENT_SECRET.',
      );
    }
    this.now = options.now ?? Date.now;
    this.http = new ProviderHttp({
      provider: SNOV.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [
        options.clientSecret,
        ...(this.token ? [this.token.value] : []),
        ...(this.retiredToken ? [this.retiredToken] : []),
      ],
      classify: classifySnovFailure,
    });
  }

  /** `GET /v1/get-balance`: free. */
  async getBalance(): Promise<ProviderResult<CreditBalance, SnovBalanceResponse>> {
    const { body, call } = await this.authorized({
      method: 'GET',
      endpoint: SNOV_ENDPOINTS.balance,
      path: '/v1/get-balance',
      subject: 'the balance',
    });
    if (!isRecord(body) || !isRecord(body.data) || typeof body.data.balance !== 'string') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a balance without data.balance', body));
    }
    // A balance that is no number says nothing of the account: read as 0, it would pause the
    // provider as out of credits until the next good reading.
    if (body.data.balance.trim() === '' || !Number.isFinite(Number(body.data.balance))) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a data.balance that is no number', body),
      );
    }
    const raw = body as unknown as SnovBalanceResponse;
    return { data: mapBalance(raw, new Date(this.now())), raw, call, rateLimit: null };
  }

  /** `POST /v2/domain-search/start`: free to start; the result costs 1 credit when it finds the company. */
  async startDomainSearch(
    domain: string,
    webhookUrl?: string,
  ): Promise<ProviderResult<SnovTask, SnovDomainSearchStartResponse>> {
    const trimmed = domain.trim().toLowerCase();
    if (!/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(trimmed)) {
      throw this.http.refused(
        SNOV_ENDPOINTS.domainSearchStart,
        `${JSON.stringify(domain)} is not a domain name.`,
      );
    }
    const { body, call } = await this.authorized({
      method: 'POST',
      endpoint: SNOV_ENDPOINTS.domainSearchStart,
      path: '/v2/domain-search/start',
      json: { domain: trimmed, ...(webhookUrl ? { webhook_url: webhookUrl } : {}) },
      subject: `a domain search for ${trimmed}`,
    });
    const taskHash = isRecord(body) && isRecord(body.meta) ? body.meta.task_hash : undefined;
    if (typeof taskHash !== 'string' || taskHash === '') {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a started domain search without meta.task_hash', body),
      );
    }
    return { data: { taskHash }, raw: body as SnovDomainSearchStartResponse, call, rateLimit: null };
  }

  /**
   * `GET /v2/domain-search/result/{task_hash}`: pending until Snov.io has finished; 1 credit when it
   * found the company. Snov.io charges a task once, however often its result is read: stop polling at
   * the first finished answer, whose `credits` is the task's price. That is the list price: Snov.io
   * does not charge a repeat of the same search, which only reconciling with `getBalance()` shows.
   */
  async getDomainSearchResult(
    taskHash: string,
  ): Promise<ProviderResult<Outcome<Firmographics>, SnovDomainSearchResult>> {
    const { body, call } = await this.authorized({
      method: 'GET',
      endpoint: SNOV_ENDPOINTS.domainSearchResult,
      path: `/v2/domain-search/result/${encodeURIComponent(this.taskHashOf(taskHash, SNOV_ENDPOINTS.domainSearchResult))}`,
      subject: `domain search task ${taskHash}`,
      // Snov.io charges a search only when it found the company (provider-apis.md §2).
      charge: (raw) =>
        isRecord(raw) && raw.status === 'completed' && isRecord(raw.data)
          ? SNOV_COSTS.domainSearchWithResults
          : 0,
    });
    const raw = this.resultBody<SnovDomainSearchResult>(body, call);
    return { data: domainSearchOutcome(raw, taskHash), raw, call, rateLimit: null };
  }

  /** `POST /v2/emails-by-domain-by-name/start`: at most 10 people; free to start. */
  async startEmailFinder(
    rows: SnovFinderRow[],
    webhookUrl?: string,
  ): Promise<ProviderResult<SnovTask, SnovEmailFinderStartResponse>> {
    if (rows.length === 0 || rows.length > SNOV_MAX_FINDER_ROWS) {
      throw this.http.refused(
        SNOV_ENDPOINTS.emailFinderStart,
        `send 1 to ${SNOV_MAX_FINDER_ROWS} people per request (got ${rows.length}).`,
      );
    }
    for (const [index, row] of rows.entries()) {
      if (!row.first_name.trim() || !row.last_name.trim() || !row.domain.trim()) {
        throw this.http.refused(
          SNOV_ENDPOINTS.emailFinderStart,
          `rows[${index}] needs first_name, last_name and domain.`,
        );
      }
    }
    const { body, call } = await this.authorized({
      method: 'POST',
      endpoint: SNOV_ENDPOINTS.emailFinderStart,
      path: '/v2/emails-by-domain-by-name/start',
      json: { rows, ...(webhookUrl ? { webhook_url: webhookUrl } : {}) },
      subject: `an e-mail search for ${rows.length} people`,
    });
    const taskHash = isRecord(body) && isRecord(body.data) ? body.data.task_hash : undefined;
    if (typeof taskHash !== 'string' || taskHash === '') {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a started e-mail search without data.task_hash', body),
      );
    }
    return { data: { taskHash }, raw: body as SnovEmailFinderStartResponse, call, rateLimit: null };
  }

  /**
   * `GET /v2/emails-by-domain-by-name/result?task_hash=`: per row, the e-mails found. Costs 1 credit
   * per e-mail returned, which `credits` of a hit says; as with the domain search, the task is
   * charged once, so stop polling at the first finished answer.
   */
  async getEmailFinderResult(
    taskHash: string,
  ): Promise<ProviderResult<Outcome<FoundEmail[][]>, SnovEmailFinderResult>> {
    const { body, call } = await this.authorized({
      method: 'GET',
      endpoint: SNOV_ENDPOINTS.emailFinderResult,
      path: '/v2/emails-by-domain-by-name/result',
      query: { task_hash: this.taskHashOf(taskHash, SNOV_ENDPOINTS.emailFinderResult) },
      subject: `e-mail search task ${taskHash}`,
      charge: (raw) =>
        isRecord(raw) && raw.status === 'completed'
          ? countEmails(raw as unknown as SnovEmailFinderResult) * SNOV_COSTS.emailFinderPerEmail
          : 0,
    });
    const raw = this.resultBody<SnovEmailFinderResult>(body, call);
    if (raw.status === 'completed' && !isFinderRows(raw.data)) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a finished e-mail search whose rows are not lists of e-mails', body),
      );
    }
    return { data: emailFinderOutcome(raw, taskHash), raw, call, rateLimit: null };
  }

  /** Forgets the cached token (e.g. after the credentials changed). */
  forgetToken(): void {
    this.token = null;
  }

  private taskHashOf(taskHash: string, endpoint: string): string {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(taskHash)) {
      throw this.http.refused(endpoint, `${JSON.stringify(taskHash)} is not a Snov.io task hash.`);
    }
    return taskHash;
  }

  private resultBody<T>(body: unknown, call: ProviderResult<unknown, unknown>['call']): T {
    if (!isRecord(body) || typeof body.status !== 'string') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a task result without a status', body));
    }
    if (body.status === 'not_enough_credits') {
      throw this.http.reportInvalid(
        new ProviderError({
          provider: SNOV.name,
          kind: 'out_of_credits',
          message: `${LABEL} stopped ${call.endpoint}: not enough credits; top up or wait for the renewal.`,
          status: call.status,
          call,
          body,
        }),
      );
    }
    return body as T;
  }

  /** A call with the current token; on a 401 the token is renewed once and the call repeated once. */
  private async authorized(
    spec: HttpRequest,
  ): Promise<{ body: unknown; call: ProviderResult<unknown, unknown>['call'] }> {
    const token = await this.accessToken();
    try {
      return await this.http.request({
        ...spec,
        headers: { ...spec.headers, Authorization: `Bearer ${token}` },
      });
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'unauthorized') {
        throw error;
      }
      // Only the token that failed is dropped: a concurrent caller may already have renewed it.
      if (this.token?.value === token) {
        this.retiredToken = token;
        this.token = null;
      }
      const fresh = await this.accessToken();
      return this.http.request({ ...spec, headers: { ...spec.headers, Authorization: `Bearer ${fresh}` } });
    }
  }

  /**
   * Whether the next call will first fetch a token (none cached, or one about to expire, and no
   * fetch under way to share): a call of its own, counted against the account's 60 a minute.
   */
  tokenDue(): boolean {
    return !this.tokenValid() && this.tokenRequest === null;
  }

  private tokenValid(): boolean {
    return this.token !== null && this.now() < this.token.expiresAt - TOKEN_REFRESH_MARGIN_MS;
  }

  private accessToken(): Promise<string> {
    if (this.token && this.tokenValid()) {
      return Promise.resolve(this.token.value);
    }
    // Concurrent callers share one token request.
    this.tokenRequest ??= this.requestToken().finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    const { body, call } = await this.http.request({
      method: 'POST',
      endpoint: SNOV_ENDPOINTS.token,
      path: '/v1/oauth/access_token',
      form: {
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      },
      subject: 'an access token',
    });
    if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a token answer without access_token', body),
      );
    }
    const raw = body as unknown as SnovTokenResponse;
    const lifetimeS = typeof raw.expires_in === 'number' && raw.expires_in > 0 ? raw.expires_in : 3600;
    this.retiredToken = this.token?.value ?? this.retiredToken;
    this.token = { value: raw.access_token, expiresAt: this.now() + lifetimeS * 1000 };
    return raw.access_token;
  }
}

/** Rows as documented: each an object whose `result`, when present, is a list of e-mail objects. */
function isFinderRows(data: unknown): boolean {
  return (
    Array.isArray(data) &&
    data.every(
      (row) =>
        isRecord(row) && (row.result == null || (Array.isArray(row.result) && row.result.every(isRecord))),
    )
  );
}

/**
 * E-mails returned, as Snov.io charges them. Only lists of e-mail objects count: the cost is read
 * before the shape is checked, and a string's length is no number of e-mails.
 */
function countEmails(result: SnovEmailFinderResult): number {
  const rows: unknown[] = Array.isArray(result.data) ? result.data : [];
  return rows.reduce<number>(
    (sum, row) => sum + (isRecord(row) && Array.isArray(row.result) ? row.result.filter(isRecord).length : 0),
    0,
  );
}

function domainSearchOutcome(raw: SnovDomainSearchResult, taskHash: string): Outcome<Firmographics> {
  if (raw.status !== 'completed') {
    return { status: 'pending', taskId: taskHash, credits: 0 };
  }
  const company = mapDomainSearchResult(raw);
  return company
    ? { status: 'hit', data: company, credits: SNOV_COSTS.domainSearchWithResults }
    : { status: 'miss', credits: 0, reason: 'no results' };
}

function emailFinderOutcome(raw: SnovEmailFinderResult, taskHash: string): Outcome<FoundEmail[][]> {
  if (raw.status !== 'completed') {
    return { status: 'pending', taskId: taskHash, credits: 0 };
  }
  const rows = mapEmailFinderResult(raw);
  const credits = countEmails(raw) * SNOV_COSTS.emailFinderPerEmail;
  return rows.some((emails) => emails.length > 0)
    ? { status: 'hit', data: rows, credits }
    : { status: 'miss', credits: 0, reason: 'no e-mail found' };
}
