import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { PipelineConfig } from '@sluice/config';
import { isUnlimited } from '@sluice/providers';
import { lockProviderPause, ProviderPauseRow } from '@sluice/db';
import {
  ACTIVE_PROVIDERS,
  balanceReadWaitMs,
  endProbe,
  JOB_NAMES,
  JobSchedulerKeeper,
  type StepQueues,
  stepQueuesOf,
  QUEUE_NAMES,
  pauseMarkerKey,
  pauseOf,
  pauseProvider,
  probeMarkerKey,
  probeOf,
  resumeProvider,
  type PauseRecord,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { WorkerMetrics } from '../ops/worker-metrics';
import { PipelineGuards } from './pipeline-redis';
import { ProviderCatalog } from './provider-catalog';
import { BalanceReads } from './balance-reads';

/**
 * Pauses a provider's queue the moment it cannot pay for its next call, and resumes it when its
 * balance is back. The pause is BullMQ's queue pause (every replica stops taking its jobs; jobs
 * wait, none fail) plus a marker in Redis that planners read to route new work elsewhere. A BullMQ
 * job scheduler runs {@link sync} once per tick across replicas: it reads the balance of each
 * paused provider that has a balance endpoint (free, but a call the provider's rate limit counts:
 * each read takes a slot in its shared window first, see {@link BalanceReads}) and resumes it when
 * it can pay again;
 * providers without one are tried again after CREDIT_PROBE_AFTER_MS (a probe: a refusal pauses
 * them again as the same outage, with its first pause's `since`, and the first call answered ends
 * the probe, see {@link probeAnswered}). When Redis loses its data
 * (the wallets with it), the scheduler is put back and every provider's balance is read again, so
 * the wallets limit spending again at once rather than at the credit monitor's next check.
 *
 * An operator's pause is kept in PostgreSQL too (the gateway writes it there first): when Redis
 * loses its data, {@link restoreOperatorPauses} puts it back, when the scheduler is found missing
 * and before every recovery sweep re-enqueues lost work, so a provider an operator stopped is not
 * paid again because Redis forgot.
 */
@Injectable()
export class CreditGate implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CreditGate.name);
  private keeper: JobSchedulerKeeper | null = null;

  constructor(
    private readonly guards: PipelineGuards,
    private readonly moduleRef: ModuleRef,
    private readonly reads: BalanceReads,
    private readonly catalog: ProviderCatalog,
    private readonly config: PipelineConfig,
    private readonly metrics: WorkerMetrics,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.keeper = new JobSchedulerKeeper(
      this.planQueue,
      [
        {
          id: JOB_NAMES.creditsSync,
          repeat: { every: this.config.creditSyncIntervalMs },
          template: {
            name: JOB_NAMES.creditsSync,
            data: {},
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
          },
        },
      ],
      {
        log: (level, entry) => this.logger[level](entry),
        // The operators' pauses and the wallets went with the scheduler: a provider an operator
        // stopped would be called again, and unknown balances would limit nothing.
        onRestored: async () => {
          await this.restoreOperatorPauses();
          await this.sync(true);
        },
      },
    );
    await this.keeper.start();
  }

  onApplicationShutdown(): void {
    this.keeper?.stop();
  }

  private queues(provider: ProviderName): StepQueues {
    return stepQueuesOf(this.moduleRef, provider);
  }

  private markerKey(provider: ProviderName): string {
    return pauseMarkerKey(this.guards.queuePrefix, provider);
  }

  /** The provider's pause, if it is paused: for credits, or by an operator (`manual`). */
  pauseOf(provider: ProviderName): Promise<PauseRecord | null> {
    return pauseOf(this.guards.redis, this.guards.queuePrefix, provider);
  }

  async isPaused(provider: ProviderName): Promise<boolean> {
    return (await this.guards.redis.exists(this.markerKey(provider))) === 1;
  }

  /**
   * Pauses the provider's queue for credits (idempotent: one event per pause across replicas). A
   * pause after a probe that failed goes on with the outage the probe lifted: its `since` (which the
   * credit monitor's long-pause alert counts from) and an event saying `probe: 1`. Returns whether
   * this call paused it (false: it was paused already).
   */
  async pause(provider: ProviderName, reason: string): Promise<boolean> {
    const snapshot = await this.guards.wallet.snapshot(provider);
    const probed = await probeOf(this.guards.redis, this.guards.queuePrefix, provider);
    const now = Date.now();
    const first = await pauseProvider(
      this.guards.redis,
      this.queues(provider),
      this.guards.queuePrefix,
      provider,
      probed ? { since: probed.since, pausedAt: now, reason } : { since: now, reason },
      {
        balance: snapshot.unlimited ? 'unlimited' : (snapshot.balance ?? 'unknown'),
        reserved: snapshot.reserved,
        ...(probed ? { probe: 1 } : {}),
      },
    );
    if (probed) {
      await this.guards.redis.del(probeMarkerKey(this.guards.queuePrefix, provider));
    }
    if (first) {
      this.logger.warn({
        msg: 'provider paused: credits cannot pay for its next call',
        provider,
        reason,
        ...snapshot,
      });
      this.metrics.creditPauses.inc({ provider, action: 'pause' });
    }
    return first;
  }

  /**
   * Lifts a pause for credits. Never an operator's: one may have replaced the pause for credits
   * while the balance was being read (seconds at a slow provider), and only an operator lifts it.
   * Returns whether this call lifted the pause.
   */
  async resume(provider: ProviderName, balance: number | null): Promise<boolean> {
    // No balance read: a provider without a balance endpoint tried again, its credits unknown.
    const probe = balance === null;
    const resumed = await resumeProvider(
      this.guards.redis,
      this.queues(provider),
      this.guards.queuePrefix,
      provider,
      probe ? 'probing its credits' : 'credits are back',
      { creditOnly: true, probe, detail: { balance: balanceText(balance) } },
    );
    if (resumed) {
      this.logger.log({
        msg: probe ? 'provider resumed: probing its credits' : 'provider resumed: credits are back',
        provider,
        balance: balanceText(balance),
      });
      this.metrics.creditPauses.inc({ provider, action: 'resume' });
    }
    return resumed;
  }

  /**
   * A call to the provider on the platform's account was answered (not refused for credits): a
   * probe of its credits, if one was on, succeeded and ends (`provider.resumed`, credits are back).
   */
  async probeAnswered(provider: ProviderName): Promise<void> {
    if (await endProbe(this.guards.redis, this.guards.queuePrefix, provider)) {
      this.logger.log({ msg: 'provider probe answered: credits are back', provider });
    }
  }

  /**
   * Puts back in Redis every operator's pause kept in PostgreSQL that Redis no longer has (its
   * marker, or either queue's pause); returns the providers paused again. Cheap when nothing is lost:
   * one read of a table with a row per paused provider, and three reads in Redis per row (the
   * marker and both queues' pause). See {@link putBackOperatorPause}.
   */
  async restoreOperatorPauses(): Promise<ProviderName[]> {
    const rows = await this.dataSource.getRepository(ProviderPauseRow).find();
    const restored: ProviderName[] = [];
    for (const row of rows) {
      const provider = ACTIVE_PROVIDERS.find((name) => name === row.provider);
      // A provider this version no longer runs is left alone.
      if (provider && (await this.putBackOperatorPause(provider))) {
        restored.push(provider);
      }
    }
    if (restored.length > 0) {
      this.logger.warn({
        msg: 'operator pauses were missing from Redis (lost with its data): paused again',
        providers: restored,
      });
    }
    return restored;
  }

  /**
   * A step found an operator's pause on a provider whose queue ran: it was resumed some other way
   * than by the admin API (Bull Board's resume or "resume all" lifts the queue's pause, not the
   * operator's). Pauses its queues again, as {@link restoreOperatorPauses} would at the next sweep.
   */
  async keepOperatorPause(provider: ProviderName): Promise<void> {
    if (await this.putBackOperatorPause(provider)) {
      this.logger.warn({
        msg: "an operator's pause had its queues resumed outside the admin API (Bull Board?): paused again; POST /v1/admin/providers/:name/resume lifts it",
        provider,
      });
    }
  }

  /**
   * Puts an operator's pause kept in PostgreSQL back in Redis when Redis lacks any part of it (its
   * marker, or either queue's pause); whether it did. Under the provider's pause lock (see
   * `lockProviderPause`), which an operator's pause or resume holds across its own writes to both
   * stores: the row is read again under it, so a pause an operator lifted meanwhile is not put
   * back, and an operator's call sent meanwhile waits and then writes both stores after this.
   */
  private async putBackOperatorPause(provider: ProviderName): Promise<boolean> {
    if (await this.operatorPauseInRedis(provider)) {
      return false;
    }
    return this.dataSource.transaction(async (manager) => {
      await lockProviderPause(manager, provider);
      const kept = await manager.getRepository(ProviderPauseRow).findOneBy({ provider });
      if (!kept || (await this.operatorPauseInRedis(provider))) {
        return false; // an operator resumed it, or paused it again, meanwhile
      }
      await pauseProvider(this.guards.redis, this.queues(provider), this.guards.queuePrefix, provider, {
        since: kept.since.getTime(),
        reason: kept.reason,
        manual: true,
      });
      return true;
    });
  }

  /** Whether Redis holds the whole of an operator's pause: its marker and both queues paused. */
  private async operatorPauseInRedis(provider: ProviderName): Promise<boolean> {
    const queues = this.queues(provider);
    return (
      (await this.pauseOf(provider))?.manual === true &&
      (await queues.platform.isPaused()) &&
      (await queues.ownAccounts.isPaused())
    );
  }

  /**
   * How long a balance read may wait for a slot in its provider's rate window: as the credit
   * monitor's checks, a quarter of the interval between two readings (the sync's), a minute at most.
   */
  private get readWaitMs(): number {
    return balanceReadWaitMs(this.config.creditSyncIntervalMs);
  }

  /**
   * Whether the provider's balance, read now, pays for its cheapest call (and the wallet learns it).
   * For answers that speak of the past: a task that ended for lack of credits before a top-up. An
   * unlimited plan always pays. A reading skipped (no slot in the provider's rate window in time, or
   * a 429) or failed answers no, as before: the provider's own out-of-credits answer stands, and the
   * credit sync reads the balance of the provider it pauses.
   */
  async canPayNow(provider: ProviderName): Promise<boolean> {
    try {
      const reading = await this.reads.read(provider, this.readWaitMs);
      if (reading.status === 'skipped' || reading.remaining === null) {
        return false;
      }
      await this.guards.wallet.setBalance(provider, reading.remaining, reading.mark);
      return reading.remaining >= this.catalog.cheapestCall(provider);
    } catch (error) {
      this.logger.warn({ msg: 'balance check failed', provider, error: String(error) });
      return false;
    }
  }

  /**
   * Reads balances: of paused providers (to resume them) and, at start, of every provider; never of
   * a provider an operator paused, which no call reaches until the operator resumes it. A plan
   * without a credit limit sets the wallet unlimited (it then limits nothing) and resumes a pause
   * for credits. Each read takes a slot in its provider's rate window first (see
   * {@link BalanceReads}); the providers are read side by side, so that one waiting for its window
   * holds none of the others back. A reading skipped or failed changes nothing: the wallet keeps
   * what it knew (a balance read earlier, less the charges committed since, or unknown) and a paused
   * provider stays paused until a later tick reads its balance.
   */
  async sync(all = false): Promise<{ resumed: ProviderName[]; paused: ProviderName[] }> {
    const outcomes = await Promise.all(ACTIVE_PROVIDERS.map((provider) => this.syncOne(provider, all)));
    return {
      resumed: ACTIVE_PROVIDERS.filter((_, index) => outcomes[index] === 'resumed'),
      paused: ACTIVE_PROVIDERS.filter((_, index) => outcomes[index] === 'paused'),
    };
  }

  private async syncOne(provider: ProviderName, all: boolean): Promise<'resumed' | 'paused' | null> {
    const record = await this.pauseOf(provider);
    if (!record && !all) {
      return null;
    }
    if (record?.manual) {
      // An operator's pause stops every call to the provider, a balance read included: only the
      // operator lifts it, whatever the balance, and that resume forgets the wallet's balance
      // anyway. Read tick after tick, a pause lasting days would call it every interval.
      return 'paused';
    }
    const minimum = this.catalog.cheapestCall(provider);
    let balance: number | null = null;
    try {
      // Commits that land in the wallet between the read and the write below are charges the
      // reading may miss: the mark, taken before the read, lets setBalance keep them.
      // A paused provider's balance is read tick after tick: spaced, so that the reads leave its
      // rate window to the work that resumes (see BalanceReads.readSpaced).
      const reading = all
        ? await this.reads.read(provider, this.readWaitMs)
        : await this.reads.readSpaced(provider, this.readWaitMs);
      if (reading.status === 'skipped') {
        // Not a reading of no balance: taken for one (null), a provider paused longer than
        // CREDIT_PROBE_AFTER_MS would be resumed on a probe with its balance forgotten.
        return record ? 'paused' : null;
      }
      balance = reading.remaining;
      if (balance !== null) {
        await this.guards.wallet.setBalance(provider, balance, reading.mark);
      }
    } catch (error) {
      this.logger.warn({ msg: 'balance check failed', provider, error: String(error) });
      return null;
    }
    if (!record) {
      return null;
    }
    const snapshot = await this.guards.wallet.snapshot(provider);
    // An unlimited plan (Infinity; the wallet then holds no balance) always pays.
    const canPay =
      balance !== null
        ? isUnlimited(balance) || (snapshot.available ?? balance) >= minimum
        : Date.now() - (record.pausedAt ?? record.since) >= this.config.creditProbeAfterMs;
    if (!canPay) {
      return 'paused';
    }
    if (balance === null) {
      // Only its answers tell this provider's balance, and the out-of-credits one left it at 0 in
      // the wallet, which would refuse every call, the probe included: the queue would pause
      // again at once, for good. Unknown again, the next calls go out; if the provider still
      // cannot pay, its first refusal (free) pauses it again.
      await this.guards.wallet.forgetBalance(provider);
    }
    if (await this.resume(provider, balance)) {
      return 'resumed';
    }
    // An operator who paused it while its balance was read keeps it paused (another check that
    // resumed it first leaves it running).
    return (await this.pauseOf(provider)) ? 'paused' : 'resumed';
  }
}

/** A balance as pause events and logs carry it (JSON has no Infinity). */
function balanceText(balance: number | null): number | string {
  return balance === null ? 'unknown' : isUnlimited(balance) ? 'unlimited' : balance;
}
