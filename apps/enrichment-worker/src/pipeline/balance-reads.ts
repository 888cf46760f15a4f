import { Injectable, Logger } from '@nestjs/common';
import { ProviderError } from '@sluice/providers';
import { acquireEachWithin, type BalanceMark, type ProviderName } from '@sluice/queue';
import { PipelineGuards } from './pipeline-redis';
import { ProviderCatalog } from './provider-catalog';
import { ProviderInvoker } from './provider-invoker';

/**
 * A balance read of the platform's account: `read`, with what the provider answered (`remaining`
 * null: it publishes no balance) and the wallet's mark taken just before the read, for
 * `CreditWallet.setBalance`; or `skipped`, nothing read and nothing to change.
 */
export type BalanceReading =
  { status: 'read'; remaining: number | null; mark: BalanceMark } | { status: 'skipped'; reason: string };

/**
 * The workers' reads of a provider's balance (the credit sync's, and a step's after a task ended
 * for lack of credits). A read is a call the provider counts like any other (RocketReach's against
 * its 10 requests a second across all APIs, Snov.io's against its 60 a minute): under full load the
 * workers' own calls use the whole budget, and a read made beside them draws a 429 that costs real
 * lookups. So each read first takes a slot in the provider's shared window on the platform's
 * account, under the rules the credit monitor's reads count against (`balanceReadRules`: the
 * operation `check_credits` for no workspace), waiting for one a bounded time. When none frees in
 * time, or the provider answers 429 all the same, the reading is skipped: logged, nothing changed
 * (no balance written, no pause, nothing counted against the provider's circuit), and a later read
 * tries again.
 */
@Injectable()
export class BalanceReads {
  private readonly logger = new Logger(BalanceReads.name);

  constructor(
    private readonly guards: PipelineGuards,
    private readonly catalog: ProviderCatalog,
    private readonly invoker: ProviderInvoker,
  ) {}

  /**
   * As `read`, unless a balance of `provider` was read less than its spacing ago (see
   * `pausedBalanceReadSpacingMs`): for the credit sync's reads of a paused provider, tick after tick. Each took
   * a slot in the provider's window, which nothing else used while the queue was paused: a sync
   * faster than the window (CREDIT_SYNC_INTERVAL_MS of a second against Snov.io's 60 a minute) would
   * fill it, and the work resumed on a top-up then waited for the window to free, up to a minute.
   */
  async readSpaced(provider: ProviderName, maxWaitMs: number): Promise<BalanceReading> {
    if (this.spacingOf(provider) > 0 && (await this.guards.redis.exists(this.lastReadKey(provider)))) {
      return { status: 'skipped', reason: `${provider}'s balance was read less than its spacing ago` };
    }
    return this.read(provider, maxWaitMs);
  }

  /** The least time between two spaced reads of `provider` (0: none; its reads make no call). */
  spacingOf(provider: ProviderName): number {
    return this.invoker.hasBalance(provider) ? this.catalog.pausedBalanceReadSpacingOf(provider) : 0;
  }

  private lastReadKey(provider: ProviderName): string {
    return `${this.guards.prefix}:balance-read:${provider}`;
  }

  /**
   * Reads `provider`'s balance once a slot in its rate window is free, waiting at most `maxWaitMs`;
   * other failures of the read are thrown. A provider without a balance endpoint is not called, nor
   * one the platform has no credentials for.
   */
  async read(provider: ProviderName, maxWaitMs: number): Promise<BalanceReading> {
    if (!this.catalog.of(provider).hasCredentials) {
      // No platform account there (see platformCredentialsProblem): no balance of ours to read.
      return { status: 'skipped', reason: `the platform has no credentials for ${provider}` };
    }
    if (!this.invoker.hasBalance(provider)) {
      return { status: 'read', remaining: null, mark: await this.guards.wallet.mark(provider) };
    }
    // The platform's account: the key the workers' calls without a workspace's own key count in.
    // A token the adapter fetches first (Snov.io's) is a call too, for no workspace.
    const slot = await acquireEachWithin(
      this.guards.limiter,
      provider,
      this.catalog.balanceReadCallsOf(provider, this.invoker.callsBeforeNext(provider)),
      maxWaitMs,
    );
    if (!slot.taken) {
      const reason = `no free slot in ${provider}'s rate window (rule ${slot.decision.rule ?? 'unknown'}) within ${maxWaitMs} ms`;
      this.logger.warn({
        msg: `balance reading skipped: no free slot in the provider's rate window within ${maxWaitMs} ms; read again at a later sync`,
        provider,
        rule: slot.decision.rule,
        retryAfterMs: slot.decision.retryAfterMs,
      });
      return { status: 'skipped', reason };
    }
    // Marked after the wait and before the read: charges committed while the balance is on its way
    // are kept when the reading is written to the wallet.
    const mark = await this.guards.wallet.mark(provider);
    const spacing = this.spacingOf(provider);
    if (spacing > 0) {
      await this.guards.redis.set(this.lastReadKey(provider), String(Date.now()), 'PX', spacing);
    }
    try {
      const reading = await this.invoker.balance(provider);
      return { status: 'read', remaining: reading?.remaining ?? null, mark };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'rate_limited') {
        // Over its limit all the same (calls outside Sluice on the same key, or a provider counting
        // differently): nothing was read. Not the provider's outage nor its credits: no pause, no
        // circuit, and a later read tries again.
        this.logger.warn({
          msg: 'balance reading skipped: the provider answered 429 (rate limited); read again at a later sync',
          provider,
          retryAfterMs: error.retryAfterMs,
        });
        return { status: 'skipped', reason: `${provider} answered 429 (rate limited)` };
      }
      throw error;
    }
  }
}
