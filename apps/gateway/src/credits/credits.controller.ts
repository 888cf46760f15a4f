import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiKeyErrors, ApiNoQuery } from '../openapi/decorators';
import { ALERTS_EXAMPLE, CREDITS_EXAMPLE, CREDITS_NULLABLE, USAGE_EXAMPLE } from '../openapi/examples';
import { CoreConfig, CreditMonitorConfig } from '@sluice/config';
import { firstChargesOf, roundCredits, usageBetween, type UsageRow } from '@sluice/db';
import { burnRate, forecastCredits, renewalOf } from '@sluice/enrichment';
import { ACTIVE_PROVIDERS, CreditWallet, creditWalletPrefix, pauseOf, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { type Caller, CurrentCaller } from '../auth/request-context';
import { isoDateParam, limitParam, refuseUnknownParams, singleParams } from '../http-params';
import { spendOf } from './credits-spend';
import { type ProviderBalance, readProviderBalances } from './provider-balances';
import { Quotas, type QuotaView } from './quotas.service';

const DAY_MS = 86_400_000;

export interface ProviderCredits {
  provider: string;
  /** The provider account's balance as last read (shared by every workspace); null: never read, or unlimited. */
  balance: number | null;
  /** The plan has no credit limit: no balance, and nothing to forecast. */
  unlimited: boolean;
  balance_read_at: string | null;
  /** Credits held by calls in flight. */
  reserved: number;
  /** What this workspace spent at the provider today and this calendar month (UTC). */
  spent_today: number;
  spent_this_month: number;
  /** Credits a day at the provider over the last seven days (every workspace: it drains the shared balance). */
  burn_rate_per_day: number;
  forecast_exhaustion: string | null;
  /** The renewal day set in CREDIT_POLICIES, else the renewal the provider reported with its balance. */
  renewal_date: string | null;
  queue: { state: 'running' | 'paused'; paused_since: string | null; reason: string | null };
  quota: QuotaView | null;
}

/** Credits, usage and alerts, as a workspace sees them. */
@ApiTags('credits')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class CreditsController {
  private wallet: CreditWallet | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly quotas: Quotas,
    private readonly core: CoreConfig,
    private readonly monitor: CreditMonitorConfig,
  ) {}

  private async redis(): Promise<Redis> {
    return (await this.queue.client) as unknown as Redis;
  }

  @Get('credits')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary:
      'Per provider: balance, reserved, spend, burn rate, forecast exhaustion, renewal, queue state, quota',
  })
  @ApiAnswer(200, CREDITS_EXAMPLE, { nullable: CREDITS_NULLABLE })
  @ApiError(
    400,
    'A query parameter: the route takes none.',
    'Unknown query parameter(s) provider; this route takes none.',
  )
  async credits(@CurrentCaller() caller: Caller): Promise<{ providers: ProviderCredits[] }> {
    const now = new Date();
    const redis = await this.redis();
    this.wallet ??= new CreditWallet(redis, creditWalletPrefix(this.core.queuePrefix));
    const [spend, balances, quotas, firstCharges] = await Promise.all([
      spendOf(this.dataSource, caller.workspaceId, now),
      readProviderBalances(this.dataSource, this.wallet),
      this.quotas.list(caller.workspaceId),
      firstChargesOf(this.dataSource.manager, ACTIVE_PROVIDERS),
    ]);
    const providers = await Promise.all(
      ACTIVE_PROVIDERS.map(async (provider): Promise<ProviderCredits> => {
        const pause = await pauseOf(redis, this.core.queuePrefix, provider);
        const { balance, unlimited, readAt, reportedRenewal, wallet } = balances.get(
          provider,
        ) as ProviderBalance;
        const spent = spend.find((row) => row.provider === provider);
        // The renewal the monitor's alerts are raised against: the operator's day, else the provider's.
        const renewsAt = renewalOf({
          renewalDay: this.monitor.policies[provider]?.renewalDay,
          reported: reportedRenewal,
          now,
        });
        const spending = {
          spentLastWindow: Number(spent?.burn ?? 0),
          chargingSince: firstCharges.get(provider) ?? null,
          now,
        };
        // The burn rate is the ledger's, balance or not; only the exhaustion date needs a balance.
        const forecast =
          balance === null
            ? null
            : forecastCredits({ ...spending, balance: balance - wallet.reserved, renewsAt });
        return {
          provider,
          balance,
          unlimited,
          balance_read_at: readAt?.toISOString() ?? null,
          reserved: wallet.reserved,
          spent_today: Number(spent?.today ?? 0),
          spent_this_month: Number(spent?.month ?? 0),
          burn_rate_per_day: roundCredits(burnRate(spending).burnPerDay),
          forecast_exhaustion: forecast?.exhaustsAt?.toISOString() ?? null,
          renewal_date: renewsAt?.toISOString() ?? null,
          queue: pause
            ? { state: 'paused', paused_since: new Date(pause.since).toISOString(), reason: pause.reason }
            : { state: 'running', paused_since: null, reason: null },
          quota: quotas.find((quota) => quota.provider === provider) ?? null,
        };
      }),
    );
    return { providers };
  }

  @Get('credits/usage')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'This workspace’s usage per provider and API key: calls, hits, credits, cost per hit',
  })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date; default: 30 days ago' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date (exclusive); default: now' })
  @ApiAnswer(200, USAGE_EXAMPLE, { nullable: ['cost_per_hit', 'api_key_id'], optional: ['api_key_id'] })
  @ApiError(400, 'from or to malformed, from not before to, or an unknown query parameter.', [
    'from must be before to.',
    'Unknown query parameter(s) since; allowed: from, to.',
  ])
  async usage(
    @CurrentCaller() caller: Caller,
    @Query() query: Record<string, unknown>,
    @Query('from') fromRaw?: string,
    @Query('to') toRaw?: string,
  ): Promise<{ from: string; to: string; by_provider: UsageRow[]; by_api_key: UsageRow[] }> {
    // A misspelt from (since=…) must not answer for the default 30 days as if it had applied.
    refuseUnknownParams(query, ['from', 'to']);
    const now = new Date();
    const to = isoDateParam(toRaw, 'to') ?? now;
    const from = isoDateParam(fromRaw, 'from') ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw new BadRequestException('from must be before to.');
    }
    if (to.getTime() - from.getTime() > 366 * DAY_MS) {
      throw new BadRequestException('from and to may be at most 366 days apart.');
    }
    const scope = { from, to, workspaceId: caller.workspaceId };
    const [byProvider, byKey] = await Promise.all([
      usageBetween(this.dataSource.manager, scope),
      usageBetween(this.dataSource.manager, { ...scope, byApiKey: true }),
    ]);
    return { from: from.toISOString(), to: to.toISOString(), by_provider: byProvider, by_api_key: byKey };
  }

  @Get('alerts')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'Recent alerts: about the providers, and about this workspace (its quotas)',
    description: 'Usage reports cover every workspace and go to ops only.',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    type: 'integer',
    description: '1–500, default 100',
    example: 100,
  })
  @ApiAnswer(200, ALERTS_EXAMPLE, { nullable: ['provider'], freeform: ['details', 'deliveries'] })
  @ApiError(400, 'limit is not a whole number from 1 to 500, or an unknown query parameter.', [
    'limit must be a whole number from 1 to 500.',
    'Unknown query parameter(s) severity; allowed: limit.',
  ])
  async alerts(
    @CurrentCaller() caller: Caller,
    @Query() query: Record<string, unknown>,
  ): Promise<{ alerts: Record<string, unknown>[] }> {
    refuseUnknownParams(query, ['limit']);
    const limit = limitParam(singleParams(query)('limit'), 100, 500);
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT id, kind, severity, provider, title, text, details, deliveries, created_at FROM alerts
        WHERE (workspace_id IS NULL OR workspace_id = $1) AND kind NOT LIKE 'usage.%'
        ORDER BY created_at DESC LIMIT $2`,
      [caller.workspaceId, limit],
    );
    return { alerts: rows };
  }
}
