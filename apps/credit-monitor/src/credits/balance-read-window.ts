import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, PipelineConfig } from '@sluice/config';
import {
  balanceReadRules,
  environmentSettings,
  rulesOnEveryCall,
  withSafetyMargin,
  mergeSettings,
  sanitizeStored,
  type OverridableSettings,
} from '@sluice/providers';
import {
  acquireEachWithin,
  providerRateLimiter,
  QUEUE_NAMES,
  type RateLimiter,
  type RateLimitRule,
  type SlotWait,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { BalanceReaders } from './balance-readers';

/**
 * A balance read is a call the provider counts like any other (RocketReach's account read against
 * its 10 requests a second across all APIs, Snov.io's against its 60 a minute): before each, the
 * monitor takes a slot in the provider's rate window on the platform's account, the one the workers
 * take theirs in, so that under full load the read waits for a slot instead of pushing the provider
 * over its limit (and the workers into its 429s).
 *
 * The rules are the workers': the environment's (PROVIDER_OVERRIDES), or a row an operator stored,
 * read at each check as the thresholds are. A balance read is the `check_credits` operation, for no
 * workspace: it counts against the rules on every call and those naming `check_credits`, not
 * against rules of other operations (RocketReach's person-lookup or search budgets) nor a tier's
 * share (`balanceReadRules`, the selection the workers' credit sync makes for its reads too).
 */
@Injectable()
export class BalanceReadWindow {
  private readonly environment: ReadonlyMap<string, OverridableSettings>;
  private limiter: RateLimiter | null = null;

  constructor(
    @InjectQueue(QUEUE_NAMES.creditMonitor) private readonly queue: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly core: CoreConfig,
    private readonly pipeline: PipelineConfig,
    readers: BalanceReaders,
  ) {
    // Built at start-up: rules PROVIDER_OVERRIDES cannot give stop the monitor here, as they
    // stop the workers.
    const overrides = pipeline.overrides;
    this.environment = new Map(
      readers.providers.map((provider) => [
        provider,
        environmentSettings(provider, overrides[provider], pipeline.asyncPollIntervalMs),
      ]),
    );
  }

  /** The rules a balance read of `provider` counts against now, with the workers' safety margin. */
  async rules(provider: string): Promise<RateLimitRule[]> {
    return (await this.rulesOf(provider)).read;
  }

  /**
   * Takes a slot for one balance read of `provider`, after one for each call of its own the reader
   * makes first (`callsBefore`: a token fetch, counted like any call for no workspace), waiting at
   * most `maxWaitMs` in all.
   */
  async take(
    provider: string,
    maxWaitMs: number,
    callsBefore = 0,
  ): Promise<SlotWait & { rules: RateLimitRule[] }> {
    const { read, everyCall } = await this.rulesOf(provider);
    // The platform's account: the window the workers' calls without a workspace's own key count in.
    const wait = await acquireEachWithin(
      await this.limiterOf(),
      provider,
      [...Array.from({ length: callsBefore }, () => everyCall), read],
      maxWaitMs,
    );
    return { ...wait, rules: read };
  }

  private async rulesOf(provider: string): Promise<{ read: RateLimitRule[]; everyCall: RateLimitRule[] }> {
    const environment = this.environment.get(provider);
    if (!environment) {
      return { read: [], everyCall: [] };
    }
    const [row] = await this.dataSource.query<{ overrides: unknown }[]>(
      'SELECT overrides FROM provider_settings WHERE provider = $1',
      [provider],
    );
    const { settings } = mergeSettings(environment, sanitizeStored(row?.overrides, provider));
    // The selections the workers make too (one implementation, in libs/providers).
    return {
      read: balanceReadRules(settings.rateLimits),
      everyCall: rulesOnEveryCall(settings.rateLimits.map(withSafetyMargin), null).map(
        ({ name, limit, windowMs }) => ({ name, limit, windowMs }),
      ),
    };
  }

  private async limiterOf(): Promise<RateLimiter> {
    this.limiter ??= providerRateLimiter(
      (await this.queue.client) as unknown as Redis,
      this.core.queuePrefix,
      this.pipeline.rateLimiter,
    );
    return this.limiter;
  }
}
