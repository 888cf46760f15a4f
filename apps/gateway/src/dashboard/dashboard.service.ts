import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, PipelineConfig } from '@sluice/config';
import { firstChargesOf, roundCredits, usageBetween } from '@sluice/db';
import { BURN_WINDOW_DAYS, burnRate, forecastCredits } from '@sluice/enrichment';
import {
  ACTIVE_PROVIDERS,
  ACTIVE_QUEUE_NAMES,
  circuitBreakerPrefix,
  CreditWallet,
  creditWalletPrefix,
  pauseOf,
  QUEUE_NAMES,
  RedisCircuitBreaker,
  type CircuitState,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { type ProviderBalance, readProviderBalances } from '../credits/provider-balances';

const DAY_MS = 86_400_000;
/** How far back the charts and the usage tables look. */
export const DASHBOARD_WINDOW_DAYS = 14;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'paused'] as const;

export interface DashboardProvider {
  provider: string;
  /** null: never read, or unlimited. */
  balance: number | null;
  /** The plan has no credit limit. */
  unlimited: boolean;
  balance_read_at: string | null;
  reserved: number;
  burn_rate_per_day: number;
  forecast_exhaustion: string | null;
  paused: boolean;
  pause: { since: string; reason: string; by: 'operator' | 'credits' } | null;
  circuit: CircuitState;
}

export interface UsageTotals {
  calls: number;
  hits: number;
  credits: number;
  /** hits / calls; null without calls. */
  hit_rate: number | null;
}

export interface DashboardSummary {
  generated_at: string;
  window_days: number;
  providers: DashboardProvider[];
  /** Balance readings (credit_snapshots) per provider, oldest first; unlimited readings have no point. */
  balance_history: { provider: string; points: { at: string; balance: number }[] }[];
  /** Credits charged per UTC day and provider (credit ledger). */
  burn: { day: string; provider: string; credits: number }[];
  spend_by_provider: (UsageTotals & { provider: string })[];
  spend_by_workspace: (UsageTotals & { workspace_id: string; workspace: string })[];
  queues: { name: string; counts: Record<string, number> }[];
  alerts: {
    id: string;
    kind: string;
    severity: string;
    provider: string | null;
    title: string;
    created_at: string;
  }[];
}

function totals(rows: { calls: number; hits: number; credits: number }[]): UsageTotals {
  const calls = rows.reduce((sum, row) => sum + row.calls, 0);
  const hits = rows.reduce((sum, row) => sum + row.hits, 0);
  const credits = rows.reduce((sum, row) => sum + row.credits, 0);
  return {
    calls,
    hits,
    credits: roundCredits(credits),
    hit_rate: calls > 0 ? Math.round((hits / calls) * 10_000) / 10_000 : null,
  };
}

/** Groups usage rows by `key` and totals each group. */
export function groupUsage<T extends { calls: number; hits: number; credits: number }>(
  rows: T[],
  key: (row: T) => string,
): Map<string, UsageTotals> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  }
  return new Map([...groups].map(([name, group]) => [name, totals(group)]));
}

/**
 * Everything the ops dashboard shows, across every workspace (it is an admin view): the same
 * balances, pauses and circuits GET /v1/providers reads, the usage report's query, BullMQ's job
 * counts and the latest alerts.
 */
