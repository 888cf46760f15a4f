import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
  ConflictException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RequestInput, RequestOptions, RequestType } from '@sluice/enrichment';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { CreateJobDto, JobCreatedDto } from './create-job.dto';
import { parseJobInput, parseJobOptions } from './job-input';
import type { JobView } from './job-view';
import { parseJobListQuery } from './job-list';
import { JobsService, type JobSummary } from './jobs.service';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import { Quotas } from '../credits/quotas.service';

@ApiTags('jobs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly secrets: WebhookSecrets,
    private readonly quotas: Quotas,
  ) {}

  @Post()
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Enqueue an enrichment job',
    description: 'Answers at once with the job id; poll GET /v1/jobs/{id}.',
  })
  @ApiResponse({ status: 202, type: JobCreatedDto })
  @ApiResponse({ status: 400, description: 'Unknown type, malformed input, unknown fields, malformed JSON.' })
  @ApiResponse({ status: 401, description: 'Missing or invalid API key.' })
  @ApiResponse({
    status: 402,
    description:
      '`quota_exceeded`: the workspace’s monthly quota (policy refuse) is used up at every provider that can answer; nothing was queued or spent.',
  })
  @ApiResponse({
    status: 503,
    description: 'Redis or PostgreSQL unavailable; nothing was written. Retry-After is set.',
  })
  async create(
    @Body() body: CreateJobDto,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobCreatedDto> {
    const type = body.type as RequestType;
    const input = parseJobInput(type, body.input);
    const options = parseJobOptions(body.options);
    if (body.callback_url) {
      await this.secrets.checkUrl(body.callback_url);
    }
    await this.quotas.assertRoom(caller.workspaceId, type, input, options);
    return this.jobs.create(
      caller,
      {
        type,
        input,
        priority: body.priority ?? 'interactive',
        callbackUrl: body.callback_url ?? null,
        maxCredits: body.max_credits ?? null,
        options,
      },
      correlationId,
    );
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'List jobs, newest first',
    description:
      'Filters: `status`, `type`, `created_after`, `created_before` (ISO 8601); `limit` 1–200 (default 50). Pass `next_cursor` back as `cursor` for the next page; null on the last.',
  })
  @ApiResponse({ status: 400, description: 'An unknown or malformed filter, limit or cursor.' })
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ data: JobSummary[]; next_cursor: string | null }> {
    return this.jobs.list(caller, parseJobListQuery(query));
  }

  @Post(':id/retry')
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run a failed or cancelled job again, as a new job with the same type, input and options',
    description: 'Answers with the new job. The cache and the store answer what was already paid for.',
  })
  @ApiResponse({ status: 404, description: 'No such job in this workspace.' })
  @ApiResponse({ status: 409, description: 'The job has not failed or been cancelled.' })
  async retry(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobCreatedDto & { retry_of: string }> {
    const original = await this.jobs.find(caller, id);
    if (original.status !== 'failed' && original.status !== 'cancelled') {
      throw new ConflictException(
        `Job ${id} is ${original.status}; only failed or cancelled jobs can be retried.`,
      );
    }
    const type = original.type as RequestType;
    const input = original.input as RequestInput;
    const options = original.options as RequestOptions;
    await this.quotas.assertRoom(caller.workspaceId, type, input, options);
    const created = await this.jobs.create(
      caller,
      {
        type,
        input,
        priority: original.priority,
        callbackUrl: original.callbackUrl,
        maxCredits: original.maxCredits === null ? null : Number(original.maxCredits),
        options,
      },
      correlationId,
    );
    return { ...created, retry_of: id };
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'A job: status, steps (provider, operation, state, latency, credits, error) and result',
  })
  @ApiResponse({ status: 404, description: 'No such job in this workspace.' })
  async get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<JobView> {
    return this.jobs.get(caller, id);
  }

  @Post(':id/cancel')
  @RequireScope('enrich')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a job',
    description:
      'Stops all further provider calls (and spend) for the job; finished steps keep their results.',
  })
  @ApiResponse({ status: 404, description: 'No such job in this workspace.' })
  @ApiResponse({ status: 409, description: 'The job had already finished.' })
  async cancel(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<JobView> {
    return this.jobs.cancel(caller, id);
  }
}

class JobIdError extends BadRequestException {
  constructor() {
    super('Job id must be a UUID, as returned by POST /v1/jobs.');
  }
}
