import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../audit/audit-log.service';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { CorrelationId } from '../auth/request-context';
import {
  AdminErrors,
  ApiAnswer,
  ApiError,
  ApiJsonBodyErrors,
  ApiNoQuery,
  ApiPost,
} from '../openapi/decorators';
import { CacheClearDto, RetryFailedDto } from './admin-ops.dto';
import { AdminOps, type RetryOutcome } from './admin-ops.service';
import {
  type ComplianceReport,
  DataQuality,
  type DataQualityReport,
  parseDataQualityQuery,
  SEGMENTS,
} from './data-quality';

const PROVIDER_FIGURES = {
  provider: 'snov',
  calls: 120,
  hits: 84,
  credits: 84,
  hit_rate: 0.7,
  cost_per_hit: 1,
};
const DATA_QUALITY_EXAMPLE = {
  window: { from: '2026-11-02T10:00:00.000Z', to: '2026-12-02T10:00:00.000Z' },
  workspace_id: null,
  email_verification: {
    total: 90,
    by_verdict: { valid: 70, invalid: 8, catch_all: 9, unknown: 3 },
    reused: 25,
  },
  email_finder_verdicts: {
    total: 120,
    by_verdict: { valid: 84, risky: 12, catch_all: 6, none: 18 },
    reused: 40,
  },
  phones: {
    total: 40,
    valid: 38,
    invalid: 2,
    valid_rate: 0.95,
    by_kind: { mobile: 25, direct: 10, office: 5 },
    reused: 12,
  },
  completeness: {
    results: 50,
    fields: { business_email: { known: 41, rate: 0.82 }, industry: { known: 47, rate: 0.94 } },
  },
  providers: [PROVIDER_FIGURES],
  segments: [{ ...PROVIDER_FIGURES, segment: 'Software' }],
};
const RETRY_EXAMPLE = {
  matched: 2,
  retried: 1,
  refused: 1,
  jobs: [{ retry_of: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f' }],
  refusals: [
    {
      job_id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      reason: 'The workspace has used its monthly quota at every provider able to answer.',
    },
  ],
};

/** Ops endpoints over the whole platform: data quality, compliance, cache clearing, bulk retries. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin')
export class AdminOpsController {
  constructor(
    private readonly ops: AdminOps,
    private readonly quality: DataQuality,
    private readonly audit: AuditLog,
  ) {}

  @Get('data-quality')
  @ApiOperation({
    summary: 'Data quality: e-mail verdicts, phone validity, field completeness, hit rate and cost per hit',
    description:
      'Over `from`–`to` (ISO 8601; default the last 30 days), for one `workspace_id` or all. E-mail verification: verdicts of the verification steps (a verifier’s check). E-mail finder verdicts, apart: the addresses the finders found, by the finder’s own verdict (`none` when it gave none). Phones: the numbers found, by kind, valid when in E.164 form. Like the provider figures, these count what the providers’ calls answered: a step answered from the cache or the PostgreSQL store repeats an earlier call’s answer, and is counted apart, in each section’s `reused` (verdicts: steps; phones: numbers), not in its `total`. Completeness: of the finished POST /v1/enrich results, how many know each field. Providers: calls (cached answers are not calls), hits, credits, hit rate and cost per hit; with `segment` (industry or country, from the result) the same per segment.',
  })
  @ApiQuery({ name: 'from', required: false, example: '2026-11-01T00:00:00Z' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'workspace_id', required: false, example: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' })
  @ApiQuery({ name: 'segment', required: false, enum: SEGMENTS })
  @ApiAnswer(200, DATA_QUALITY_EXAMPLE, {
    nullable: ['workspace_id', 'valid_rate', 'rate', 'hit_rate', 'cost_per_hit'],
    freeform: ['by_verdict', 'by_kind', 'fields'],
    optional: ['segments'],
    description: 'The figures; `segments` only with `segment`.',
  })
  @ApiError(400, 'An unknown or malformed parameter.', 'segment must be one of: industry, country.')
  @ApiError(404, 'No workspace has that workspace_id.', 'No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e.')
  async dataQuality(@Query() query: Record<string, unknown>): Promise<DataQualityReport> {
    const parsed = parseDataQualityQuery(query);
    await this.ops.requireWorkspace(parsed.workspaceId);
    return this.quality.report(parsed);
  }

  @Get('compliance')
  @ApiNoQuery()
  @ApiOperation({
    summary:
      'Compliance status: retention policies and last runs, suppressions, results carrying RocketReach’s attribution, audit events',
  })
  @ApiAnswer(
    200,
    {
      retention: {
        policies_days: { person: 365, company: 365, provider_calls: 730, results: 90, webhook_events: 30 },
        schedule: '30 2 * * *',
        last_run: {
          id: '0b5e7a1c-2f4d-4c8e-9a6b-1d2e3f4a5b6c',
          trigger: 'schedule',
          status: 'finished',
          started_at: '2026-12-01T02:30:00.000Z',
          finished_at: '2026-12-01T02:31:12.000Z',
          total_deleted: 18234,
          error: null,
        },
        last_finished_run: {
          id: '0b5e7a1c-2f4d-4c8e-9a6b-1d2e3f4a5b6c',
          trigger: 'schedule',
          status: 'finished',
          started_at: '2026-12-01T02:30:00.000Z',
          finished_at: '2026-12-01T02:31:12.000Z',
          total_deleted: 18234,
          error: null,
        },
      },
      suppressions: { total: 3, by_kind: { email: 2, linkedin_url: 1 } },
      attribution: { text: 'Powered by RocketReach', results: 1234 },
      audit_events: 56789,
    },
    { nullable: ['schedule', 'last_run', 'last_finished_run', 'finished_at', 'error'] },
  )
  @ApiError(
    400,
    'A query parameter: the route takes none.',
    'Unknown query parameter(s) workspace_id; this route takes none.',
  )
  async compliance(): Promise<ComplianceReport> {
    return this.quality.compliance();
  }

  @Post('cache/clear')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Clear cached provider answers, by provider, operation or workspace (all when none given)',
    description:
      'Clears the Redis caches: workspaces’ real-time answer caches (POST /v1/enrich) are cleared with them, since an answer cannot be told apart by provider. The long-term store in PostgreSQL still answers a question it holds an answer to younger than STORE_FRESH_DAYS; a job that must call the provider again says so with `options.max_age_days: 0`. Walks Redis with SCAN, never blocking it.',
  })
  @ApiPost({ body: true })
  @ApiJsonBodyErrors()
  @ApiAnswer(200, { deleted: 42, answers_deleted: 3 }, { description: 'How many entries were deleted.' })
  @ApiError(
    400,
    'An unknown provider or operation (named, with those known), a workspace_id not a UUID, a null filter or an unknown field.',
    [
      'provider must be one of: companies-house, snov, …',
      'operation "person.emial" is not one answers are cached under; operations: company.profile, company.officers, …',
    ],
  )
  @ApiError(404, 'No workspace has that workspace_id.', 'No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e.')
  async clearCache(
    @Body() body: CacheClearDto,
    @CorrelationId() correlationId: string,
  ): Promise<{ deleted: number; answers_deleted: number }> {
    await this.ops.requireWorkspace(body.workspace_id);
    const cleared = await this.ops.clearCache({
      provider: body.provider,
      operation: body.operation,
      workspaceId: body.workspace_id,
    });
    await this.audit.record({
      workspaceId: body.workspace_id ?? null,
      actor: 'admin',
      action: 'cache.clear',
      targetType: 'cache',
      targetId: null,
      details: { provider: body.provider ?? null, operation: body.operation ?? null, ...cleared },
      correlationId,
    });
    return cleared;
  }

  @Post('jobs/retry-failed')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run failed jobs again as new jobs, oldest first, up to `limit`',
    description:
      'Filters: `workspace_id`, `since` (created since, ISO 8601), `type`. Each job is retried like POST /v1/jobs/{id}/retry, for its workspace and key, the retry keeping its CSV import and batch; a job its workspace’s quotas refuse, or whose batch was cancelled or has re-enqueued its record since, is listed in `refusals`. Each failed job is run again once: a job already retried (here, or by POST /v1/jobs/{id}/retry) is not taken again, also by a call made at the same time; a retry that fails in its turn is a failed job of its own. Send an Idempotency-Key to have a repeat answer as the first call did.',
  })
  @ApiPost({ body: true })
  @ApiJsonBodyErrors()
  @ApiAnswer(200, RETRY_EXAMPLE, {
    description: 'What was matched, retried (with the new job ids) and refused.',
  })
  @ApiError(400, 'limit missing or out of range, or a filter invalid.', ['limit must be at least 1'])
  @ApiError(404, 'No workspace has that workspace_id.', 'No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e.')
  async retryFailed(
    @Body() body: RetryFailedDto,
    @CorrelationId() correlationId: string,
  ): Promise<RetryOutcome> {
    await this.ops.requireWorkspace(body.workspace_id);
    const outcome = await this.ops.retryFailed(
      {
        limit: body.limit,
        workspaceId: body.workspace_id,
        since: body.since === undefined ? undefined : new Date(body.since),
        type: body.type,
      },
      correlationId,
    );
    await this.audit.record({
      workspaceId: body.workspace_id ?? null,
      actor: 'admin',
      action: 'jobs.retry_failed',
      targetType: 'job',
      targetId: null,
      details: {
        filters: {
          workspace_id: body.workspace_id ?? null,
          since: body.since ?? null,
          type: body.type ?? null,
        },
        limit: body.limit,
        matched: outcome.matched,
        retried: outcome.retried,
        refused: outcome.refused,
      },
      correlationId,
    });
    return outcome;
  }
}
