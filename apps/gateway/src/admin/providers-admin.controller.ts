import { AuditLog } from '../audit/audit-log.service';
import { CorrelationId } from '../auth/request-context';
import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminErrors, ApiAnswer, ApiError, ApiJsonBody, ApiPost } from '../openapi/decorators';
import {
  CREDITS_CHECK_EXAMPLE,
  PAUSED_EXAMPLE,
  RESUMED_EXAMPLE,
  USAGE_REPORT_EXAMPLE,
} from '../openapi/examples';
import { CoreConfig } from '@sluice/config';
import { lockProviderPause, ProviderPauseRow } from '@sluice/db';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import {
  ACTIVE_PROVIDERS,
  CreditWallet,
  creditWalletPrefix,
  JOB_NAMES,
  PROVIDER_NAMES,
  QUEUE_NAMES,
  pauseProvider,
  resumeProvider,
  type StepQueues,
  stepQueuesOf,
  type PauseRecord,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { bodyFields, providerOf } from '../http-params';
import { checkUsageReportDay } from './usage-report-day';

/**
 * Ops controls over providers: pause or resume one by hand (its queue and the marker every worker
 * checks before a paid call; an operator's pause is not lifted by the credit sync), and read every
 * provider's balance now instead of at the next scheduled check. An operator's pause is written to
 * PostgreSQL first (`provider_pauses`), then to Redis: the workers put it back into Redis from there
 * when Redis loses its data, and a pause Redis refused at first is not forgotten. Pauses and resumes
 * of one provider are serialised across both writes (see {@link ProvidersAdminController.writePause}).
 */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin')
export class ProvidersAdminController {
  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue,
    @InjectQueue(QUEUE_NAMES.creditMonitor)
    private readonly monitorQueue: Queue<{ provider?: string; day?: string }>,
    private readonly core: CoreConfig,
    private readonly audit: AuditLog,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post('providers/:name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a provider: no call reaches it until an operator resumes it' })
  @ApiParam({ name: 'name', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiPost({ body: false })
  @ApiAnswer(200, PAUSED_EXAMPLE)
  @ApiError(
    400,
    'A body with fields: the route takes none.',
    'Unknown field(s) minutes; this route takes no body.',
  )
  @ApiError(404, 'No such provider.', "No provider 'acme'; providers: companies-house, snov, …")
  async pause(
    @Param('name') name: string,
    @CorrelationId() correlationId: string,
  ): Promise<{ provider: string; paused: true }> {
    const provider = providerOf(name);
    // The pause lasts until an operator resumes the provider: a duration sent here would be ignored.
    const record: PauseRecord = { since: Date.now(), reason: 'paused by an operator', manual: true };
    await this.writePause(
      provider,
      (rows) => rows.upsert({ provider, since: new Date(record.since), reason: record.reason }, ['provider']),
      (redis) => pauseProvider(redis, this.queuesOf(provider), this.core.queuePrefix, provider, record),
      { onRedisError: 'commit' },
    );
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'provider.pause',
      targetType: 'provider',
      targetId: provider,
      correlationId,
    });
    return { provider, paused: true };
  }

  @Post('providers/:name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a provider paused by hand or for credits' })
  @ApiParam({ name: 'name', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiPost({ body: false })
  @ApiAnswer(200, RESUMED_EXAMPLE)
  @ApiError(400, 'A body with fields: the route takes none.', 'Unknown field(s) x; this route takes no body.')
  @ApiError(404, 'No such provider.', "No provider 'acme'; providers: companies-house, snov, …")
  async resume(
    @Param('name') name: string,
    @CorrelationId() correlationId: string,
  ): Promise<{ provider: string; paused: false }> {
    const provider = providerOf(name);
    await this.writePause(
      provider,
      (rows) => rows.delete({ provider }),
      async (redis) => {
        // The operator says the provider can be asked again (its account topped up, say). The
        // balance its out-of-credits answer left in the wallet (0) would refuse the next call and
        // pause it again at once; forgotten, it is read again (a balance endpoint's next reading,
        // or the provider's next answer: a refusal, free, pauses it again). Without this a provider
        // with no balance endpoint stayed refused until its credit probe (CREDIT_PROBE_AFTER_MS).
        await new CreditWallet(redis, creditWalletPrefix(this.core.queuePrefix)).forgetBalance(provider);
        return resumeProvider(
          redis,
          this.queuesOf(provider),
          this.core.queuePrefix,
          provider,
          'resumed by an operator',
          {
            creditOnly: false,
          },
        );
      },
      { onRedisError: 'roll back' },
    );
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'provider.resume',
      targetType: 'provider',
      targetId: provider,
      correlationId,
    });
    return { provider, paused: false };
  }

  @Post('credits/check')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Read every provider’s balance now (and resume those paused for credits that can pay)',
  })
  @ApiPost({ body: false })
  @ApiAnswer(202, CREDITS_CHECK_EXAMPLE)
  @ApiError(
    400,
    'A body with fields: the route takes none.',
    'Unknown field(s) provider; this route takes no body.',
  )
  async check(
    @CorrelationId() correlationId: string,
  ): Promise<{ status: 'queued'; job_id: string; providers: string[] }> {
    // Every provider's balance is read: a provider named here would be ignored.
    const at = Date.now();
    const options = {
      priority: 1,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    };
    // The credit monitor reads, records and alerts on each balance; the workers' credit sync
    // resumes what can pay again even when no monitor runs.
    const jobs = await this.monitorQueue.addBulk(
      ACTIVE_PROVIDERS.map((provider) => ({
        name: JOB_NAMES.creditsCheck,
        data: { provider },
        opts: { ...options, jobId: `credits-check-${provider}-${at}` },
      })),
    );
    await this.planQueue.add(
      JOB_NAMES.creditsSync,
      { all: true },
      { ...options, jobId: `credits-sync-${at}` },
    );
    const providers = jobs.map((job) => String(job.data.provider));
    // It may resume providers paused for credits: new work is routed to them again.
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'credits.check',
      targetType: 'job',
      targetId: `credits-check-${at}`,
      details: { providers },
      correlationId,
    });
    return { status: 'queued', job_id: `credits-check-${at}`, providers };
  }

  @Post('reports/usage')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send the usage report now (per provider and workspace: calls, hits, credits, cost per hit)',
    description:
      'Body `{"day": "YYYY-MM-DD"}` (UTC); yesterday by default, as the daily schedule sends it. Today is allowed (its report counts the calls made so far); a later day, or one before 2026-11-22 (the day Sluice’s schema dates from, so no installation has usage before it), is a 400.',
  })
  @ApiPost({ body: true })
  @ApiJsonBody({ day: '2026-11-30' }, { required: false, optional: ['day'] })
  @ApiAnswer(202, USAGE_REPORT_EXAMPLE)
  @ApiError(
    400,
    'day is not a YYYY-MM-DD date its month has, is after today (UTC) or before 2026-11-22, or an unknown field.',
    [
      'day must be a date as YYYY-MM-DD.',
      "day must not be after today (2026-12-01, UTC): a report counts the calls made that day, and today's counts those so far.",
      "day must be 2026-11-22 or later: Sluice's database schema dates from that day, so there is no usage before it.",
      'Unknown field(s) dya; allowed: day.',
    ],
  )
  async usageReport(
    @CorrelationId() correlationId: string,
    @Body() body: unknown,
  ): Promise<{ status: 'queued'; job_id: string }> {
    // A misspelt day must not send yesterday's report instead.
    const { day } = bodyFields(body, ['day']);
    if (day !== undefined) {
      checkUsageReportDay(day, new Date());
    }
    const job = await this.monitorQueue.add(JOB_NAMES.usageReport, day === undefined ? {} : { day }, {
      jobId: `usage-report-${Date.now()}`,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    });
    // The report goes out by webhook and e-mail: every workspace's usage leaves the system.
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'usage_report.send',
      targetType: 'job',
      targetId: String(job.id),
      details: { day: day ?? null },
      correlationId,
    });
    return { status: 'queued', job_id: String(job.id) };
  }

  /**
   * An operator's pause or resume: `write` to `provider_pauses`, then `apply` to Redis, in one
   * transaction that holds the provider's pause lock (see `lockProviderPause`) until it commits. Of
   * a pause and a resume sent together, the one that commits last is then also the last to write
   * Redis, and both stores say what it did (a pause in PostgreSQL that Redis had lifted would be
   * put back by the workers after the operator was told the provider was resumed).
   *
   * When Redis refuses `apply` the operator is answered with that error, and the provider is left
   * paused, the safe side, in a state both stores come to agree on: a pause's row is committed all
   * the same (`commit`: the workers put the pause back into Redis from it), a resume's delete is
   * rolled back (`roll back`: the row stays, and the workers put back whatever part of the pause
   * Redis had already lifted). The operator sends the call again.
   */
  private async writePause(
    provider: ProviderName,
    write: (rows: Repository<ProviderPauseRow>) => Promise<unknown>,
    apply: (redis: Redis) => Promise<unknown>,
    { onRedisError }: { onRedisError: 'commit' | 'roll back' },
  ): Promise<void> {
    const refused = await this.dataSource.transaction(async (manager): Promise<{ error: unknown } | null> => {
      await lockProviderPause(manager, provider);
      await write(manager.getRepository(ProviderPauseRow));
      try {
        await apply(await this.redis());
      } catch (error) {
        if (onRedisError === 'roll back') {
          throw error;
        }
        return { error };
      }
      return null;
    });
    if (refused) {
      throw refused.error;
    }
  }

  private queuesOf(provider: ProviderName): StepQueues {
    return stepQueuesOf(this.moduleRef, provider);
  }

  /** BullMQ types its connection minimally; it is the ioredis client the queue was given. */
  private async redis(): Promise<Redis> {
    return (await this.planQueue.client) as unknown as Redis;
  }
}
