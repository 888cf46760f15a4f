import { Injectable } from '@nestjs/common';
import { hasPlatformCredentials, PipelineConfig, ProvidersConfig } from '@sluice/config';
import type { GoalCapability, WorkspaceTier } from '@sluice/enrichment';
import {
  balanceReadCalls,
  balanceReadRules,
  chargedCredits,
  cheapestCallOf,
  descriptorOf,
  environmentSettings,
  mergeSettings,
  pausedBalanceReadSpacingMs,
  rulesForCall,
  rulesOnEveryCall,
  withSafetyMargin,
  type Capability,
  type CapabilityCost,
  type CostTable,
  type OverridableSettings,
  type SettingsRateLimitRule,
  type StoredOverrides,
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
  /**
   * Rules with a `tier` count and limit only calls for workspaces of that tier, rules with
   * `operations` only calls of those operations.
   */
  rateLimits: TieredRateLimitRule[];
  minimumTier: WorkspaceTier | null;
  hasCredentials: boolean;
  /** How often a task waiting at this provider is polled: the fallback for a callback that never came. */
  pollIntervalMs: number;
  /** What a call of each capability costs: the published prices with an operator's changes. */
  costs: CostTable;
}

export type TieredRateLimitRule = RateLimitRule & { tier?: WorkspaceTier; operations?: Capability[] };

/**
 * Every provider's settings, held merged in memory (the hot path reads only this): the built-in
 * defaults, the environment's PROVIDER_OVERRIDES, then operators' overrides from the
 * `provider_settings` table, which {@link ProviderSettingsReloader} applies while the worker runs.
 */
@Injectable()
export class ProviderCatalog {
  private settings: ReadonlyMap<ProviderName, ProviderSettings>;
  private readonly environment: ReadonlyMap<ProviderName, OverridableSettings>;
  private readonly hasCredentials: ReadonlyMap<ProviderName, boolean>;
  /** The rules of each (provider, tier, operation), built on first use. */
  private callRules = new Map<string, RateLimitRule[]>();
  /** Each provider's merged rate-limit rules before the safety margin, built with the settings. */
  private mergedRules: ReadonlyMap<ProviderName, readonly SettingsRateLimitRule[]> = new Map();

  constructor(pipeline: PipelineConfig, providers: ProvidersConfig) {
    const overrides = pipeline.overrides;
    this.environment = new Map(
      PROVIDER_NAMES.map((name) => [
        name,
        environmentSettings(name, overrides[name], pipeline.asyncPollIntervalMs),
      ]),
    );
    this.hasCredentials = new Map(
      PROVIDER_NAMES.map((name) => [name, hasPlatformCredentials(providers, name)]),
    );
    this.settings = this.build(new Map());
  }

  /**
   * Replaces the operators' overrides (every provider at once: a provider without a row goes back
   * to the environment's settings). Cheap and synchronous, so no call ever sees half an update.
   */
  applyStored(stored: ReadonlyMap<string, StoredOverrides>): void {
    this.settings = this.build(stored);
    this.callRules = new Map();
  }

  private build(stored: ReadonlyMap<string, StoredOverrides>): Map<ProviderName, ProviderSettings> {
    const mergedRules = new Map<ProviderName, readonly SettingsRateLimitRule[]>();
    const built = new Map<ProviderName, ProviderSettings>(
      PROVIDER_NAMES.map((name) => {
        const { settings: merged } = mergeSettings(
          this.environment.get(name) as OverridableSettings,
          stored.get(name),
        );
        mergedRules.set(name, merged.rateLimits);
        const settings: ProviderSettings = {
          name,
          priorityClass: PROVIDER_PRIORITY_CLASS[name],
          enabled: merged.enabled,
          priority: merged.priority,
          rateLimits: merged.rateLimits.map(withSafetyMargin),
          minimumTier: merged.minimumTier,
          hasCredentials: this.hasCredentials.get(name) ?? false,
          pollIntervalMs: merged.pollIntervalMs,
          costs: merged.costs,
        };
        return [name, settings];
      }),
    );
    this.mergedRules = mergedRules;
    return built;
  }

  /**
   * The rules a call of `operation` for a workspace of `tier` counts against: the provider's limits
   * on every call, its tier's share and its operation's budget where such rules are configured
   * (each a window of its own, named after the rule).
   */
  rateLimitsFor(name: ProviderName, tier: WorkspaceTier, operation: Capability): RateLimitRule[] {
    const key = `${name}:${tier}:${operation}`;
    let rules = this.callRules.get(key);
    if (!rules) {
      rules = rulesForCall(this.of(name).rateLimits, tier, operation).map(
        ({ name: rule, limit, windowMs }) => ({ name: rule, limit, windowMs }),
      );
      this.callRules.set(key, rules); // cleared whenever the settings change
    }
    return rules;
  }

