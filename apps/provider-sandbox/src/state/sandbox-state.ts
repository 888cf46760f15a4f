import { Inject, Injectable } from '@nestjs/common';
import { SANDBOX_OPTIONS, SIMULATED_PROVIDERS, type SandboxOptions } from '../sandbox-options';
import type { ProviderSettings, RateLimitSetting, SimulatedProvider } from '../simulation/simulated-provider';
import { SeededRandom, deriveSeed } from '../world/prng';
import { CallCounter } from './call-counter';
import { FixedRateWindows } from './rate-windows';

/** The mutable side of one simulated provider. */
export class ProviderRuntime {
  settings: ProviderSettings;
  calls = new CallCounter();
  /** Tokens issued before this (Unix ms) are refused, to simulate expiry on demand. */
  credentialsRevokedAt = 0;
  /**
   * The account's webhook, for providers configured in their web UI rather than per request
   * (RocketReach): set through `PUT /_sandbox/providers/:name/webhook`.
   */
  webhook: { url: string; secret: string | null } | null = null;
  /** Credits charged while on an unlimited plan (`unlimited_credits`), which leave `credits` as it was. */
  usedUnlimited = 0;
  readonly rateWindows = new FixedRateWindows();
  private failures: SeededRandom;
  private resets: SeededRandom;

  constructor(
    readonly provider: SimulatedProvider,
    private readonly seed: number,
  ) {
    this.settings = cloneSettings(provider.defaults);
    this.failures = this.newFailureStream();
    this.resets = this.newResetStream();
  }

  /**
   * Whether this call fails under `error_rate`. Every call that reaches this check draws one number
   * from a stream seeded by the sandbox seed, so the same calls fail in every run with that seed.
   */
  drawFailure(): boolean {
    return this.failures.next() < this.settings.error_rate;
  }

  /**
   * Whether this call's connection is closed instead of answered, under `reset_rate`: drawn from a
   * stream of its own (seeded like the failures'), so turning resets on leaves which calls fail as
   * they were.
   */
  drawReset(): boolean {
    return this.resets.next() < this.settings.reset_rate;
  }

  /**
   * Deducts what a call cost; balances never go below zero (the provider refuses first). On an
   * unlimited plan the charge is only counted.
   */
  charge(credits: number): void {
    if (credits > 0 && this.settings.unlimited_credits === true) {
      this.usedUnlimited += credits;
    } else if (credits > 0 && this.settings.credits !== null) {
      this.settings = { ...this.settings, credits: Math.max(0, this.settings.credits - credits) };
    }
  }

  update(settings: ProviderSettings): void {
    const limitChanged = JSON.stringify(settings.rate_limit) !== JSON.stringify(this.settings.rate_limit);
    this.settings = cloneSettings(settings);
    if (limitChanged) {
      // Windows counted under the old limit would mix two rules; start afresh under the new one.
      this.rateWindows.clear();
    }
  }

  reset(): void {
    this.settings = cloneSettings(this.provider.defaults);
    this.calls = new CallCounter();
    this.credentialsRevokedAt = 0;
    this.webhook = null;
    this.usedUnlimited = 0;
    this.rateWindows.clear();
    this.failures = this.newFailureStream();
    this.resets = this.newResetStream();
  }

  private newFailureStream(): SeededRandom {
    return new SeededRandom(deriveSeed(this.seed, `errors:${this.provider.name}`));
  }

  private newResetStream(): SeededRandom {
    return new SeededRandom(deriveSeed(this.seed, `resets:${this.provider.name}`));
  }
}

/**
 * Settings, call counters, rate windows and failure streams of every simulated provider. In memory
 * on purpose: the sandbox is one process simulating remote services for tests and demos.
 */
@Injectable()
export class SandboxState {
  private readonly runtimes: ReadonlyMap<string, ProviderRuntime>;

  constructor(
    @Inject(SANDBOX_OPTIONS) options: SandboxOptions,
    @Inject(SIMULATED_PROVIDERS) providers: readonly SimulatedProvider[],
  ) {
    this.runtimes = new Map(
      providers.map((provider) => [provider.name, new ProviderRuntime(provider, options.seed)]),
    );
  }

  providerNames(): string[] {
    return [...this.runtimes.keys()];
  }

  find(name: string): ProviderRuntime | undefined {
    return this.runtimes.get(name);
  }

  /** The runtime of a provider the app itself serves: a missing one is a wiring bug. */
  runtimeOf(provider: SimulatedProvider): ProviderRuntime {
    const runtime = this.runtimes.get(provider.name);
    if (!runtime) {
      throw new Error(
        `provider '${provider.name}' is served but not in the registry; add it to SIMULATED_PROVIDER_LIST`,
      );
    }
    return runtime;
  }

  all(): ProviderRuntime[] {
    return [...this.runtimes.values()];
  }

  reset(): void {
    for (const runtime of this.runtimes.values()) {
      runtime.reset();
    }
  }
}

function cloneSettings(settings: ProviderSettings): ProviderSettings {
  return {
    ...settings,
    rate_limit: cloneRateLimit(settings.rate_limit),
    ...(settings.answer_fault ? { answer_fault: structuredClone(settings.answer_fault) } : {}),
  };
}

/** A deep copy: the per-API lists too, so no caller can change another's windows. */
export function cloneRateLimit(limit: RateLimitSetting | null): RateLimitSetting | null {
  if (!limit) {
    return null;
  }
  const { per_api, ...window } = limit;
  if (!per_api) {
    return window;
  }
  return {
    ...window,
    per_api: Object.fromEntries(
      Object.entries(per_api).map(([api, windows]) => [api, windows.map((w) => ({ ...w }))]),
    ),
  };
}
