import { Injectable } from '@nestjs/common';
import { PipelineConfig, ProvidersConfig } from '@sluice/config';
import type { GoalCapability, WorkspaceTier } from '@sluice/enrichment';
import {
  ASTRA_DIALER_DEFAULTS,
  cheapestCallOf,
  descriptorOf,
  NIMBUS_LOOKUP_DEFAULTS,
  ORION_CONNECT_DEFAULTS,
  ROCKETREACH_DEFAULT_RATE_LIMITS,
  type CapabilityCost,
  type PhoneProviderConfig,
} from '@sluice/providers';
import {
  PROVIDER_NAMES,
  PROVIDER_PRIORITY_CLASS,
  type PriorityClass,
  type ProviderName,
  type RateLimitRule,
} from '@sluice/queue';

/** A provider as the pipeline runs it: the built-in defaults with the deployment's overrides. */
export interface ProviderSettings {
  name: ProviderName;
  priorityClass: PriorityClass;
  enabled: boolean;
  /** Lower goes first in `priority` ordering. */
  priority: number;
  /** Rules with a `tier` count and limit only calls for workspaces of that tier. */
  rateLimits: TieredRateLimitRule[];
  minimumTier: WorkspaceTier | null;
  hasCredentials: boolean;
  /** How often a task waiting at this provider is polled: the fallback for a callback that never came. */
  pollIntervalMs: number;
}

export type TieredRateLimitRule = RateLimitRule & { tier?: WorkspaceTier };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const PHONE_DEFAULTS: Partial<Record<ProviderName, PhoneProviderConfig>> = {
  'orion-connect': ORION_CONNECT_DEFAULTS,
  'astra-dialer': ASTRA_DIALER_DEFAULTS,
  'nimbus-lookup': NIMBUS_LOOKUP_DEFAULTS,
};

/**
 * Published limits (see provider-apis.md): Companies House 600 per 5 minutes per key; Snov.io 60 per
 * minute; RocketReach per plan (Custom: 100/min, 10/s); Apollo per endpoint per team (600/hour for
 * people match); phone providers per hour as configured. Serper and the self-hosted verifier
 * publish none.
 */
function defaultRateLimits(name: ProviderName): RateLimitRule[] {
  switch (name) {
    case 'companies-house':
      return [{ name: '5min', limit: 600, windowMs: 5 * MINUTE }];
    case 'snov':
      return [{ name: 'minute', limit: 60, windowMs: MINUTE }];
    case 'rocketreach':
      return [
        { name: 'minute', limit: ROCKETREACH_DEFAULT_RATE_LIMITS.perMinute, windowMs: MINUTE },
        { name: 'second', limit: ROCKETREACH_DEFAULT_RATE_LIMITS.globalPerSecond, windowMs: 1000 },
      ];
    case 'apollo':
      return [{ name: 'hour', limit: 600, windowMs: HOUR }];
    case 'orion-connect':
    case 'astra-dialer':
    case 'nimbus-lookup':
      return [{ name: 'hour', limit: PHONE_DEFAULTS[name]?.hourlyLimit ?? 100, windowMs: HOUR }];
    case 'serper':
    case 'email-verifier':
      return [];
  }
}

/**
 * Our window is counted when a call leaves; the provider counts when it arrives, a few
 * milliseconds later. A window a little longer than the provider's (1 %, at least 100 ms, at most
 * 1 s) keeps a call freed at the very edge of our window from landing inside the provider's.
 */
export function withSafetyMargin<T extends RateLimitRule>(rule: T): T {
  const margin = Math.min(1000, Math.max(100, Math.round(rule.windowMs * 0.01)));
  return { ...rule, windowMs: rule.windowMs + margin };
}

/** Default waterfall order within a capability: cheapest and broadest first. */
const DEFAULT_PRIORITY: Record<ProviderName, number> = {
  'companies-house': 0,
  snov: 1,
  apollo: 2,
  rocketreach: 3,
  serper: 1,
  'orion-connect': ORION_CONNECT_DEFAULTS.priority,
  'astra-dialer': ASTRA_DIALER_DEFAULTS.priority,
  'nimbus-lookup': NIMBUS_LOOKUP_DEFAULTS.priority,
  'email-verifier': 1,
};