  /**
   * The rules of each call a step of `operation` makes, in order: its precheck's when it has one (a
   * free call the adapter makes first, see `CapabilityCost.precheck`), then its own. Each call takes
   * a slot of its own, so a window shared by both (a provider's per-second limit) counts two.
   */
  callRulesFor(
    name: ProviderName,
    tier: WorkspaceTier,
    operation: Capability,
    callsBefore = 0,
  ): RateLimitRule[][] {
    const precheck = descriptorOf(name)?.capabilities[operation]?.precheck;
    const own = this.rateLimitsFor(name, tier, operation);
    return [
      ...this.setupCalls(name, tier, callsBefore),
      ...(precheck ? [this.rateLimitsFor(name, tier, precheck), own] : [own]),
    ];
  }

  /**
   * The rules of each call a poll for a started task's result makes: the poll's own (a call of no
   * operation, see `rulesOnEveryCall`), after the adapter's calls before it (`callsBefore`).
   */
  pollRulesFor(name: ProviderName, tier: WorkspaceTier, callsBefore = 0): RateLimitRule[][] {
    return [...this.setupCalls(name, tier, callsBefore), this.rulesOnEveryCallOf(name, tier)];
  }

  /**
   * The rules of a call of no operation of its own (a poll, a token fetch) made for a workspace of
   * `tier`, see `rulesOnEveryCall`.
   */
  private rulesOnEveryCallOf(name: ProviderName, tier: WorkspaceTier): RateLimitRule[] {
    const key = `${name}:${tier}:`;
    let rules = this.callRules.get(key);
    if (!rules) {
      rules = rulesOnEveryCall(this.of(name).rateLimits, tier).map(({ name: rule, limit, windowMs }) => ({
        name: rule,
        limit,
        windowMs,
      }));
      this.callRules.set(key, rules); // cleared whenever the settings change
    }
    return rules;
  }

  /** The calls an adapter makes of its own before the one asked for (a token fetch), each its rules. */
  private setupCalls(name: ProviderName, tier: WorkspaceTier, count: number): RateLimitRule[][] {
    return Array.from({ length: count }, () => this.rulesOnEveryCallOf(name, tier));
  }

  /**
   * The rules a read of the provider's balance on the platform's account counts against: those the
   * credit monitor's reads count against too (the operation `check_credits` for no workspace).
   */
  balanceReadRulesOf(name: ProviderName): RateLimitRule[] {
    return balanceReadRules(this.mergedRules.get(name) ?? []);
  }

  /** The least time between two reads of the balance of `name` while it is paused for credits. */
  pausedBalanceReadSpacingOf(name: ProviderName): number {
    return pausedBalanceReadSpacingMs(this.mergedRules.get(name) ?? []);
  }

  /**
   * The rules of each call a balance read makes (a token fetch for each of `callsBefore`, then the
   * read): the selection the credit monitor's reads make too (`balanceReadCalls`).
   */
  balanceReadCallsOf(name: ProviderName, callsBefore: number): RateLimitRule[][] {
    return balanceReadCalls(this.mergedRules.get(name) ?? [], callsBefore);
  }

  /**
   * Whether the rule named `rule` holds back only some of the provider's calls (a tier's share, or
   * some operations' budget): then only the call refused waits, and the provider's other calls go on.
   */
  limitsOnlySomeCalls(name: ProviderName, rule: string | null): boolean {
    return this.of(name).rateLimits.some(
      (candidate) =>
        candidate.name === rule && (candidate.tier !== undefined || candidate.operations !== undefined),
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
      if (descriptorOf(name)?.capabilities[capability]) {
        result.push({ settings: this.of(name), cost: this.costOf(name, capability) });
      }
    }
    return result;
  }

  /** The fewest credits any paid call at `provider` costs: what its balance must cover to resume. */
  cheapestCall(provider: ProviderName): number {
    return cheapestCallOf(provider, this.of(provider).costs);
  }

  /**
   * What one call of `capability` costs at `provider` (0 when the provider does not list it): its
   * published price, or the one an operator set.
   */
  costOf(provider: ProviderName, capability: GoalCapability): CapabilityCost {
    const published = descriptorOf(provider)?.capabilities[capability];
    if (!published) {
      return { credits: 0, chargedOnMiss: false };
    }
    const current = this.of(provider).costs[capability];
    return current ? { ...published, ...current } : published;
  }

  /** The credits the ledger charges for a settled call (the adapter's count, or the price an operator set). */
  charged(
    provider: ProviderName,
    capability: GoalCapability,
    outcome: { status: 'hit' | 'miss'; credits: number },
  ): number {
    return chargedCredits(provider, capability, this.of(provider).costs, outcome);
  }
}
