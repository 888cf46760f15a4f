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

/** Nimbus Lookup's shapes (provider-apis.md §7): asynchronous lookups. */
export interface NimbusLookup {
  id: string;
  state: 'queued' | 'done' | 'failed';
  numbers?: { e164: string; type: 'mobile' | 'direct' | 'office' }[];
  error?: string | null;
}

/** @defaultValue enabled, priority 3, 200 lookups per hour, free tier, 0.5 credit, misses and landlines charged */
export const NIMBUS_LOOKUP_DEFAULTS: PhoneProviderConfig = Object.freeze({
  enabled: true,
  priority: 3,
  hourlyLimit: 200,
  minimumTier: 'free',
  costPerLookup: 0.5,
  missCharged: true,
  // Every finished lookup is charged.
  landlineCharged: true,
});

const LABEL = 'Nimbus Lookup';
const START = 'POST /lookups';
const STATUS = 'GET /lookups/{id}';

export function classifyNimbusFailure(failure: HttpFailure): ReturnType<typeof classifyByStatus> {
  const error = isRecord(failure.body) && isRecord(failure.body.error) ? failure.body.error : null;
  const code = error && typeof error.code === 'string' ? error.code : '';
  if (failure.status === 402 || code === 'payment_required') {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} has no credits left (HTTP ${failure.status}); top up the account.`,
    };
  }
  return classifyByStatus(failure, LABEL, code);
}

/**
 * Nimbus Lookup: `POST /lookups` answers `{id, state: "queued"}`; the result comes from
 * `GET /lookups/{id}` or the callback URL. Every lookup is charged, found or not.
 */
export class NimbusLookupAdapter extends HttpPhoneProvider {
  private readonly key: string;

  constructor(
    options: PhoneClientOptions,
    /** Where Nimbus should call back when a lookup is done; without it, lookups are polled. */
    private readonly callbackUrl?: () => string | undefined,
  ) {
    super('nimbus-lookup', LABEL, NIMBUS_LOOKUP_DEFAULTS, options, classifyNimbusFailure);
    this.key = options.apiKey;
  }

  /** Starts a lookup: `pending` with the lookup id. */
  async findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>> {
    const name = this.requireName(query, START);
    const callback = this.callbackUrl?.();
    const { body, call } = await this.http.request({
      method: 'POST',
      endpoint: START,
      path: '/lookups',
      headers: { 'X-Nimbus-Key': this.key },
      json: {
        name: `${name.first} ${name.last}`,
        ...(query.domain ? { domain: query.domain } : {}),
        ...(query.email ? { email: query.email } : {}),
        ...(query.linkedinUrl ? { linkedin_url: query.linkedinUrl } : {}),
        ...(callback ? { callback_url: callback } : {}),
      },
      subject: `${name.first} ${name.last}`,
    });
    if (!isRecord(body) || typeof body.id !== 'string' || body.id === '') {
      throw this.http.reportInvalid(this.http.invalidResponse(call, 'a started lookup without an id', body));
    }
    return { data: { status: 'pending', taskId: body.id, credits: 0 }, raw: body, call, rateLimit: null };
  }

  /** The lookup's outcome once done; `pending` while queued. Done lookups cost credits, hit or miss. */
  async completeFindPhone(id: string): Promise<CapabilityResult<FoundPhone[]>> {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) {
      throw this.http.refused(STATUS, `${JSON.stringify(id)} is not a Nimbus lookup id.`);
    }
    const { body, call } = await this.http.request({
      method: 'GET',
      endpoint: STATUS,
      path: `/lookups/${id}`,
      headers: { 'X-Nimbus-Key': this.key },
      subject: `lookup ${id}`,
    });
    return { data: nimbusOutcome(body, this.config.costPerLookup), raw: body, call, rateLimit: null };
  }
}

/** A lookup (polled, or delivered to the callback URL) as an outcome; the charge is the provider's rule. */
export function nimbusOutcome(body: unknown, cost: number): CapabilityResult<FoundPhone[]>['data'] {
  if (
    !isRecord(body) ||
    typeof body.id !== 'string' ||
    !['queued', 'done', 'failed'].includes(String(body.state))
  ) {
    throw new Error('not a Nimbus lookup: expected {id, state: queued|done|failed}');
  }
  const lookup = body as unknown as NimbusLookup;
  if (lookup.state === 'queued') {
    return { status: 'pending', taskId: lookup.id, credits: 0 };
  }
  if (lookup.state === 'failed') {
    return { status: 'miss', credits: 0, reason: lookup.error ?? 'lookup failed' };
  }
  const phones = phonesOf((lookup.numbers ?? []).map((n) => [n.e164, n.type] as const));
  return phones.length > 0
    ? { status: 'hit', data: phones, credits: cost }
    : { status: 'miss', credits: cost };
}