@Injectable()
export class DashboardService {
  private wallet: CreditWallet | null = null;
  private circuits: RedisCircuitBreaker | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly core: CoreConfig,
    private readonly pipeline: PipelineConfig,
  ) {}

  private queue(name: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  async summary(now: Date = new Date()): Promise<DashboardSummary> {
    const redis = (await this.queue(QUEUE_NAMES.enrichment).client) as unknown as Redis;
    this.wallet ??= new CreditWallet(redis, creditWalletPrefix(this.core.queuePrefix));
    this.circuits ??= new RedisCircuitBreaker(redis, circuitBreakerPrefix(this.core.queuePrefix), {
      failureRateThreshold: this.pipeline.circuitFailureRate,
      minimumCalls: this.pipeline.circuitMinimumCalls,
      windowMs: this.pipeline.circuitWindowMs,
      coolDownMs: this.pipeline.circuitCoolDownMs,
    });
    const circuits = this.circuits;
    const since = new Date(now.getTime() - DASHBOARD_WINDOW_DAYS * DAY_MS);
    const burnSince = new Date(now.getTime() - BURN_WINDOW_DAYS * DAY_MS);
    const [balances, states, history, burn, recentBurn, firstCharges, usage, workspaces, queues, alerts] =
      await Promise.all([
        readProviderBalances(this.dataSource, this.wallet),
        Promise.all(
          ACTIVE_PROVIDERS.map(async (provider) => ({
            pause: await pauseOf(redis, this.core.queuePrefix, provider),
            circuit: await circuits.state(provider),
          })),
        ),
        // The latest 200 readings per provider in the window: enough for a chart, bounded in size.
        this.dataSource.query<{ provider: string; balance: string; taken_at: Date }[]>(
          `SELECT provider, balance, taken_at FROM (
           SELECT provider, balance, taken_at,
                  row_number() OVER (PARTITION BY provider ORDER BY taken_at DESC) AS n
             FROM credit_snapshots WHERE taken_at >= $1 AND NOT unlimited) latest
          WHERE n <= 200 ORDER BY provider, taken_at`,
          [since],
        ),
        this.dataSource.query<{ day: string; provider: string; credits: string }[]>(
          `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, provider, sum(credits) AS credits
           FROM credit_ledger WHERE kind = 'charge' AND created_at >= $1
          GROUP BY 1, 2 ORDER BY 1, 2`,
          [since],
        ),
        this.dataSource.query<{ provider: string; credits: string }[]>(
          `SELECT provider, sum(credits) AS credits FROM credit_ledger
          WHERE kind = 'charge' AND created_at > $1 GROUP BY provider`,
          [burnSince],
        ),
        firstChargesOf(this.dataSource.manager, ACTIVE_PROVIDERS),
        usageBetween(this.dataSource.manager, { from: since, to: now }),
        this.dataSource.query<{ id: string; name: string }[]>(`SELECT id, name FROM workspaces`),
        Promise.all(
          [...ACTIVE_QUEUE_NAMES, QUEUE_NAMES.creditMonitor].map(async (name) => ({
            name,
            counts: await this.queue(name).getJobCounts(...QUEUE_STATES),
          })),
        ),
        this.dataSource.query<
          {
            id: string;
            kind: string;
            severity: string;
            provider: string | null;
            title: string;
            created_at: Date;
          }[]
        >(
          `SELECT id, kind, severity, provider, title, created_at FROM alerts ORDER BY created_at DESC LIMIT 20`,
        ),
      ]);

    const providers = ACTIVE_PROVIDERS.map((provider, index): DashboardProvider => {
      const { pause, circuit } = states[index];
      const { balance, unlimited, readAt, wallet } = balances.get(provider) as ProviderBalance;
      const spent = recentBurn.find((row) => row.provider === provider);
      const spending = {
        spentLastWindow: Number(spent?.credits ?? 0),
        chargingSince: firstCharges.get(provider) ?? null,
        now,
      };
      // The burn rate is the ledger's, balance or not; only the exhaustion date needs a balance.
      const forecast =
        balance === null
          ? null
          : forecastCredits({ ...spending, balance: balance - wallet.reserved, renewsAt: null });
      return {
        provider,
        balance,
        unlimited,
        balance_read_at: readAt?.toISOString() ?? null,
        reserved: wallet.reserved,
        burn_rate_per_day: roundCredits(burnRate(spending).burnPerDay),
        forecast_exhaustion: forecast?.exhaustsAt?.toISOString() ?? null,
        paused: pause !== null,
        pause: pause
          ? {
              since: new Date(pause.since).toISOString(),
              reason: pause.reason,
              by: pause.manual ? 'operator' : 'credits',
            }
          : null,
        circuit,
      };
    });
    const names = new Map(workspaces.map((row) => [row.id, row.name]));
    return {
      generated_at: now.toISOString(),
      window_days: DASHBOARD_WINDOW_DAYS,
      providers,
      balance_history: ACTIVE_PROVIDERS.map((provider) => ({
        provider,
        points: history
          .filter((row) => row.provider === provider)
          .map((row) => ({ at: new Date(row.taken_at).toISOString(), balance: Number(row.balance) })),
      })).filter((series) => series.points.length > 0),
      burn: burn.map((row) => ({
        day: row.day,
        provider: row.provider,
        credits: Number(row.credits),
      })),
      spend_by_provider: [...groupUsage(usage, (row) => row.provider)].map(([provider, sums]) => ({
        provider,
        ...sums,
      })),
      spend_by_workspace: [...groupUsage(usage, (row) => row.workspace_id)].map(([id, sums]) => ({
        workspace_id: id,
        workspace: names.get(id) ?? id,
        ...sums,
      })),
      queues: queues.map(({ name, counts }) => ({ name, counts })),
      alerts: alerts.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() })),
    };
  }
}
