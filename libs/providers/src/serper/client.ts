import type { ProviderResult } from '../call-info';
import {
  classifyByStatus,
  ProviderHttp,
  type ProviderCallHooks,
  type HttpFailure,
} from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult, DomainResolution, ProviderAdapter } from '../port';
import { SERPER } from './descriptor';
import { discoverDomain } from './domain-discovery';
import type { SerperSearchRequest, SerperSearchResponse } from './types';

const LABEL = 'Serper';
const ENDPOINT = 'POST /search';

export interface SerperOptions extends ProviderCallHooks {
  /** `https://google.serper.dev` or the sandbox's `http://127.0.0.1:4010/serper`. */
  baseUrl: string;
  apiKey: string;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
}

/** Serper answers credit exhaustion with a 400, told apart from bad input by its message. */
export function classifySerperFailure(failure: HttpFailure): ReturnType<typeof classifyByStatus> {
  const message =
    isRecord(failure.body) && typeof failure.body.message === 'string' ? failure.body.message : '';
  if (/not enough credits/i.test(message)) {
    return { kind: 'out_of_credits', message: `${LABEL} has not enough credits; top up the account.` };
  }
  if (failure.status === 401 || failure.status === 403) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the key (HTTP ${failure.status}); check SERPER_API_KEY.`,
    };
  }
  return classifyByStatus(failure, LABEL, message);
}

/** Serper's Google search, for company signals and domain discovery. */
export class SerperAdapter implements ProviderAdapter {
  readonly descriptor = SERPER;
  private readonly http: ProviderHttp;

  constructor(private readonly options: SerperOptions) {
    if (!options.apiKey) {
      throw new Error('SerperAdapter needs an API key: configure SERPER_API_KEY.');
    }
    this.http = new ProviderHttp({
      provider: SERPER.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify: classifySerperFailure,
    });
  }

  /** One search, 1 credit (Serper's `credits` when it says so). */
  async search(
    request: SerperSearchRequest,
  ): Promise<ProviderResult<SerperSearchResponse, SerperSearchResponse>> {
    if (!request.q.trim()) {
      throw this.http.refused(ENDPOINT, 'the query is empty.');
    }
    const { body, call } = await this.http.request({
      method: 'POST',
      endpoint: ENDPOINT,
      path: '/search',
      headers: { 'X-API-KEY': this.options.apiKey },
      json: request,
      subject: JSON.stringify(request.q),
      charge: (raw) => (isRecord(raw) && typeof raw.credits === 'number' ? raw.credits : 1),
    });
    if (!isRecord(body) || !Array.isArray(body.organic)) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'a search answer without organic results', body),
      );
    }
    const raw = body as unknown as SerperSearchResponse;
    return { data: raw, raw, call, rateLimit: null };
  }

  /** The company's domain from a search for its name; a miss when the results do not say. */
  async resolveCompanyDomain(query: {
    companyName: string;
    country?: string;
  }): Promise<CapabilityResult<DomainResolution, SerperSearchResponse>> {
    const name = query.companyName.trim();
    if (!name) {
      throw this.http.refused(ENDPOINT, 'give the company name to find its domain.');
    }
    const result = await this.search({
      q: name,
      gl: (query.country ?? 'gb').toLowerCase(),
      hl: 'en',
      num: 10,
    });
    const credits = typeof result.raw.credits === 'number' ? result.raw.credits : 1;
    const domain = discoverDomain(name, result.raw);
    return {
      ...result,
      data: domain
        ? { status: 'hit', data: { domain, companyName: result.raw.knowledgeGraph?.title ?? null }, credits }
        : { status: 'miss', credits, reason: 'no company website among the results' },
    };
  }
}
