import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QuotaPolicy } from '@sluice/db';
import { CreditWallet } from '@sluice/queue';
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

export type QuotaReservation =
  { ok: true } | { ok: false; policy: QuotaPolicy; limit: number; available: number };

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
  /** Which quota version each month's wallet was last set from (per process; a restart re-reads the ledger). */
  private readonly loaded = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    guards: PipelineGuards,
  ) {
    this.wallet = new CreditWallet(guards.redis, `${guards.prefix}:quota`);
  }

  private async quotaOf(workspaceId: string, provider: string): Promise<Quota | null> {
    const id = `${workspaceId}:${provider}`;
    const cached = this.quotas.get(id);
    if (cached && Date.now() - cached.at < QUOTA_CACHE_MS) {
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

  private async walletKey(workspaceId: string, provider: string, quota: Quota): Promise<string> {
    const month = quotaMonth();
    const key = `${workspaceId}:${provider}:${month}`;
    const snapshot = await this.wallet.snapshot(key);
    if (snapshot.balance === null || this.loaded.get(key) !== quota.version) {
      const [{ spent }] = await this.dataSource.query<[{ spent: string }]>(
        `SELECT COALESCE(SUM(credits), 0) AS spent FROM credit_ledger
          WHERE workspace_id = $1 AND provider = $2 AND kind = 'charge' AND created_at >= $3`,
        [workspaceId, provider, `${month}-01T00:00:00Z`],
      );
      await this.wallet.setBalance(key, quota.limit - Number(spent));
      this.loaded.set(key, quota.version);
    }
    return key;
  }

  /** Reserves `credits` of the workspace's quota at the provider for the step (always ok without a quota). */
  async reserve(
    workspaceId: string,
    provider: string,
    stepId: string,
    credits: number,
    ttlMs: number,
  ): Promise<QuotaReservation> {
    const quota = await this.quotaOf(workspaceId, provider);
    if (!quota) {
      return { ok: true };
    }
    const key = await this.walletKey(workspaceId, provider, quota);
    const reserved = await this.wallet.reserve(key, stepId, credits, ttlMs);
    return reserved.ok
      ? { ok: true }
      : { ok: false, policy: quota.policy, limit: quota.limit, available: reserved.available };
  }

  async commit(workspaceId: string, provider: string, stepId: string, charged: number): Promise<void> {
    const quota = await this.quotaOf(workspaceId, provider);
    if (quota) {
      await this.wallet.commit(await this.walletKey(workspaceId, provider, quota), stepId, charged);
    }
  }

  async release(workspaceId: string, provider: string, stepId: string): Promise<void> {
    const quota = await this.quotaOf(workspaceId, provider);
    if (quota) {
      await this.wallet.release(`${workspaceId}:${provider}:${quotaMonth()}`, stepId);
    }
  }
}
