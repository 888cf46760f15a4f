import type { FoundPhone, PersonQuery } from '@sluice/enrichment';
import { classifyByStatus, type HttpFailure } from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult } from '../port';
import {
  HttpPhoneProvider,
  phonesOf,
  type PhoneClientOptions,
  type PhoneProviderConfig,
} from './phone-provider';

/** Astra Dialer's answer (provider-apis.md §7): national-format numbers. */
export interface AstraFindPhoneResponse {
  status: 'found' | 'not_found';
  result: { mobile: string | null; direct: string | null; national_format: string } | null;
}

/** @defaultValue enabled, priority 2, 300 lookups per hour, free tier, 1 credit, misses free, landlines charged */
export const ASTRA_DIALER_DEFAULTS: PhoneProviderConfig = Object.freeze({
  enabled: true,
  priority: 2,
  hourlyLimit: 300,
  minimumTier: 'free',
  costPerLookup: 1,
  missCharged: false,
  // Charged per find, a direct (landline) number alone included.
  landlineCharged: true,
});

const LABEL = 'Astra Dialer';
const ENDPOINT = 'GET /api/find-phone';

export function classifyAstraFailure(failure: HttpFailure): ReturnType<typeof classifyByStatus> {
  const detail = isRecord(failure.body) && typeof failure.body.error === 'string' ? failure.body.error : '';
  if (failure.status === 402 || /credit/i.test(detail)) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has no credits left (HTTP ${failure.status}); top up the account.`,
    };
  }
  return classifyByStatus(failure, LABEL, detail);
}

/**
 * Astra Dialer: `GET /api/find-phone?name=&domain=` with `X-Api-Token`; numbers arrive in national
 * format (the country in `national_format`) and leave here in E.164. `X-Hourly-Remaining` says how
 * much of the hourly allowance is left.
 */
export class AstraDialerAdapter extends HttpPhoneProvider {
  private readonly token: string;

  constructor(options: PhoneClientOptions) {
    super('astra-dialer', LABEL, ASTRA_DIALER_DEFAULTS, options, classifyAstraFailure);
    this.token = options.apiKey;
  }

  async findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>> {
    const name = this.requireName(query, ENDPOINT);
    const domain = query.domain ?? '';
    const { body, call, headers, credits } = await this.http.request({
      method: 'GET',
      endpoint: ENDPOINT,
      path: '/api/find-phone',
      query: { name: `${name.first} ${name.last}`, domain },
      headers: { 'X-Api-Token': this.token },
      subject: `${name.first} ${name.last} at ${domain}`,
      charge: (raw) => (isRecord(raw) && raw.status === 'found' ? this.config.costPerLookup : 0),
    });
    if (!isRecord(body) || (body.status !== 'found' && body.status !== 'not_found')) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'an answer without status found/not_found', body),
      );
    }
    const raw = body as unknown as AstraFindPhoneResponse;
    const remaining = Number(headers.get('x-hourly-remaining'));
    const rateLimit =
      Number.isFinite(remaining) && headers.has('x-hourly-remaining')
        ? {
            limit: this.config.hourlyLimit,
            remaining,
            resetAt: new Date(Date.now() + 3_600_000),
            window: '1h',
          }
        : null;
    const phones = raw.result
      ? phonesOf(
          [
            [raw.result.mobile, 'mobile'],
            [raw.result.direct, 'direct'],
          ],
          raw.result.national_format || 'GB',
        )
      : [];
    return {
      data: phones.length > 0 ? { status: 'hit', data: phones, credits } : { status: 'miss', credits },
      raw,
      call,
      rateLimit,
    };
  }
}
