import { messagesOf } from '../http-errors';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  Logger,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  ConflictException,
} from '@nestjs/common';
import { GatewayConfig } from '@sluice/config';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiAnswer,
  ApiError,
  ApiJsonBody,
  ApiKeyErrors,
  ApiNoQuery,
  ApiPost,
  ApiUuidParam,
  ListRefusedErrorBody,
} from '../openapi/decorators';
import {
  BULK_ANSWER_EXAMPLE,
  BULK_BODY_EXAMPLE,
  JOB_CREATED_EXAMPLE,
  JOB_EVENTS_EXAMPLE,
  JOB_LIST_EXAMPLE,
  JOB_VIEW_EXAMPLE,
  JOB_VIEW_FREEFORM,
  JOB_VIEW_NULLABLE,
} from '../openapi/examples';
import type { RequestOptions, RequestType } from '@sluice/enrichment';
import { RecordsWorkUnderKey } from '../auth/idempotent-work';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { CreateJobDto, JobCreatedDto } from './create-job.dto';
import { parseJobRequest, storedInputOf } from './job-input';
import { alreadyRetried } from './job-retry';
import { jobEvents, leftToRetryLater, TERMINAL_STATUSES, type JobEvent, type JobView } from './job-view';
import { JobEventsHub } from './job-events';
import type { Request, Response } from 'express';
import { parseJobListQuery } from './job-list';
import { bulkJobsOf, checkBulkJob, type RejectedJob } from './bulk-jobs';
import { JobsService, type JobSummary, type NewJob } from './jobs.service';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import { ApiQuotaExceeded } from '../credits/quota.dto';
import { Quotas } from '../credits/quotas.service';
import { AuditLog } from '../audit/audit-log.service';
import { ApiSuppressed } from '../persons/suppression-check';

/** The id of a job event stream's outcome event (`completed`, `failed` or `cancelled`). */
const OUTCOME_EVENT_ID = 'outcome';

