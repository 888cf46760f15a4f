import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, CreditMonitorConfig } from '@sluice/config';
import { firstChargesOf } from '@sluice/db';
import {
  BURN_WINDOW_DAYS,
  forecastCredits,
  renewalOf,
  steadyRenewal,
  thresholdLevel,
  thresholdsFor,
  type CreditForecast,
} from '@sluice/enrichment';
import {
  cheapestCallOf,
  costsInForce,
  isUnlimited,
  ProviderError,
  sanitizeStored,
  type CreditBalance,
} from '@sluice/providers';
import {
  CreditWallet,
  type BalanceMark,
  creditWalletPrefix,
  pauseOf,
  pauseProvider,
  stepQueuesOf,
  QUEUE_NAMES,
  resumeProvider,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertBook, type ScopedAlerts } from '../alerts/alert-book';
import { BalanceReaders } from './balance-readers';
import { BalanceReadWindow } from './balance-read-window';
import { balanceDrift } from './drift';

export interface BalanceCheckResult {
  provider: string;
  /** Absent on an unlimited plan (see `unlimited`). */
  balance?: number;
  /** The plan has no credit limit: no balance, no threshold, drift or forecast. */
  unlimited?: boolean;
  level?: 'warning' | 'critical' | null;
  drift?: number | null;
  forecast?: CreditForecast;
  action?: 'paused' | 'resumed' | null;
  skipped?: string;
}

/** What a balance reading is reconciled at: see `BalanceCheck.readingMoment`. */
interface ReadingMoment {
  /** PostgreSQL's time just before the provider was asked; stored as the snapshot's `taken_at`. */
  readAt: Date;
  /** Credits the wallet held for calls in flight at that moment. */
  reserved: number;
}

/** A reading's moment with the time its answer was in (PostgreSQL's); the snapshot's `answered_at`. */
type AnsweredMoment = ReadingMoment & { answeredAt: Date };

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** How far off a renewal is, in words: `in 5 days`, `within a day` (never rounded up). */
function inDays(days: number): string {
  const whole = Math.floor(days);
  return whole < 1 ? 'within a day' : `in ${whole} day${whole === 1 ? '' : 's'}`;
}

/** The span a burn rate was measured over, in words: `the last 7 days`, `the last 2.5 hours`. */
function spanText(days: number): string {
  return days >= 1 ? `the last ${round(days)} days` : `the last ${Math.round(days * 240) / 10} hours`;
}

/**
 * One provider's balance check: takes a slot in the provider's shared rate window (waiting for one
 * a bounded time, else skipping the reading), reads the balance at its account endpoint, stores
 * the snapshot and reconciles the ledger against it, tells the workers' wallet, raises or re-arms
 * the threshold, drift, forecast and renewal alerts, and pauses the provider's queue when its
 * credits cannot pay for a call (resuming it when they can, unless an operator paused it).
 */
