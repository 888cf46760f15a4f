import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QuotaPolicy } from '@sluice/db';
import { CreditWallet, forgetQuotaHold, holdLease, recordQuotaHold, releaseLease } from '@sluice/queue';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { PipelineGuards } from './pipeline-redis';

/** How long a quota read from PostgreSQL is trusted before it is read again (a change takes effect within it). */
const QUOTA_CACHE_MS = 5000;

interface Quota {
  limit: number;
  policy: QuotaPolicy;
  /** When it was last changed: a change resets the month's allowance from the ledger. */
  version: string;
}

/**
 * A refusal tells why, as the provider's wallet does: `balance` is what the month's allowance has
 * left (the quota minus what was charged), `available` what the reservations of the workspace's
 * steps in flight leave of it. With `balance >= needed` the step only waits on those steps, which
 * settle (or expire) soon and often charge nothing; with `balance < needed` the quota is used up.
 */
export type QuotaReservation =
  | { ok: true }
  | { ok: false; policy: QuotaPolicy; limit: number; available: number; balance: number; needed: number };

/** The calendar month (UTC) a quota counts in. */
export function quotaMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/**
 * Workspaces' monthly credit quotas per provider, enforced at the moment of the call. Each
 * (workspace, provider, month) is a credit wallet in Redis — the same atomic reserve, commit and
 * release as the provider's own balance — whose balance is the quota minus what the ledger charged
 * this month: concurrent steps on every replica can never together pass the quota.
 */