@ApiTags('jobs')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1/jobs')
export class JobsController {
  private readonly logger = new Logger(JobsController.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly secrets: WebhookSecrets,
    private readonly quotas: Quotas,
    private readonly hub: JobEventsHub,
    private readonly config: GatewayConfig,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @RecordsWorkUnderKey()
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Enqueue an enrichment job',
    description: 'Answers at once with the job id; poll GET /v1/jobs/{id}.',
  })
  @ApiPost({ body: true })
  @ApiResponse({ status: 202, type: JobCreatedDto, example: JOB_CREATED_EXAMPLE })
  @ApiError(400, 'Unknown type, malformed input, unknown fields, malformed JSON.', [
    'type must be one of: company.profile, company.officers, …',
    'property colour should not exist',
  ])
  @ApiQuotaExceeded()
  @ApiSuppressed()
  async create(
    @Body() body: CreateJobDto,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobCreatedDto> {
    const type = body.type as RequestType;
    const { input, options } = parseJobRequest(type, body.input, body.options);
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

  @Post('bulk')
  @RecordsWorkUnderKey()
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Enqueue many jobs at once',
    description:
      'Body `{"jobs": [...]}`, each job as POST /v1/jobs takes it (priority defaults to bulk), up to JOBS_BULK_MAX. Each job is checked on its own: the valid ones are enqueued together, the others are listed with their problems by index.',
  })
  @ApiPost({ body: true })
  @ApiJsonBody(BULK_BODY_EXAMPLE, { freeform: ['input'] })
  @ApiAnswer(202, BULK_ANSWER_EXAMPLE, {
    description: 'The jobs enqueued (by index in the list) and those refused with their problems.',
  })
  @ApiError(
    400,
    'Not a list of jobs, too many, or not one job valid (then each job is listed in `rejected`).',
    'No job in the list could be accepted; nothing was enqueued.',
    {},
    ListRefusedErrorBody,
  )
  async bulk(
    @Body() body: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<{ accepted: { index: number; id: string }[]; rejected: RejectedJob[] }> {
    const raw = bulkJobsOf(body, this.config.bulkMax);
    const rejected: RejectedJob[] = [];
    const valid: { index: number; job: NewJob }[] = [];
    // One read of the workspace's quotas for the whole list.
    const room = await this.quotas.roomCheck(caller.workspaceId);
    for (const [index, item] of raw.entries()) {
      const checked = await checkBulkJob(item);
      if (Array.isArray(checked)) {
        rejected.push({ index, errors: checked });
        continue;
      }
      try {
        if (checked.callbackUrl) {
          await this.secrets.checkUrl(checked.callbackUrl);
        }
        room?.(checked.job.type, checked.job.input, checked.job.options);
        valid.push({ index, job: checked.job });
      } catch (error) {
        if (!(error instanceof HttpException)) {
          throw error;
        }
        rejected.push({ index, errors: messagesOf(error) });
      }
    }
    return this.jobs.createListed(
      caller,
      valid,
      rejected,
      correlationId,
      'No job in the list could be accepted; nothing was enqueued.',
    );
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'List jobs, newest first',
    description:
      'Filters: `status`, `type`, `import_id` (the jobs of one CSV import), `created_after`, `created_before` (ISO 8601); `limit` 1–200 (default 50). Pass `next_cursor` back as `cursor` for the next page; null on the last. Each job names the job it runs again (`retry_of`) and the job it was run again as (`retried_as`), as `GET /v1/jobs/{id}` does.',
  })
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['queued', 'running', 'completed', 'failed', 'cancelled'],
  })
  @ApiQuery({ name: 'type', required: false, example: 'company.profile' })
  @ApiQuery({
    name: 'import_id',
    required: false,
    example: '46674076-4bea-47eb-ac08-a9da86562f6a',
    description: 'the jobs of one CSV import (its id, from POST /v1/imports)',
  })
  @ApiQuery({ name: 'created_after', required: false, example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'created_before', required: false, example: '2026-12-02T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiAnswer(200, JOB_LIST_EXAMPLE, {
    nullable: ['error', 'retry_of', 'retried_as', 'completed_at', 'next_cursor'],
    freeform: ['input'],
    description: 'A page of jobs, newest first.',
  })
  @ApiError(
    400,
    'An unknown or malformed filter, limit or cursor.',
    'Unknown query parameter(s) colour; allowed: status, type, import_id, created_after, created_before, limit, cursor.',
  )
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<{ data: JobSummary[]; next_cursor: string | null }> {
    const parsed = parseJobListQuery(query);
    const page = await this.jobs.list(caller, parsed);
    // Each job listed carries its input (the person's identifiers). As for an export, the filters
    // say which jobs were read, not their ids: a page holds up to 200.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'job.list.read',
      targetType: 'job',
      details: {
        filters: {
          status: parsed.status ?? null,
          type: parsed.type ?? null,
          import_id: parsed.importId ?? null,
          created_after: parsed.createdAfter?.toISOString() ?? null,
          created_before: parsed.createdBefore?.toISOString() ?? null,
        },
        after: parsed.after ? { created_at: parsed.after.at, id: parsed.after.id } : null,
        limit: parsed.limit,
        jobs: page.data.length,
      },
      correlationId,
    });
    return page;
  }

  @Post(':id/retry')
  @RecordsWorkUnderKey()
  @RequireScope('enrich')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Run a failed or cancelled job again, or a completed one that left a goal to retry later, as a new job with the same type, input and options',
    description:
      'Answers with the new job. The cache and the store answer what was already paid for: with `options.max_age_days`, the retry measures an answer’s age from when the original job was made (the first of a chain of retries), so it reuses what the original’s calls bought — with `max_age_days: 0` too — instead of paying for it again; answers are never older than they may be for a job without `max_age_days`. A completed job can be retried when its result names, in `unresolved[].retry_later`, a provider that could not be asked or could not answer for a reason that passes (its credits, its circuit, a quota, an operator’s pause, its rate window). The retry keeps the job’s CSV import and batch and stands for it there: it is listed by `GET /v1/jobs?import_id=`, the batch record’s current job becomes the retry, the import’s and batch’s progress and their exports count each row or record once, as its latest attempt, and their credits count every attempt (a batch’s `last_run` includes the retries of that run’s jobs); an import’s row counts, for resuming it, count first attempts only. A job is retried once: retry its retry to run it again. A job of a cancelled batch, or one a later run of its batch has replaced, is not retried.',
  })
  @ApiPost({ body: false })
  @ApiAnswer(
    202,
    { ...JOB_CREATED_EXAMPLE, retry_of: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' },
    { description: 'The new job.' },
  )
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(400, 'The id is not a UUID, or a body with fields (the route takes none).', [
    'Job id must be a UUID, as returned by POST /v1/jobs.',
    'Unknown field(s) priority; this route takes no body.',
  ])
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  @ApiError(
    409,
    'The job has not failed or been cancelled, nor completed with a goal to retry later; it was retried already (retry its retry); its batch was cancelled, or a later run of its batch replaced it; or its input, stored by an earlier version, is no longer accepted.',
    'Job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f is completed with nothing to retry later; only failed or cancelled jobs, or completed ones whose result.unresolved names providers in retry_later, can be retried.',
  )
  @ApiQuotaExceeded()
  @ApiSuppressed()
  async retry(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobCreatedDto & { retry_of: string }> {
    // The retry runs the job as it was: a field sent to change it (a priority, say) would be ignored.
    const original = await this.jobs.find(caller, id);
    if (
      original.status !== 'failed' &&
      original.status !== 'cancelled' &&
      !(original.status === 'completed' && leftToRetryLater(original.result))
    ) {
      throw new ConflictException(
        `Job ${id} is ${original.status}${original.status === 'completed' ? ' with nothing to retry later' : ''}; only failed or cancelled jobs, or completed ones whose result.unresolved names providers in retry_later, can be retried.`,
      );
    }
    const type = original.type as RequestType;
    const input = storedInputOf(original.id, type, original.input);
    if (original.retriedAs !== null) {
      throw alreadyRetried(id, original.retriedAs);
    }
    const options = original.options as RequestOptions;
    await this.quotas.assertRoom(caller.workspaceId, type, input, options);
    // Recorded on the original (`retried_as`) as the retry is written, so that the admin's
    // retry-failed does not run it again; the retry takes its place in its batch and import.
    const created = await this.jobs.createRetry(
      caller,
      { original: { id, importId: original.importId, batchId: original.batchId }, claimed: false },
      {
        type,
        input,
        priority: original.priority,
        callbackUrl: original.callbackUrl,
        maxCredits: original.maxCredits === null ? null : Number(original.maxCredits),
        options,
        // Its max_age_days counts from the first attempt: what that attempt paid for is reused.
        firstAttemptAt: original.firstAttemptAt ?? original.createdAt,
      },
      correlationId,
    );
    return { ...created, retry_of: id };
  }

  @Get(':id/events')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary:
      'Server-sent events of a job: `snapshot`, then `step` and `status` as they happen, then `completed`, `failed` or `cancelled` with the result',
    description:
      'The `snapshot` is the job as `GET /v1/jobs/{id}` shows it (its retries, `retry_of` and `retried_as`, included). The stream ends after the outcome. A page can show a lead’s e-mail or phone appear without polling. Workers announce each change over Redis; the gateway also re-reads the job every 5 s in case a message was lost. Every event has an `id:`, the outcome’s being `outcome`; a reconnect (EventSource sends the last id it read as `Last-Event-ID`) is sent a fresh snapshot, or 204 when it has read the outcome, which stops EventSource reconnecting.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: '`text/event-stream`: one `id:`, `event:` and `data:` (JSON) per event.',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: JOB_EVENTS_EXAMPLE } },
  })
  @ApiResponse({
    status: 204,
    description: 'The request’s `Last-Event-ID` is `outcome` and the job has ended: nothing more to send.',
  })
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(400, 'The id is not a UUID, or a query parameter (the route takes none).', [
    'Job id must be a UUID, as returned by POST /v1/jobs.',
    'Unknown query parameter(s) include; this route takes none.',
  ])
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  async events(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // Read before the stream opens: another workspace's job is a plain 404.
    let last = await this.jobs.get(caller, id);
    // EventSource reconnects whenever a stream ends, the end after an outcome included, and sends
    // the id of the last event it read. A reconnect that has read the outcome is told 204, which
    // stops EventSource reconnecting (HTML's server-sent events: any status but 200 fails the
    // connection for good); any other reconnect is sent a fresh snapshot.
    const outcomeRead =
      request.headers['last-event-id'] === OUTCOME_EVENT_ID && TERMINAL_STATUSES.includes(last.status);
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'job.events.read',
      targetType: 'job',
      targetId: id,
      details: { type: last.type, status: last.status, ...(outcomeRead ? { outcome_read: true } : {}) },
      correlationId,
    });
    if (outcomeRead) {
      response.status(204).end();
      return;
    }
    if (request.socket.destroyed || response.destroyed) {
      // The client went while the job was read (or the key checked): its request's 'close' has
      // been emitted already, so a stream opened now would never end before the job does, and
      // would re-read the job every few seconds for nobody meanwhile.
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    let stop: (() => void) | null = null;
    const timers: NodeJS.Timeout[] = [];
    const closing = this.hub.closing;
    const close = (): void => {
      if (!closed) {
        closed = true;
        timers.forEach((timer) => clearInterval(timer));
        stop?.();
        closing.removeEventListener('abort', close);
        response.end();
      }
    };
    request.on('close', close);
    // The gateway is shutting down: the stream ends (see JobEventsHub.closing) and EventSource
    // reconnects, to another replica, for a fresh snapshot.
    closing.addEventListener('abort', close);
    let sent = 0;
    const send = (events: JobEvent[]): void => {
      for (const event of events) {
        const eventId = TERMINAL_STATUSES.includes(event.type) ? OUTCOME_EVENT_ID : String((sent += 1));
        response.write(`id: ${eventId}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      }
      if (TERMINAL_STATUSES.includes(last.status)) {
        close();
      }
    };
    // One read at a time; a change announced during a read is read right after it.
    let reading = false;
    let again = false;
    const refresh = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const view = await this.jobs.get(caller, id);
          const events = jobEvents(last, view);
          last = view;
          if (!closed) {
            send(events);
          }
        } while (again && !closed);
      } catch (error) {
        this.logger.warn({ msg: 'job event stream failed', id, error: String(error) });
        response.write(
          `event: error\ndata: ${JSON.stringify({ message: 'The job could not be read; reconnect.' })}\n\n`,
        );
        close();
      } finally {
        reading = false;
      }
    };
    send(jobEvents(null, last));
    if (closing.aborted) {
      close(); // opened while the gateway shuts down: the snapshot, then the reconnect
    }
    if (!closed) {
      timers.push(setInterval(() => void refresh(), 5000));
      // A job can wait a long time (for credits, a provider's asynchronous work) with nothing to
      // say; a proxy or load balancer closes a connection idle for its timeout (often 60 s), so a
      // comment line, which EventSource ignores, keeps the stream alive.
      timers.push(
        setInterval(() => {
          if (!closed) {
            response.write(': keep-alive\n\n');
          }
        }, this.config.jobEventsKeepaliveMs),
      );
    }
    if (!closed) {
      stop = await this.hub.listen(id, () => void refresh());
      if (closed) {
        stop();
      } else {
        await refresh(); // what changed while subscribing
      }
    }
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'A job: status, steps (provider, operation, state, latency, credits, error) and result',
    description:
      '`retry_of` names the job this one runs again (`POST /v1/jobs/{id}/retry`; null for a first attempt) and `retried_as` the job it was run again as (null while it has not been): a client follows a chain of retries by them, from the first attempt to the latest. The `snapshot` event of `GET /v1/jobs/{id}/events` and the items of `GET /v1/jobs` carry them too.',
  })
  @ApiAnswer(200, JOB_VIEW_EXAMPLE, { nullable: JOB_VIEW_NULLABLE, freeform: JOB_VIEW_FREEFORM })
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(400, 'The id is not a UUID, or a query parameter (the route takes none).', [
    'Job id must be a UUID, as returned by POST /v1/jobs.',
    'Unknown query parameter(s) include; this route takes none.',
  ])
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  async get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobView> {
    const view = await this.jobs.get(caller, id);
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'job.read',
      targetType: 'job',
      targetId: id,
      details: { type: view.type, status: view.status },
      correlationId,
    });
    return view;
  }

  @Post(':id/cancel')
  @RequireScope('enrich')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a job',
    description:
      'Stops all further provider calls (and spend) for the job; finished steps keep their results.',
  })
  @ApiPost({ body: false })
  @ApiAnswer(
    200,
    { ...JOB_VIEW_EXAMPLE, status: 'cancelled', result: null },
    { nullable: JOB_VIEW_NULLABLE, freeform: JOB_VIEW_FREEFORM, description: 'The job, cancelled.' },
  )
  @ApiUuidParam('id', 'The job id, as returned by POST /v1/jobs.', '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f')
  @ApiError(400, 'The id is not a UUID, or a body with fields (the route takes none).', [
    'Job id must be a UUID, as returned by POST /v1/jobs.',
    'Unknown field(s) reason; this route takes no body.',
  ])
  @ApiError(
    404,
    'No such job in this workspace.',
    'No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace.',
  )
  @ApiError(
    409,
    'The job had already finished.',
    'Job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f is already completed; only unfinished jobs can be cancelled.',
  )
  async cancel(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdError() })) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<JobView> {
    const view = await this.jobs.cancel(caller, id);
    // The answer is the job as GET /v1/jobs/:id shows it, input and finished steps' results included.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'job.cancel',
      targetType: 'job',
      targetId: id,
      details: { type: view.type, status: view.status },
      correlationId,
    });
    return view;
  }
}

class JobIdError extends BadRequestException {
  constructor() {
    super('Job id must be a UUID, as returned by POST /v1/jobs.');
  }
}
