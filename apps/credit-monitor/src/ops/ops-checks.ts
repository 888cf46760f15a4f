import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, CreditMonitorConfig } from '@sluice/config';
import { ACTIVE_PROVIDERS, pauseOf, probeOf, webhookRefusalsKey } from '@sluice/queue';
import { HOLD_BACK_KINDS } from '@sluice/providers';
import { DataSource } from 'typeorm';
import { AlertBook } from '../alerts/alert-book';
import { BalanceCheck } from '../credits/balance-check';

/**
 * Call outcomes that say nothing bad about the provider: it answered, it found nothing, or it held
 * the call back (a 429, out of credits: {@link HOLD_BACK_KINDS}, which its circuit does not count
 * either; back-off and the credit pause handle them, and the pause alerts).
 */
const NOT_FAILURES: readonly string[] = ['not_found', 'bad_request', ...HOLD_BACK_KINDS];

/**
 * Refusals of the account a call was made on. On the platform's account they are the platform's
 * failure (its key revoked, its plan changed) and count. On a workspace's own account (its stored
 * credentials) they are that workspace's affair: counted, one workspace's bad key would raise the
 * platform's critical alert, and route its operators to a provider that works for everybody else.
 * Its other failures (timeouts, 5xx) say the same of the provider as the platform's, and count.
 */
const ACCOUNT_REFUSALS: readonly string[] = ['unauthorized', 'forbidden'];

export interface OpsCheckResult {
  failureRates: Record<string, number>;
  webhookFailures: number;
  stuckTasks: number;
  longPauses: string[];
  redispatched: number;
}

/**
 * The operational checks, run by a job scheduler (once per tick across monitors): each condition
 * alerts once while it holds and re-arms when it clears. A provider failing more than the
 * threshold of its calls in the window; provider webhooks refused or failing processing; async
 * tasks left unfinished past their deadline; a provider paused for credits for too long.
 */