@Injectable()
export class WorkspaceQuotas {
  private readonly wallet: CreditWallet;
  private readonly quotas = new Map<string, { at: number; quota: Quota | null }>();
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly queuePrefix: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    guards: PipelineGuards,
  ) {
    this.wallet = new CreditWallet(guards.redis, `${guards.prefix}:quota`);
    this.redis = guards.redis;
    this.prefix = guards.prefix;
    this.queuePrefix = guards.queuePrefix;
  }

  private async quotaOf(workspaceId: string, provider: string, fresh = false): Promise<Quota | null> {
    const id = `${workspaceId}:${provider}`;
    const cached = this.quotas.get(id);
    if (!fresh && cached && Date.now() - cached.at < QUOTA_CACHE_MS) {
      return cached.quota;
    }
    const [row] = await this.dataSource.query<
      { monthly_credits: string; policy: QuotaPolicy; updated_at: Date }[]
    >(
      'SELECT monthly_credits, policy, updated_at FROM workspace_quotas WHERE workspace_id = $1 AND provider = $2',
      [workspaceId, provider],
    );
    const quota = row
      ? { limit: Number(row.monthly_credits), policy: row.policy, version: row.updated_at.toISOString() }
      : null;
    this.quotas.set(id, { at: Date.now(), quota });
    return quota;
  }

  /**
   * The month's wallet, its balance set once per quota version across every replica: one replica at
   * a time initialises it (a lease), from the ledger, the others wait for it (an unknown balance
   * would not limit, and setting it twice could undo commits the ledger has not caught up with yet).
   * Versions only move forward: each replica keeps its own few seconds' copy of the quota, so one
   * still holding the copy from before a change finds the wallet already set for a newer version.
   * It then reads the quota again rather than initialise the wallet for its old one, which would put
   * the old allowance back for every replica (a quota lowered from 100 to 10 paying 50 more
   * credits) and leave the replicas that saw the change waiting for their version until the step
   * failed. Returns the key with the quota it was set for (null: the quota was removed meanwhile).
   */
  private async walletKey(
    workspaceId: string,
    provider: string,
    cached: Quota,
  ): Promise<{ key: string; quota: Quota } | null> {
    let quota = cached;
    const month = quotaMonth();
    const key = `${workspaceId}:${provider}:${month}`;
    const versionKey = `${this.prefix}:quota-version:${key}`;
    // Versions are ISO instants of one format: they compare as strings.
    const newer = (stored: string | null): boolean => stored !== null && stored > quota.version;
    const ready = async (stored: string | null): Promise<boolean> =>
      stored === quota.version && (await this.wallet.snapshot(key)).balance !== null;
    // Set when PostgreSQL itself has the quota older than the wallet's version (its clock set back):
    // what PostgreSQL has is the quota all the same.
    let olderInPostgres = false;
    for (let waited = 0; ; waited += 50) {
      const stored = await this.redis.get(versionKey);
      if (await ready(stored)) {
        return { key, quota };
      }
      if (newer(stored) && !olderInPostgres) {
        const fresh = await this.quotaOf(workspaceId, provider, true);
        if (!fresh) {
          return null;
        }
        quota = fresh;
        olderInPostgres = newer(stored);
        continue;
      }
      const owner = randomUUID();
      if (await holdLease(this.redis, `${versionKey}:init`, owner, 30_000)) {
        try {
          // Under the lease: another replica may have set it while this one looked.
          const now = await this.redis.get(versionKey);
          if (await ready(now)) {
            return { key, quota };
          }
          if (!newer(now) || olderInPostgres) {
            const [{ spent }] = await this.dataSource.query<[{ spent: string }]>(
              `SELECT COALESCE(SUM(credits), 0) AS spent FROM credit_ledger
                WHERE workspace_id = $1 AND provider = $2 AND kind = 'charge' AND created_at >= $3`,
              [workspaceId, provider, `${month}-01T00:00:00Z`],
            );
            await this.wallet.setBalance(key, quota.limit - Number(spent));
            await this.redis.set(versionKey, quota.version, 'PX', 40 * 24 * 3_600_000);
            return { key, quota };
          }
        } finally {
          await releaseLease(this.redis, `${versionKey}:init`, owner);
        }
        continue;
      }
      if (waited >= 5000) {
        throw new Error(
          `the quota of ${workspaceId} at ${provider} was not initialised in time; the step retries`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Reserves `credits` of the workspace's quota at the provider for the step (always ok without a
   * quota). A refusal says whether the month's allowance itself cannot pay or only the reservations
   * of the workspace's steps in flight leave too little (see {@link QuotaReservation}). `fresh`: the
   * quota is read from PostgreSQL, not from this replica's few seconds' cache (a held step woken
   * because its quota was raised must see the raise).
   */
  async reserve(
    workspaceId: string,
    provider: string,
    stepId: string,
    credits: number,
    ttlMs: number,
    fresh = false,
  ): Promise<QuotaReservation> {
    const cached = await this.quotaOf(workspaceId, provider, fresh);
    const wallet = cached && (await this.walletKey(workspaceId, provider, cached));
    if (!wallet) {
      return { ok: true };
    }
    const { key, quota } = wallet;
    const reserved = await this.wallet.reserve(key, stepId, credits, ttlMs);
    return reserved.ok
      ? { ok: true }
      : {
          ok: false,
          policy: quota.policy,
          limit: quota.limit,
          available: reserved.available,
          balance: reserved.balance,
          needed: reserved.needed,
        };
  }

  /** Keeps the step's reservation of the quota held for another `ttlMs` (see CreditWallet.renew). */
  async renew(
    workspaceId: string,
    provider: string,
    stepId: string,
    credits: number,
    ttlMs: number,
  ): Promise<void> {
    const quota = await this.quotaOf(workspaceId, provider);
    const wallet = quota && (await this.walletKey(workspaceId, provider, quota));
    if (wallet) {
      await this.wallet.renew(wallet.key, stepId, credits, ttlMs);
    }
  }

  async commit(workspaceId: string, provider: string, stepId: string, charged: number): Promise<void> {
    const quota = await this.quotaOf(workspaceId, provider);
    const wallet = quota && (await this.walletKey(workspaceId, provider, quota));
    if (wallet) {
      await this.wallet.commit(wallet.key, stepId, charged);
    }
  }

  /** Notes that the workspace's used-up quota holds the step (raising or removing the quota wakes it). */
  async recordHold(workspaceId: string, provider: string, stepId: string): Promise<void> {
    await recordQuotaHold(this.redis, this.queuePrefix, workspaceId, provider, stepId);
  }

  async forgetHold(workspaceId: string, provider: string, stepId: string): Promise<void> {
    await forgetQuotaHold(this.redis, this.queuePrefix, workspaceId, provider, stepId);
  }

  async release(workspaceId: string, provider: string, stepId: string): Promise<void> {
    const quota = await this.quotaOf(workspaceId, provider);
    if (quota) {
      await this.wallet.release(`${workspaceId}:${provider}:${quotaMonth()}`, stepId);
    }
  }
}