@Injectable()
export class BalanceCheck {
  private readonly logger = new Logger(BalanceCheck.name);
  private wallet: CreditWallet | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.creditMonitor) private readonly queue: Queue,
    private readonly moduleRef: ModuleRef,
    private readonly readers: BalanceReaders,
    private readonly window: BalanceReadWindow,
    private readonly alerts: AlertBook,
    private readonly core: CoreConfig,
    private readonly config: CreditMonitorConfig,
  ) {}

  async redis(): Promise<Redis> {
    return (await this.queue.client) as unknown as Redis;
  }

  private async walletOf(): Promise<CreditWallet> {
    this.wallet ??= new CreditWallet(await this.redis(), creditWalletPrefix(this.core.queuePrefix));
    return this.wallet;
  }

  /**
   * `rateWaitMs`: how long the read may wait for a slot in the provider's rate window; past it, this
   * reading is skipped (and logged) rather than made over the provider's limit.
   */
  async check(
    provider: string,
    options: { rateWaitMs: number },
    now = new Date(),
  ): Promise<BalanceCheckResult> {
    if (!this.readers.has(provider)) {
      return { provider, skipped: 'no balance endpoint' };
    }
    const slot = await this.window.take(provider, options.rateWaitMs, this.readers.callsBeforeNext(provider));
    if (!slot.taken) {
      this.logger.warn({
        msg: `balance reading skipped: no free slot in the provider's rate window within ${options.rateWaitMs} ms; read again at the next check`,
        provider,
        rule: slot.decision.rule,
        retryAfterMs: slot.decision.retryAfterMs,
      });
      return {
        provider,
        skipped: `no free slot in ${provider}'s rate window (rule ${slot.decision.rule ?? 'unknown'}) within ${options.rateWaitMs} ms`,
      };
    }
    const wallet = await this.walletOf();
    // Marked before the read: charges the workers commit while the balance is on its way (or while
    // this check waits for the lock below) are kept when the reading is written to the wallet.
    const mark = await wallet.mark(provider);
    const moment = await this.readingMoment(wallet, provider);
    let reading: CreditBalance;
    try {
      reading = await this.readers.read(provider);
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'rate_limited') {
        // Over its limit all the same (calls outside Sluice on the same account, or a provider
        // counting differently): nothing was read, so nothing is recorded or alerted, and the
        // schedule's next check reads again. Not a failure to retry: retries would add to the 429s.
        this.logger.warn({
          msg: 'balance reading skipped: the provider answered 429 (rate limited); read again at the next check',
          provider,
          retryAfterMs: error.retryAfterMs,
        });
        return {
          provider,
          skipped: 'the provider answered 429 (rate limited); read again at the next check',
        };
      }
      throw error;
    }
    const answeredAt = await this.clock();
    // One provider's readings are applied one at a time, under a lock held to the end, and only a
    // reading known to be newer than the last one applied: checks running side by side (replicas,
    // a manual check beside the schedule) could otherwise apply an older balance after a newer one
    // and re-arm an alert that had just fired (see `apply`).
    const { result, alerts } = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`credit_snapshots:${provider}`]);
      const scoped = this.alerts.within(manager);
      return {
        result: await this.apply(manager, scoped, provider, reading, { ...moment, answeredAt }, now, mark),
        alerts: scoped,
      };
    });
    await alerts.dispatch();
    return result;
  }

  /**
   * The moment a reading stands for, taken just before the provider is asked: the reservations of
   * calls in flight then, and the time on PostgreSQL's clock.
   *
   * The time ends the ledger interval reconciled against this reading (`created_at` up to it) and
   * starts the next one (`created_at` after it), so each charge falls in exactly one interval. It is
   * PostgreSQL's time because `created_at` is (the ledger's `now()`): on the monitor's clock, any
   * skew between the hosts would move charges across the boundary. It is taken before the read
   * rather than once the answer is in, so a charge settled while the read is on its way or while
   * the check waits for the provider's lock counts in the next interval, whose balance shows it for
   * certain; and a settlement transaction that began before it (`created_at` is its start) has the
   * read's whole round trip to commit before this reading sums the ledger. The reservations are
   * read right after it: a worker gives its reservation back (the wallet's commit) before it
   * settles the ledger, so a call is never counted both as reserved then and as charged by then;
   * one caught between its two writes counts in neither here and in the next interval's ledger.
   */
  private async readingMoment(wallet: CreditWallet, provider: string): Promise<ReadingMoment> {
    const readAt = await this.clock();
    const { reserved } = await wallet.snapshot(provider);
    return { readAt, reserved };
  }

  /** PostgreSQL's time now (not the transaction's start). */
  private async clock(): Promise<Date> {
    const [row] = await this.dataSource.query<{ at: Date }[]>('SELECT clock_timestamp() AS at');
    if (!row) {
      throw new Error('PostgreSQL answered no row for clock_timestamp(): the reading cannot be timed');
    }
    return row.at;
  }

  private async apply(
    manager: EntityManager,
    alerts: ScopedAlerts,
    provider: string,
    reading: CreditBalance,
    moment: AnsweredMoment,
    now: Date,
    mark: BalanceMark,
  ): Promise<BalanceCheckResult> {
    const { readAt, reserved, answeredAt } = moment;
    const balance = reading.remaining;
    // A balance stands for some moment between its read's start and its answer. A reading sent
    // before the last one applied was answered is not known to be the newer of the two (the
    // provider may have seen this request first and answered it last, or the other way round):
    // applying it could put back a balance from before, clear the alert the other just raised,
    // and have the next reading raise it again. It is skipped; the next check reads afresh.
    const [latest] = await manager.query<{ taken_at: Date; answered_at: Date; renews_at: Date | null }[]>(
      `SELECT taken_at, answered_at, renews_at FROM credit_snapshots WHERE provider = $1
          ORDER BY taken_at DESC LIMIT 1`,
      [provider],
    );
    if (latest && latest.answered_at.getTime() > readAt.getTime()) {
      return {
        provider,
        skipped:
          latest.taken_at.getTime() > readAt.getTime()
            ? 'a newer reading was applied meanwhile'
            : 'a reading whose read overlapped this one was applied first',
      };
    }
    await (await this.walletOf()).setBalance(provider, balance, mark);
    // Kept with the snapshot, so the next reading (and GET /v1/credits) names the same date.
    const renewsAt = steadyRenewal(reading.renewsAt, latest?.renews_at ?? null, now);
    if (isUnlimited(reading)) {
      return this.applyUnlimited(manager, alerts, provider, renewsAt, {
        reserved,
        readAt,
        answeredAt,
      });
    }
    const drift = await this.snapshot(manager, provider, balance, renewsAt, moment);
    const policy = this.config.policies[provider] ?? {};

    // Thresholds: the worst level crossed alerts once; a better balance re-arms.
    // Thresholds an operator stored through the admin API replace the environment's, read at each
    // check so a change applies at the next one.
    const [stored] = await manager.query<{ overrides: unknown }[]>(
      'SELECT overrides FROM provider_settings WHERE provider = $1',
      [provider],
    );
    const overrides = sanitizeStored(stored?.overrides, provider);
    const fromPolicy = thresholdsFor(policy);
    const thresholds = {
      warning: overrides.creditWarning ?? fromPolicy.warning,
      critical: overrides.creditCritical ?? fromPolicy.critical,
    };
    const level = thresholdLevel(balance, thresholds);
    const key = (name: string): string => `credits.threshold:${provider}:${name}`;
    if (level === 'critical') {
      await alerts.fire(key('critical'), {
        kind: 'credits.threshold',
        severity: 'critical',
        provider,
        title: `${provider}: ${balance} credits left (critical at ${thresholds.critical})`,
        text: `${provider}'s balance is ${balance} credits, at or below the critical threshold of ${thresholds.critical}. Top it up, or its queue pauses when a call can no longer be paid.`,
        details: { balance, reserved, threshold: thresholds.critical, level: 'critical' },
      });
      // The warning's cause is covered by the critical alert: no late warning after a top-up to between.
      await alerts.silence(key('warning'));
    } else {
      await alerts.clear(key('critical'));
      if (level === 'warning') {
        await alerts.fire(key('warning'), {
          kind: 'credits.threshold',
          severity: 'warning',
          provider,
          title: `${provider}: ${balance} credits left (warning at ${thresholds.warning})`,
          text: `${provider}'s balance is ${balance} credits, at or below the warning threshold of ${thresholds.warning}.`,
          details: { balance, reserved, threshold: thresholds.warning, level: 'warning' },
        });
      } else {
        await alerts.clear(key('warning'));
      }
    }

    // Drift: the provider took noticeably more (or less) than the ledger charged.
    const driftKey = `credits.drift:${provider}`;
    if (drift !== null && Math.abs(drift) > this.config.driftTolerance) {
      await alerts.fire(driftKey, {
        kind: 'credits.drift',
        severity: 'warning',
        provider,
        title: `${provider}: the balance moved ${drift > 0 ? 'more' : 'less'} than the ledger by ${Math.abs(drift)} credits`,
        text: `Between the last two readings ${provider} took ${drift > 0 ? `${drift} credits more` : `${-drift} credits fewer`} than Sluice's ledger charged (tolerance ${this.config.driftTolerance}). ${drift > 0 ? 'Spend outside Sluice on the same account, a charge the adapter does not know of, or a retry the provider billed twice.' : 'A call counted as charged that the provider did not charge (a paid call that timed out counts at its price), a refund, or credits added in between that were fewer than those spent.'}`,
        details: { drift, tolerance: this.config.driftTolerance },
      });
    } else if (drift !== null) {
      await alerts.clear(driftKey);
    }

    const forecast = await this.forecast(manager, provider, balance - reserved, renewsAt, now);
    await this.forecastAlerts(alerts, provider, { balance, reserved }, forecast, now);
    // The cheapest call at the prices in force (an operator may have changed them).
    const minimum = cheapestCallOf(provider, costsInForce(provider, overrides));
    const action = await this.pauseOrResume(provider, balance, balance - reserved, minimum);
    return { provider, balance, level, drift, forecast, action };
  }

  /**
   * A plan without a credit limit: recorded as a snapshot without a balance (so the next limited
   * reading starts afresh: no drift against it), no threshold, drift or forecast alert can hold, so
   * those armed are cleared, and a pause for credits is lifted (the wallet no longer limits either).
   */
  private async applyUnlimited(
    manager: EntityManager,
    alerts: ScopedAlerts,
    provider: string,
    renewsAt: Date | null,
    { reserved, readAt, answeredAt }: AnsweredMoment,
  ): Promise<BalanceCheckResult> {
    await manager.query(
      `INSERT INTO credit_snapshots (provider, balance, unlimited, reserved, renews_at, taken_at, answered_at)
         VALUES ($1, NULL, true, $2, $3, $4, $5)`,
      [provider, reserved, renewsAt, readAt, answeredAt],
    );
    await alerts.clear(`credits.threshold:${provider}:critical`);
    await alerts.clear(`credits.threshold:${provider}:warning`);
    await alerts.clear(`credits.drift:${provider}`);
    await alerts.clearStartingWith(`forecast.exhaustion:${provider}:`);
    const action = await this.pauseOrResume(provider, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0);
    return { provider, unlimited: true, level: null, drift: null, action };
  }

  /**
   * Stores the reading (under the provider's lock) with what the provider took since the previous
   * one and what the ledger charged over the same period: charges with `created_at` in
   * `(previous taken_at, readAt]`, both bounds on PostgreSQL's clock (see {@link readingMoment}),
   * so consecutive intervals meet without overlap or gap. Returns the drift (null for a first
   * reading or a top-up).
   */
  private async snapshot(
    manager: EntityManager,
    provider: string,
    balance: number,
    renewsAt: Date | null,
    { reserved, readAt, answeredAt }: AnsweredMoment,
  ): Promise<number | null> {
    const [previous] = await manager.query<{ balance: string | null; reserved: string; taken_at: Date }[]>(
      `SELECT balance, reserved, taken_at FROM credit_snapshots WHERE provider = $1
          ORDER BY taken_at DESC LIMIT 1`,
      [provider],
    );
    let providerSpent: number | null = null;
    let ledgerSpent: number | null = null;
    let drift: number | null = null;
    // After an unlimited reading (no balance) there is nothing to reconcile against: a first reading.
    if (previous && previous.balance !== null) {
      const [{ spent }] = await manager.query<[{ spent: string }]>(
        `SELECT COALESCE(SUM(credits), 0) AS spent FROM credit_ledger
            WHERE provider = $1 AND kind = 'charge' AND created_at > $2 AND created_at <= $3`,
        [provider, previous.taken_at, readAt],
      );
      ledgerSpent = Number(spent);
      const took = Number(previous.balance) - balance;
      if (took >= 0) {
        providerSpent = round(took);
        // Calls in flight at either reading may or may not have been charged by then.
        drift = round(balanceDrift(took, ledgerSpent, reserved, Number(previous.reserved)));
      }
    }
    await manager.query(
      `INSERT INTO credit_snapshots
          (provider, balance, reserved, provider_spent, ledger_spent, drift, renews_at, taken_at, answered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [provider, balance, reserved, providerSpent, ledgerSpent, drift, renewsAt, readAt, answeredAt],
    );
    return drift;
  }

  private async forecast(
    manager: EntityManager,
    provider: string,
    available: number,
    reportedRenewal: Date | null,
    now: Date,
  ): Promise<CreditForecast> {
    const [[{ spent }], first] = await Promise.all([
      manager.query<[{ spent: string }]>(
        `SELECT COALESCE(SUM(credits), 0) AS spent FROM credit_ledger
          WHERE provider = $1 AND kind = 'charge' AND created_at > $2`,
        [provider, new Date(now.getTime() - BURN_WINDOW_DAYS * 86_400_000)],
      ),
      firstChargesOf(manager, [provider]),
    ]);
    return forecastCredits({
      balance: available,
      spentLastWindow: Number(spent),
      chargingSince: first.get(provider) ?? null,
      now,
      renewsAt: renewalOf({
        renewalDay: this.config.policies[provider]?.renewalDay,
        reported: reportedRenewal,
        now,
      }),
    });
  }

  /**
   * `forecast` was made from what reservations leave of the balance (`balance - reserved`): the
   * exhaustion alert quotes that figure, and the balance and reservations it comes from.
   */
  private async forecastAlerts(
    alerts: ScopedAlerts,
    provider: string,
    { balance, reserved }: { balance: number; reserved: number },
    forecast: CreditForecast,
    now: Date,
  ): Promise<void> {
    if (!forecast.renewsAt) {
      return;
    }
    const renewal = forecast.renewsAt.toISOString().slice(0, 10);
    const exhaustionKey = `forecast.exhaustion:${provider}:${renewal}`;
    if (forecast.exhaustsBeforeRenewal && forecast.exhaustsAt) {
      const exhausts = forecast.exhaustsAt.toISOString().slice(0, 10);
      // What the forecast counted down from: the balance less reservations (none when they hold it all).
      const available = round(Math.max(0, balance - reserved));
      const credits =
        reserved > 0
          ? `${available} available credits (balance ${balance}, less ${round(reserved)} reserved by calls in flight)`
          : `${available} credits`;
      await alerts.fire(exhaustionKey, {
        kind: 'forecast.exhaustion',
        severity: 'warning',
        provider,
        title: `${provider}: credits run out around ${exhausts}, before the renewal on ${renewal}`,
        text: `At ${round(forecast.burnPerDay)} credits a day (${spanText(forecast.spanDays)}), ${provider}'s ${credits} last about ${round(forecast.daysLeft ?? 0)} days: until ${exhausts}, before the plan renews on ${renewal}.`,
        details: {
          balance,
          reserved: round(reserved),
          available,
          burn_per_day: round(forecast.burnPerDay),
          days_left: forecast.daysLeft === null ? null : round(forecast.daysLeft),
          exhausts_at: forecast.exhaustsAt.toISOString(),
          renews_at: forecast.renewsAt.toISOString(),
        },
      });
    } else {
      await alerts.clear(exhaustionKey);
    }
    const daysToRenewal = (forecast.renewsAt.getTime() - now.getTime()) / 86_400_000;
    if (
      this.config.renewalReminderDays > 0 &&
      daysToRenewal > 0 &&
      daysToRenewal <= this.config.renewalReminderDays
    ) {
      // One reminder per renewal: the key names the renewal date and is never re-armed.
      await alerts.fire(`renewal.reminder:${provider}:${renewal}`, {
        kind: 'renewal.reminder',
        severity: 'warning',
        provider,
        title: `${provider}: the plan renews on ${renewal}`,
        text: `${provider}'s plan renews ${inDays(daysToRenewal)}, on ${renewal}. Balance now: ${balance} credits; burn ${round(forecast.burnPerDay)} a day.`,
        details: { renews_at: forecast.renewsAt.toISOString(), balance },
      });
    }
  }

  /**
   * Pauses the provider when its balance cannot pay for its cheapest call; resumes a pause for
   * credits when what reservations leave of it can. A balance that pays but is held by reservations
   * of calls in flight is no reason to pause (the workers wait for those calls to settle, and many
   * settle for nothing), nor yet to resume.
   */
  private async pauseOrResume(
    provider: string,
    balance: number,
    available: number,
    minimum: number,
  ): Promise<'paused' | 'resumed' | null> {
    const redis = await this.redis();
    const queues = stepQueuesOf(this.moduleRef, provider as ProviderName);
    if (balance < minimum) {
      // The event carries the reading, as the workers' pauses do: the alert quotes the balance.
      const paused = await pauseProvider(
        redis,
        queues,
        this.core.queuePrefix,
        provider,
        { since: Date.now(), reason: `balance ${balance} cannot pay for a call (${minimum} credits)` },
        { balance, reserved: balance - available },
      );
      if (paused) {
        this.logger.warn({ msg: 'provider paused: credits cannot pay for a call', provider, balance });
      }
      return paused ? 'paused' : null;
    }
    const pause = await pauseOf(redis, this.core.queuePrefix, provider);
    if (pause && !pause.manual && available >= minimum) {
      const resumed = await resumeProvider(
        redis,
        queues,
        this.core.queuePrefix,
        provider,
        'credits are back',
        {
          creditOnly: true,
        },
      );
      if (resumed) {
        this.logger.log({ msg: 'provider resumed: credits are back', provider, available });
      }
      return resumed ? 'resumed' : null;
    }
    return null;
  }
}
