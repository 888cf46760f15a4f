import { InjectQueue } from '@nestjs/bullmq';
import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  JOB_NAMES,
  manualRetentionRunJobOptions,
  QUEUE_NAMES,
  type RetentionRunPayload,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { retentionRunHoldsLock } from '@sluice/db';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { CorrelationId } from '../auth/request-context';
import { refuseUnknownParams } from '../http-params';
import { AdminErrors, ApiAnswer, ApiError, ApiPost } from '../openapi/decorators';
import { RETENTION_RUN_EXAMPLE, RETENTION_RUNS_EXAMPLE } from '../openapi/examples';

export interface RetentionRunView {
  id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  deleted: Record<string, number>;
  total_deleted: number;
  error: string | null;
}

/**
 * Retention (data past its retention period deleted in small batches by the credit monitor, nightly):
 * start a run now, and read the report row of each run.
 */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/retention')
export class RetentionAdminController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.creditMonitor) private readonly monitorQueue: Queue<RetentionRunPayload>,
    private readonly audit: AuditLog,
  ) {}

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run retention now (the credit monitor deletes data past its retention, in small batches)',
    description:
      'The run is queued for the credit monitor; its report row appears in GET /v1/admin/retention/runs. One run goes at a time: while one is queued or running (asked for here, or the nightly one), another is refused with a 409 naming it.',
  })
  @ApiPost({ body: false })
  @ApiAnswer(202, RETENTION_RUN_EXAMPLE)
  @ApiError(
    400,
    'A body with fields: the route takes none.',
    'Unknown field(s) dry_run; this route takes no body.',
  )
  @ApiError(409, 'A retention run is already queued or running.', [
    'A retention run is already queued or running (job retention-run-1796239573990-5f0c2a9e, manual); its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.',
    'A retention run is in progress; its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.',
  ])
  async runNow(@CorrelationId() correlationId: string): Promise<{ status: 'queued'; job_id: string }> {
    // A run queued while another is queued or running would find the other's lock and end without
    // running (the credit monitor skips it): the caller would be told of a run that never happens.
    const queued = await this.queuedRun();
    if (queued) {
      throw this.runInProgress(queued);
    }
    if (await retentionRunHoldsLock(this.dataSource.manager)) {
      // A run holds the lock with no job of this queue behind it (its job was removed, or it was
      // started from elsewhere against this database).
      throw new ConflictException(
        'A retention run is in progress; its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.',
      );
    }
    // The run deletes for real, across every workspace: a dry_run or a scope sent here would be ignored.
    // Unique even for two requests in the same millisecond: BullMQ answers the add of an id it
    // already holds with that job, which would read here as a run of this request's own.
    const jobId = `retention-run-${Date.now()}-${randomBytes(4).toString('hex')}`;
    const job = await this.monitorQueue.add(
      JOB_NAMES.retentionRun,
      { trigger: 'manual' },
      manualRetentionRunJobOptions(jobId),
    );
    // Two requests at once both pass the checks above; BullMQ's deduplication adds one job and
    // answers the other with it.
    if (job.id !== jobId) {
      throw this.runInProgress({ id: String(job.id), trigger: 'manual' });
    }
    // A run deletes data across every workspace, ahead of its nightly schedule.
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'retention.run',
      targetType: 'job',
      targetId: jobId,
      correlationId,
    });
    return { status: 'queued', job_id: jobId };
  }

  /** A retention job waiting for the credit monitor or running (asked for here, or the nightly one). */
  private async queuedRun(): Promise<{ id: string; trigger: string } | null> {
    const jobs = await this.monitorQueue.getJobs(['active', 'waiting', 'prioritized']);
    const run = jobs.find((job) => job?.name === JOB_NAMES.retentionRun);
    return run ? { id: String(run.id), trigger: run.data.trigger } : null;
  }

  private runInProgress(run: { id: string; trigger: string }): ConflictException {
    return new ConflictException(
      `A retention run is already queued or running (job ${run.id}, ${run.trigger}); its report row appears in GET /v1/admin/retention/runs. Ask again once it has finished.`,
    );
  }

  @Get('runs')
  @ApiOperation({ summary: 'List retention runs, newest first: when, rows deleted per table, error' })
  @ApiQuery({ name: 'limit', required: false, example: 20, description: '1 to 200; 20 by default.' })
  @ApiAnswer(200, RETENTION_RUNS_EXAMPLE)
  @ApiError(400, 'limit is not a whole number from 1 to 200, or an unknown query parameter.', [
    'limit must be a whole number from 1 to 200.',
    'Unknown query parameter(s) limt; allowed: limit.',
  ])
  async list(
    @Query() query: Record<string, unknown>,
    @Query('limit') limitRaw?: string,
  ): Promise<{ data: RetentionRunView[] }> {
    refuseUnknownParams(query, ['limit']);
    let limit = 20;
    if (limitRaw !== undefined) {
      limit = Number(limitRaw);
      if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > 200) {
        throw new BadRequestException('limit must be a whole number from 1 to 200.');
      }
    }
    const rows = await this.dataSource.query<
      {
        id: string;
        trigger: string;
        status: string;
        started_at: Date;
        finished_at: Date | null;
        deleted: Record<string, number>;
        total_deleted: string;
        error: string | null;
      }[]
    >(
      `SELECT id, trigger, status, started_at, finished_at, deleted, total_deleted, error
         FROM retention_runs ORDER BY started_at DESC, id LIMIT $1`,
      [limit],
    );
    return {
      data: rows.map((row) => ({
        id: row.id,
        trigger: row.trigger,
        status: row.status,
        started_at: row.started_at.toISOString(),
        finished_at: row.finished_at?.toISOString() ?? null,
        deleted: row.deleted,
        total_deleted: Number(row.total_deleted),
        error: row.error,
      })),
    };
  }
}
