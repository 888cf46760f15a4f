import {
  distinctPhones,
  normalizePhoneParts,
  phoneCountryOf,
  type FoundPhone,
  type PersonQuery,
} from '@sluice/enrichment';
import type { CountryCode } from 'libphonenumber-js';
import { ProviderHttp, type ProviderCallHooks, type ErrorClassifier } from '../http/provider-http';
import { personInputProblem, personName } from '../person-input';
import type { CapabilityResult, ProviderAdapter, ProviderDescriptor } from '../port';

/** Who may use a provider: a workspace's tier must be at least the provider's minimum. */
export type UserTier = 'free' | 'pro' | 'enterprise';
export const USER_TIERS: readonly UserTier[] = ['free', 'pro', 'enterprise'];

/** How Sluice uses one phone provider; the waterfall's filters and ordering read these. */
export interface PhoneProviderConfig {
  enabled: boolean;
  /** Lower goes first when the waterfall orders by configured priority. */
  priority: number;
  /** Lookups per hour the plan allows. */
  hourlyLimit: number;
  minimumTier: UserTier;
  /** Credits one lookup costs. */
  costPerLookup: number;
  /** Whether a lookup that finds nothing is charged too. */
  missCharged: boolean;
  /** Whether a lookup that finds only landlines is charged (a mobile-phone goal refuses that answer). */
  landlineCharged: boolean;
}

/** The phone-lookup port: three vendors with three API shapes behind one method. */
export interface PhoneProvider extends ProviderAdapter {
  readonly config: PhoneProviderConfig;
  findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>>;
}

/** A phone provider's descriptor follows its configured cost and miss rule. */
export function phoneDescriptor(name: string, config: PhoneProviderConfig): ProviderDescriptor {
  return Object.freeze({
    name,
    capabilities: Object.freeze({
      find_phone: Object.freeze({
        credits: config.costPerLookup,
        chargedOnMiss: config.missCharged,
        chargedOnLandline: config.landlineCharged,
      }),
    }),
  });
}

/** Whether a workspace of `tier` may use a provider that needs `minimum`. */
export function tierAllows(tier: UserTier, minimum: UserTier): boolean {
  return USER_TIERS.indexOf(tier) >= USER_TIERS.indexOf(minimum);
}

/** What every phone client is built from. */
export interface PhoneClientOptions extends ProviderCallHooks {
  baseUrl: string;
  apiKey: string;
  /** Overrides of the provider's defaults. */
  config?: Partial<PhoneProviderConfig>;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
}

/** The HTTP plumbing the three phone adapters share; each adds its own request and answer shapes. */
export abstract class HttpPhoneProvider implements PhoneProvider {
  readonly config: PhoneProviderConfig;
  readonly descriptor: ProviderDescriptor;
  protected readonly http: ProviderHttp;

  protected constructor(
    name: string,
    private readonly label: string,
    defaults: PhoneProviderConfig,
    options: PhoneClientOptions,
    classify: ErrorClassifier,
  ) {
    if (!options.apiKey) {
      throw new Error(
        `${label} needs an API key: configure ${name.toUpperCase().replace(/-/g, '_')}_API_KEY.`,
      );
    }
    this.config = { ...defaults, ...options.config };
    this.descriptor = phoneDescriptor(name, this.config);
    this.http = new ProviderHttp({
      provider: name,
      label,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify,
    });
  }

  abstract findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>>;

  /**
   * The person's name, once the query meets what this provider needs (its rule in
   * PERSON_INPUT_RULES, which the planner checks too); otherwise a refusal naming what it needs.
   */
  protected requireName(query: PersonQuery, endpoint: string): { first: string; last: string } {
    const name = personName(query);
    const problem = personInputProblem(this.descriptor.name, query);
    if (problem || !name) {
      throw this.http.refused(endpoint, `${this.label} needs ${problem ?? 'a name'}.`);
    }
    return name;
  }
}

/**
 * E.164 phones of a given kind, dropping what does not parse. Each entry is the number as the
 * provider wrote it, its kind, and the extension when the provider gives it in a field of its own;
 * otherwise an extension written with the number (`… ext. 123`, `… x123`) is kept. A number listed
 * twice is one phone ({@link distinctPhones}).
 */
export function phonesOf(
  numbers: readonly (
    | readonly [string | null | undefined, FoundPhone['kind']]
    | readonly [string | null | undefined, FoundPhone['kind'], string | null | undefined]
  )[],
  country = 'GB',
): FoundPhone[] {
  const found: FoundPhone[] = [];
  for (const [value, kind, extension] of numbers) {
    const parts = value ? normalizePhoneParts(value, country as CountryCode, extension) : null;
    if (parts) {
      found.push({
        number: parts.number,
        extension: parts.extension,
        kind,
        country: phoneCountryOf(parts.number),
      });
    }
  }
  return distinctPhones(found);
}
