import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiKeyErrors, ApiNoQuery, ApiPost, ApiUuidParam } from '../openapi/decorators';
import { DELIVERIES_EXAMPLE, WEBHOOK_SECRET_EXAMPLE } from '../openapi/examples';
import { CallbackDelivery } from '@sluice/db';
import { callbackJobOptions, JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CallbackConfig } from '@sluice/config';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { AuditLog } from '../audit/audit-log.service';
import { TERMINAL_STATUSES } from '../jobs/job-view';
import { JobsService } from '../jobs/jobs.service';
import { WebhookSecrets } from './webhook-secrets.service';

/** Signed callbacks upstream: the workspace's signing secret, a job's deliveries, redelivery. */
@ApiTags('callbacks')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class CallbacksController {
  constructor(
    private readonly secrets: WebhookSecrets,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.callbacks) private readonly queue: Queue,
    private readonly config: CallbackConfig,
    private readonly jobs: JobsService,
    private readonly audit: AuditLog,
  ) {}

  @Post('webhook-secret/rotate')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the workspace’s webhook signing secret',
    description:
      'Returns the new secret once. Until `previous_valid_until` callbacks carry signatures by both the old and the new secret.',
  })
  @ApiPost({ body: false })
  @ApiAnswer(200, WEBHOOK_SECRET_EXAMPLE, { nullable: ['previous_valid_until'] })
  @ApiError(400, 'A body with fields: the route takes none.', 'Unknown field(s) x; this route takes no body.')
  async rotate(
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<{ webhook_secret: string; previous_valid_until: string | null }> {
    const rotated = await this.secrets.rotate(caller.workspaceId);
    // The new secret is shown once and stored only sealed: the row keeps when the old one stops signing.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'webhook_secret.rotate',
      targetType: 'workspace',
      targetId: caller.workspaceId,
      details: { previous_valid_until: rotated.previousValidUntil },
      correlationId,
    });
    return { webhook_secret: rotated.secret, previous_valid_until: rotated.previousValidUntil };
  }

  @Get('jobs/:id/callback/deliveries')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({ summary: 'Every attempt to deliver the job’s result to its callback_url' })
  @ApiAnswer(200, DELIVERIES_EXAMPLE, { nullable: ['status', 'error', 'latency_ms'] })
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(400, 'The id is not a UUID, or a query parameter (the route takes none).', [
    'id must be a UUID',
    'Unknown query parameter(s) attempt; this route takes none.',
  ])
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  async deliveries(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') }))
    id: string,
  ): Promise<{ deliveries: Record<string, unknown>[] }> {
    await this.jobs.find(caller, id);
    const rows = await this.dataSource
      .getRepository(CallbackDelivery)
      .find({ where: { requestId: id, workspaceId: caller.workspaceId }, order: { createdAt: 'ASC' } });
    return {
      deliveries: rows.map((row) => ({
        webhook_id: row.webhookId,
        url: row.url,
        attempt: row.attempt,
        status: row.status,
        error: row.error,
        latency_ms: row.latencyMs,
        at: row.createdAt.toISOString(),
      })),
    };
  }

  @Post('jobs/:id/callback/redeliver')
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver the finished job’s result to its callback_url again' })
  @ApiPost({ body: false })
  @ApiAnswer(202, { status: 'queued' })
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(
    400,
    'The id is not a UUID, the job has no callback_url, or a body with fields (the route takes none).',
    [
      'Job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f has no callback_url.',
      'Unknown field(s) callback_url; this route takes no body.',
    ],
  )
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  @ApiError(
    409,
    'The job has not finished yet.',
    'Job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f is running; its result is delivered when it finishes.',
  )
  async redeliver(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') }))
    id: string,
  ): Promise<{ status: 'queued' }> {
    // It delivers to the job's own callback_url: a URL sent here would be ignored.
    const request = await this.jobs.find(caller, id);
    if (!request.callbackUrl) {
      throw new BadRequestException(`Job ${id} has no callback_url.`);
    }
    // A cancelled job has finished too (its callback went when it was cancelled).
    if (!TERMINAL_STATUSES.includes(request.status)) {
      throw new ConflictException(
        `Job ${id} is ${request.status}; its result is delivered when it finishes.`,
      );
    }
    await this.queue.add(
      JOB_NAMES.callbackDeliver,
      { requestId: id, workspaceId: caller.workspaceId },
      callbackJobOptions(id, this.config, `redeliver-${Date.now()}`),
    );
    return { status: 'queued' };
  }
}
