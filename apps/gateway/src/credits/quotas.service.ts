import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QuotaPolicy } from '@sluice/db';
import {
  type Goal,
  GOALS,
  goalsOf,
  type RequestInput,
  type RequestOptions,
  type RequestType,
} from '@sluice/enrichment';
import { PROVIDER_DESCRIPTORS, servesGoal } from '@sluice/providers';
import { DataSource } from 'typeorm';

export interface QuotaView {
  provider: string;
  monthly_credits: number;
  policy: QuotaPolicy;
  /** Credits the ledger charged the workspace at this provider this calendar month (UTC). */
  used: number;
  remaining: number;
  month: string;
}

/** The first instant of the current calendar month, UTC. */
export function monthStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** A workspace's monthly credit quotas: read them, set them, and refuse work no provider may do. */
/**
 * How long this gateway trusts that a workspace has no `refuse` quota before reading again. Most
 * workspaces have none, and reading them costs a statement (with a sum over the month's ledger) per
 * job made. A quota set or removed through this gateway applies at once; through another replica,
 * within this time. The gateway's check is only the early `402`: workers enforce quotas at the
 * moment of every call, with the same 5 s for a quota to reach them.
 */
const NO_QUOTA_CACHE_MS = 5000;
/** Workspaces remembered at most (all are forgotten at once past it: they are read again). */
const MAX_REMEMBERED = 10_000;

@Injectable()
export class Quotas {
  /** Workspaces known to have no `refuse` quota, and until when that is trusted. */
  private readonly withoutRefuse = new Map<string, number>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(workspaceId: string): Promise<QuotaView[]> {
    const start = monthStart();
    const rows = await this.dataSource.query<
      { provider: string; monthly_credits: string; policy: QuotaPolicy; used: string }[]
    >(
      `SELECT q.provider, q.monthly_credits, q.policy,
              COALESCE((SELECT sum(l.credits) FROM credit_ledger l
                         WHERE l.workspace_id = q.workspace_id AND l.provider = q.provider
                           AND l.kind = 'charge' AND l.created_at >= $2), 0) AS used
         FROM workspace_quotas q WHERE q.workspace_id = $1 ORDER BY q.provider`,
      [workspaceId, start],
    );
    return rows.map((row) => ({
      provider: row.provider,
      monthly_credits: Number(row.monthly_credits),
      policy: row.policy,
      used: Number(row.used),
      remaining: Math.max(0, Number(row.monthly_credits) - Number(row.used)),
      month: start.toISOString().slice(0, 7),
    }));
  }

  async set(
    workspaceId: string,
    provider: string,
    monthlyCredits: number,
    policy: QuotaPolicy,
  ): Promise<QuotaView> {
    await this.dataSource.query(
      `INSERT INTO workspace_quotas (workspace_id, provider, monthly_credits, policy, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (workspace_id, provider)
       DO UPDATE SET monthly_credits = EXCLUDED.monthly_credits, policy = EXCLUDED.policy, updated_at = now()`,
      [workspaceId, provider, monthlyCredits, policy],
    );
    this.withoutRefuse.delete(workspaceId);
    return (await this.list(workspaceId)).find((quota) => quota.provider === provider) as QuotaView;
  }

  async remove(workspaceId: string, provider: string): Promise<boolean> {
    this.withoutRefuse.delete(workspaceId);
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM workspace_quotas WHERE workspace_id = $1 AND provider = $2',
      [workspaceId, provider],
    );
    return affected > 0;
  }

  /**
   * Refuses a request with `402` when the workspace's quotas (policy `refuse`) leave no provider
   * that could work on it: every provider able to meet one of its goals is a paid one whose quota
   * cannot pay for its call this month. A request some provider may still serve is accepted; the
   * workers skip (or, with `hold`, hold) the providers whose quota is used up, at the moment of the
   * call.
   */
  async assertRoom(
    workspaceId: string,
    type: RequestType,
    input: RequestInput,
    options: RequestOptions,
  ): Promise<void> {
    (await this.roomCheck(workspaceId))?.(type, input, options);
  }

  /**
   * {@link assertRoom} for many requests at the cost of one read: the workspace's `refuse` quotas as
   * they stand now, and a check that throws the same `402` for a request none of its providers may
   * serve. Null when the workspace has no such quota (nothing to check).
   */
  async roomCheck(
    workspaceId: string,
  ): Promise<((type: RequestType, input: RequestInput, options: RequestOptions) => void) | null> {
    const known = this.withoutRefuse.get(workspaceId);
    if (known !== undefined && known > Date.now()) {
      return null;
    }
    const refusing = (await this.list(workspaceId)).filter((quota) => quota.policy === 'refuse');
    if (refusing.length === 0) {
      if (this.withoutRefuse.size >= MAX_REMEMBERED) {
        this.withoutRefuse.clear();
      }
      this.withoutRefuse.set(workspaceId, Date.now() + NO_QUOTA_CACHE_MS);
      return null;
    }
    this.withoutRefuse.delete(workspaceId);
    // A provider the workspace calls on its own credentials spends nothing of its platform quota
    // (the workers take no quota there): that quota refuses nothing. Read each time, not
    // remembered: credentials removed put the quota back in force at once.
    const own = new Set(
      (
        await this.dataSource.query<{ provider: string }[]>(
          'SELECT provider FROM workspace_provider_credentials WHERE workspace_id = $1',
          [workspaceId],
        )
      ).map((row) => row.provider),
    );
    const quotas = refusing.filter((quota) => !own.has(quota.provider));
    if (quotas.length === 0) {
      return null;
    }
    return (type, input, options) => refuseWithoutRoom(quotas, type, input, options);
  }
}

function refuseWithoutRoom(
  quotas: readonly QuotaView[],
  type: RequestType,
  input: RequestInput,
  options: RequestOptions,
): void {
  // A chain's officers are not known yet: its e-mail waterfalls are counted in.
  const goals: Pick<Goal, 'key' | 'capability'>[] = [
    ...goalsOf(type, input, options),
    ...(type === 'company.officer_emails' ? [GOALS.email] : []),
  ];
  // The providers the waterfalls ask (servesGoal), not every one declaring a capability: a phone
  // question goes to the phone-lookup providers only, so quotas used up at those refuse it.
  const able = PROVIDER_DESCRIPTORS.map((descriptor) => {
    const costs = goals
      .filter((goal) => servesGoal(descriptor.name, goal))
      .map((goal) => descriptor.capabilities[goal.capability]?.credits ?? 0);
    return { provider: descriptor.name, cost: costs.length > 0 ? Math.min(...costs) : null };
  }).filter((entry): entry is { provider: string; cost: number } => entry.cost !== null);
  const exhausted = able.filter((entry) => {
    const quota = quotas.find((q) => q.provider === entry.provider);
    return entry.cost > 0 && quota !== undefined && quota.remaining < entry.cost;
  });
  if (able.length > 0 && exhausted.length === able.length) {
    const spent = exhausted.map((entry) => {
      const quota = quotas.find((q) => q.provider === entry.provider) as QuotaView;
      return `${entry.provider} (${quota.used} of ${quota.monthly_credits} credits used)`;
    });
    throw new HttpException(
      {
        code: 'quota_exceeded',
        message: `This workspace's monthly credit quota is used up at every provider that can answer ${type}: ${spent.join(', ')}. Nothing was queued or spent; raise the quota or wait for the month to turn.`,
        quotas: quotas.filter((quota) => exhausted.some((entry) => entry.provider === quota.provider)),
      },
      HttpStatus.PAYMENT_REQUIRED,
    );
  }
}
