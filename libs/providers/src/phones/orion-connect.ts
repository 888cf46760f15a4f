import type { FoundPhone, PersonQuery } from '@sluice/enrichment';
import { ProviderError } from '../errors';
import { classifyByStatus, type HttpFailure } from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult } from '../port';
import {
  HttpPhoneProvider,
  phonesOf,
  type PhoneClientOptions,
  type PhoneProviderConfig,
} from './phone-provider';

/** Orion Connect's answer (provider-apis.md §7). */
export interface OrionLookupResponse {
  phones: { number: string; line_type: 'mobile' | 'landline' | 'voip'; confidence: number }[];
  credits_charged: number;
}

/** @defaultValue enabled, priority 1, 500 lookups per hour, pro tier, 1 credit, misses free, landlines charged */
export const ORION_CONNECT_DEFAULTS: PhoneProviderConfig = Object.freeze({
  enabled: true,
  priority: 1,
  hourlyLimit: 500,
  minimumTier: 'pro',
  costPerLookup: 1,
  missCharged: false,
  // Charged per match, whatever the line types of the numbers it returns.
  landlineCharged: true,
});

const LABEL = 'Orion Connect';
const ENDPOINT = 'POST /v1/phones/lookup';

export function classifyOrionFailure(failure: HttpFailure): ReturnType<typeof classifyByStatus> {
  const code = isRecord(failure.body) && typeof failure.body.error === 'string' ? failure.body.error : '';
  if (failure.status === 402) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has no credits left (HTTP 402); top up the account.`,
    };
  }
  return classifyByStatus(failure, LABEL, code);
}

/** Orion Connect: `POST /v1/phones/lookup` with a Bearer key; a 404 is its "no match" (free). */
export class OrionConnectAdapter extends HttpPhoneProvider {
  private readonly authorization: string;

  constructor(options: PhoneClientOptions) {
    super('orion-connect', LABEL, ORION_CONNECT_DEFAULTS, options, classifyOrionFailure);
    this.authorization = `Bearer ${options.apiKey}`;
  }

  async findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>> {
    const name = this.requireName(query, ENDPOINT);
    try {
      const { body, call, credits } = await this.http.request({
        method: 'POST',
        endpoint: ENDPOINT,
        path: '/v1/phones/lookup',
        headers: { Authorization: this.authorization },
        json: {
          first_name: name.first,
          last_name: name.last,
          ...(query.domain ? { company_domain: query.domain } : {}),
          ...(query.linkedinUrl ? { linkedin_url: query.linkedinUrl } : {}),
          ...(query.email ? { email: query.email } : {}),
        },
        subject: `${name.first} ${name.last}`,
        charge: (raw) => (isRecord(raw) && typeof raw.credits_charged === 'number' ? raw.credits_charged : 0),
      });
      if (!isRecord(body) || !Array.isArray(body.phones)) {
        throw this.http.reportInvalid(this.http.invalidResponse(call, 'an answer without phones', body));
      }
      const raw = body as unknown as OrionLookupResponse;
      const phones = phonesOf(
        raw.phones.map((p) => [p.number, p.line_type === 'mobile' ? 'mobile' : 'direct'] as const),
      );
      return {
        data: phones.length > 0 ? { status: 'hit', data: phones, credits } : { status: 'miss', credits },
        raw,
        call,
        rateLimit: null,
      };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found' && error.call) {
        return {
          data: { status: 'miss', credits: 0, reason: 'no match' },
          raw: error.body,
          call: error.call,
          rateLimit: null,
        };
      }
      throw error;
    }
  }
}