@Injectable()
export class ProviderCatalog {
  private readonly settings: ReadonlyMap<ProviderName, ProviderSettings>;
  private readonly tierRules = new Map<string, RateLimitRule[]>();

  constructor(pipeline: PipelineConfig, providers: ProvidersConfig) {
    const overrides = pipeline.overrides;
    const credentials: Record<ProviderName, string[]> = {
      'companies-house': [providers.companiesHouseApiKey],
      snov: [providers.snovClientId, providers.snovClientSecret],
      rocketreach: [providers.rocketreachApiKey],
      apollo: [providers.apolloApiKey],
      serper: [providers.serperApiKey],
      'orion-connect': [providers.orionConnectApiKey],
      'astra-dialer': [providers.astraDialerApiKey],
      'nimbus-lookup': [providers.nimbusLookupApiKey],
      'email-verifier': [providers.emailVerifierApiKey],
    };
    this.settings = new Map(
      PROVIDER_NAMES.map((name) => {
        const override = overrides[name] ?? {};
        const phone = PHONE_DEFAULTS[name];
        const settings: ProviderSettings = {
          name,
          priorityClass: PROVIDER_PRIORITY_CLASS[name],
          enabled: override.enabled ?? phone?.enabled ?? true,
          priority: override.priority ?? DEFAULT_PRIORITY[name],
          rateLimits: (override.rateLimits ?? defaultRateLimits(name)).map(withSafetyMargin),
          minimumTier: override.minimumTier ?? phone?.minimumTier ?? null,
          hasCredentials: credentials[name].every((value) => value.trim().length > 0),
          pollIntervalMs: override.pollIntervalMs ?? pipeline.asyncPollIntervalMs,
        };
        return [name, settings];
      }),
    );
  }

  /**
   * The rules a call for a workspace of `tier` counts against: the provider's own limits, and its
   * tier's share where one is configured (a window of its own, named after the rule).
   */
  rateLimitsFor(name: ProviderName, tier: WorkspaceTier): RateLimitRule[] {
    const key = `${name}:${tier}`;
    let rules = this.tierRules.get(key);
    if (!rules) {
      rules = this.of(name)
        .rateLimits.filter((rule) => rule.tier === undefined || rule.tier === tier)
        .map(({ name: rule, limit, windowMs }) => ({ name: rule, limit, windowMs }));
      this.tierRules.set(key, rules); // settings never change while the worker runs
    }
    return rules;
  }

  /** Whether the rule named `rule` is a tier's share (it holds back only that tier's calls). */
  isTierRule(name: ProviderName, rule: string | null): boolean {
    return this.of(name).rateLimits.some(
      (candidate) => candidate.name === rule && candidate.tier !== undefined,
    );
  }

  of(name: ProviderName): ProviderSettings {
    const settings = this.settings.get(name);
    if (!settings) {
      throw new Error(`No settings for provider '${name}'`);
    }
    return settings;
  }

  /** Providers able to serve a capability, with what one call costs there. */
  candidatesFor(capability: GoalCapability): { settings: ProviderSettings; cost: CapabilityCost }[] {
    const result: { settings: ProviderSettings; cost: CapabilityCost }[] = [];
    for (const name of PROVIDER_NAMES) {
      const cost = descriptorOf(name)?.capabilities[capability];
      if (cost) {
        result.push({ settings: this.of(name), cost });
      }
    }
    return result;
  }

  /** The fewest credits any paid call at `provider` costs: what its balance must cover to resume. */
  cheapestCall(provider: ProviderName): number {
    return cheapestCallOf(provider);
  }

  /** What one call of `capability` costs at `provider` (0 when the provider does not list it). */
  costOf(provider: ProviderName, capability: GoalCapability): CapabilityCost {
    return descriptorOf(provider)?.capabilities[capability] ?? { credits: 0, chargedOnMiss: false };
  }
}