@Injectable()
export class OpsChecks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertBook,
    private readonly balances: BalanceCheck,
    private readonly core: CoreConfig,
    private readonly config: CreditMonitorConfig,
  ) {}

  async run(): Promise<OpsCheckResult> {
    const since = new Date(Date.now() - this.config.failureRateWindowMs);
    const windowMinutes = Math.round(this.config.failureRateWindowMs / 60_000);
    const failureRates = await this.failureRates(since, windowMinutes);
    const webhookFailures = await this.webhookFailures(since, windowMinutes);
    const stuckTasks = await this.stuckTasks();
    const longPauses = await this.longPauses();
    const redispatched = await this.alerts.redispatch(60_000);
    return { failureRates, webhookFailures, stuckTasks, longPauses, redispatched };
  }

  private async failureRates(since: Date, windowMinutes: number): Promise<Record<string, number>> {
    // Calls held back are not counted as calls either, as the circuit does not count them: a storm
    // of 429s beside a few timeouts would otherwise water the failures down below the threshold.
    const rows = await this.dataSource.query<
      { provider: string; calls: string; failed: string; held_back: string }[]
    >(
      `SELECT provider,
              count(*) FILTER (WHERE error_kind IS NULL OR error_kind <> ALL($2::text[])) AS calls,
              count(*) FILTER (WHERE error_kind IS NOT NULL AND error_kind <> ALL($3::text[])) AS failed,
              count(*) FILTER (WHERE error_kind = ANY($2::text[])) AS held_back
         FROM provider_calls
        WHERE created_at > $1 AND NOT (own_account AND error_kind = ANY($4::text[]))
        GROUP BY provider`,
      [since, HOLD_BACK_KINDS, NOT_FAILURES, ACCOUNT_REFUSALS],
    );
    const rates: Record<string, number> = {};
    for (const provider of ACTIVE_PROVIDERS) {
      const row = rows.find((r) => r.provider === provider);
      const calls = Number(row?.calls ?? 0);
      const failed = Number(row?.failed ?? 0);
      const heldBack = Number(row?.held_back ?? 0);
      const rate = calls > 0 ? failed / calls : 0;
      rates[provider] = rate;
      const key = `provider.failure_rate:${provider}`;
      if (calls >= this.config.failureRateMinCalls && rate > this.config.failureRateThreshold) {
        const percent = Math.round(rate * 1000) / 10;
        const notCounted =
          heldBack > 0
            ? ` ${heldBack} more were answered 429 (rate limited) or out of credits: not counted, as back-off and the credit pause handle those.`
            : '';
        await this.alerts.fire(key, {
          kind: 'provider.failure_rate',
          severity: 'critical',
          provider,
          title: `${provider}: ${percent}% of calls failed in the last ${windowMinutes} minutes`,
          text: `${failed} of ${calls} calls to ${provider} failed in the last ${windowMinutes} minutes (threshold ${this.config.failureRateThreshold * 100}%).${notCounted} Its circuit may open; the waterfalls route around it meanwhile.`,
          details: { calls, failed, rate, held_back: heldBack },
        });
      } else if (rate <= this.config.failureRateThreshold) {
        await this.alerts.clear(key);
      }
    }
    return rates;
  }

  private async webhookFailures(since: Date, windowMinutes: number): Promise<number> {
    const redis = await this.balances.redis();
    const refused = await redis.zcount(webhookRefusalsKey(this.core.queuePrefix), since.getTime(), '+inf');
    const [{ failing }] = await this.dataSource.query<[{ failing: string }]>(
      `SELECT count(*) AS failing FROM webhook_events
        WHERE received_at > $1 AND (status = 'unmatched' OR (status = 'received' AND error IS NOT NULL))`,
      [since],
    );
    const total = refused + Number(failing);
    const key = 'webhooks.failing';
    if (total >= this.config.webhookFailureAlertCount) {
      await this.alerts.fire(key, {
        kind: 'webhooks.failing',
        severity: 'warning',
        title: `${total} provider webhooks refused or failing in the last ${windowMinutes} minutes`,
        text: `${refused} provider callbacks were refused (bad signature or unknown token) and ${failing} stored callbacks could not be applied in the last ${windowMinutes} minutes. Check the providers' webhook secrets, WEBHOOK_PUBLIC_URL, and that the workers and the webhook receiver share one SLUICE_ENCRYPTION_KEY (the callback URLs' tokens derive from it).`,
        details: { refused, failing: Number(failing) },
      });
    } else if (total === 0) {
      await this.alerts.clear(key);
    }
    return total;
  }

  private async stuckTasks(): Promise<number> {
    const rows = await this.dataSource.query<{ provider: string; stuck: string; oldest: Date }[]>(
      `SELECT provider, count(*) AS stuck, min(deadline_at) AS oldest FROM enrichment_steps
        WHERE state = 'pending' AND deadline_at IS NOT NULL
          AND deadline_at < now() - make_interval(secs => $1::double precision / 1000)
        GROUP BY provider`,
      [this.config.stuckTaskGraceMs],
    );
    const total = rows.reduce((sum, row) => sum + Number(row.stuck), 0);
    const key = 'tasks.stuck';
    if (total > 0) {
      await this.alerts.fire(key, {
        kind: 'tasks.stuck',
        severity: 'warning',
        title: `${total} asynchronous provider task(s) unfinished past their deadline`,
        text: `Tasks waiting for a provider are past their deadline by more than ${Math.round(this.config.stuckTaskGraceMs / 60_000)} minutes: ${rows.map((r) => `${r.provider} ${r.stuck}`).join(', ')}. The poller should have finished or failed them: check the workers.`,
        details: { by_provider: Object.fromEntries(rows.map((r) => [r.provider, Number(r.stuck)])) },
      });
    } else {
      await this.alerts.clear(key);
    }
    return total;
  }

  private async longPauses(): Promise<string[]> {
    const redis = await this.balances.redis();
    const long: string[] = [];
    for (const provider of ACTIVE_PROVIDERS) {
      const pause = await pauseOf(redis, this.core.queuePrefix, provider);
      const key = `provider.paused_long:${provider}`;
      if (pause && !pause.manual && Date.now() - pause.since >= this.config.pauseAlertAfterMs) {
        long.push(provider);
        const minutes = Math.round((Date.now() - pause.since) / 60_000);
        await this.alerts.fire(key, {
          kind: 'provider.paused_long',
          severity: 'critical',
          provider,
          title: `${provider} has been paused for credits for ${minutes} minutes`,
          text: `${provider}'s queue has been paused since ${new Date(pause.since).toISOString()} (${pause.reason}). Its work waits or goes to other providers; top up the account, then POST /v1/admin/credits/check.`,
          details: { since: new Date(pause.since).toISOString(), reason: pause.reason },
        });
      } else if (!pause && !(await probeOf(redis, this.core.queuePrefix, provider))) {
        // Resumed only to probe its credits, it is still out of them until a call is answered.
        await this.alerts.clear(key);
      }
    }
    return long;
  }
}
