import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, PipelineConfig } from '@sluice/config';
import {
  balanceReadCalls,
  environmentSettings,
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

  /**
   * The rules of each call a balance read of `provider` makes now (a token fetch for each of
   * `callsBefore`, then the read), with the workers' safety margin.
   */
  async rules(provider: string, callsBefore = 0): Promise<RateLimitRule[][]> {
    const environment = this.environment.get(provider);
    if (!environment) {
      return [[]];
    }
    const [row] = await this.dataSource.query<{ overrides: unknown }[]>(
      'SELECT overrides FROM provider_settings WHERE provider = $1',
      [provider],
    );
    const { settings } = mergeSettings(environment, sanitizeStored(row?.overrides, provider));
    // The selection the workers' credit sync makes too (one implementation, in libs/providers).
    return balanceReadCalls(settings.rateLimits, callsBefore);
  }

  /**
   * Takes a slot for one balance read of `provider`, after one for each call of its own the reader
   * makes first (`callsBefore`: a token fetch), waiting at most `maxWaitMs` in all. `rules`: the
   * read's own.
   */
  async take(
    provider: string,
    maxWaitMs: number,
    callsBefore = 0,
  ): Promise<SlotWait & { rules: RateLimitRule[] }> {
    const calls = await this.rules(provider, callsBefore);
    // The platform's account: the window the workers' calls without a workspace's own key count in.
    const wait = await acquireEachWithin(await this.limiterOf(), provider, calls, maxWaitMs);
    return { ...wait, rules: calls.at(-1) ?? [] };
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
