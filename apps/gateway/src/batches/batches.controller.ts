import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiDelete,
  ApiError,
  ApiJsonBodyErrors,
  ApiKeyErrors,
  ApiNoQuery,
  ApiPost,
  ApiUuidParam,
} from '../openapi/decorators';
import { ENRICH_FIELDS } from '@sluice/enrichment';
import type { AuditAction } from '../audit/audit-actions';
import { AuditLog } from '../audit/audit-log.service';
import { RecordsWorkUnderKey } from '../auth/idempotent-work';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { ENRICH_IDENTIFIERS } from '../enrich/enrich-input';
import { refuseUnknownParams, singleParams } from '../http-params';
import { decodeKeysetCursor, encodeKeysetCursor } from '../keyset-cursor';
import { EVERY_DAYS, parseSchedule, SINCE_DAYS } from './batch-input';
import {
  BatchCancelledDto,
  BatchCreatedDto,
  BatchDetailDto,
  BatchDto,
  BatchListDto,
  BatchRefusedErrorBody,
  BatchScheduleDto,
  BatchSummaryDto,
  CreateBatchBodyDto,
} from './batch.dto';
import { BatchesService } from './batches.service';

const BATCH_ID = '0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d';
const JOB_ID = '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f';
const BATCH_CURSOR_EXAMPLE = encodeKeysetCursor('2026-12-01 09:00:00.123456+00', BATCH_ID);

/** What ParseUUIDPipe answers a malformed batch id with. */
const BATCH_ID_ERROR = 'Validation failed (uuid is expected)';

/**
 * A route of one batch (`:id`): the id in the path (ParseUUIDPipe refuses anything else), its 400
 * (`badRequest` when the route refuses more than a malformed id) and the 404 of a batch the
 * workspace does not have.
 */
const BatchRoute = (
  badRequest: { description: string; message: string } = {
    description: 'The id is not a UUID.',
    message: BATCH_ID_ERROR,
  },
): MethodDecorator =>
  applyDecorators(
    ApiUuidParam('id', 'The batch id, as returned by POST /v1/batches.', BATCH_ID),
    ApiError(400, badRequest.description, badRequest.message),
    ApiError(
      404,
      'No such batch in this workspace.',
      'No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace.',
    ),
  );

const BATCH_EXAMPLE = {
  id: BATCH_ID,
  name: 'Closed-won, last quarter',
  status: 'running',
  fields: ['business_email', 'industry', 'company_size'],
  options: { fields: ['business_email', 'industry', 'company_size'] },
  filters: { since_days: 90, limit: 500 },
  priority: 'bulk',
  max_credits: 100,
  max_credits_per_record: 0.2,
  records_received: 520,
  record_count: 500,
  schedule: { every_days: 30 },
  progress: { total: 500, by_status: { completed: 320, running: 30, queued: 150 }, finished: 320 },
  credits_spent: 41,
  last_run_at: '2026-12-01T09:00:00.000Z',
  cancelled_at: null,
  created_at: '2026-12-01T09:00:00.000Z',
};

/** A bounded integer query parameter; absent is the default, anything else malformed is a 400 naming it. */
function intParam(raw: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

@ApiTags('batches')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiKeyErrors()
@Controller('v1/batches')
export class BatchesController {
  constructor(
    private readonly batches: BatchesService,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @RecordsWorkUnderKey()
  @ApiPost({ body: true })
  @RequireScope('enrich')
  @ApiOperation({
    summary: 'Enrich a set of records as one batch',
    description: `Body: \`records\` (each with identifiers — ${ENRICH_IDENTIFIERS.join(', ')} — and optionally \`external_id\` and \`occurred_at\`, an ISO date such as when the deal closed), \`enrich\` (fields, from: ${ENRICH_FIELDS.join(', ')}), and optionally \`name\`, \`options\`, \`since_days\` (${SINCE_DAYS.min}–${SINCE_DAYS.max}: only records whose occurred_at is within that many days; records without occurred_at are left out), \`limit\` (1–BATCHES_MAX_RECORDS: at most that many records, the most recent occurred_at first), \`priority\` (default bulk), \`max_credits\` (for the whole batch per run: each record's job may spend an equal share, rounded down to 4 decimals; a budget below 0.0001 per record is a 400) and \`schedule\` (\`{"every_days": n}\`, ${EVERY_DAYS.min}–${EVERY_DAYS.max}: records whose last enrichment is older are enriched again). Each record becomes an ordinary \`enrich\` job; invalid records are reported by index and not fatal; a bad batch setting is a 400 and nothing is written.`,
  })
  @ApiBody({
    type: CreateBatchBodyDto,
    examples: {
      batch: {
        value: {
          name: 'Closed-won, last quarter',
          records: [
            {
              external_id: 'deal-1042',
              first_name: 'Ada',
              last_name: 'Lovelace',
              domain: 'acme.com',
              occurred_at: '2026-11-20',
            },
            { external_id: 'deal-1043', email: 'grace@navy.example', occurred_at: '2026-10-02T14:00:00Z' },
          ],
          enrich: ['business_email', 'industry', 'company_size'],
          since_days: 90,
          limit: 500,
          max_credits: 100,
          schedule: { every_days: 30 },
        },
      },
    },
  })
  @ApiCreatedResponse({
    description:
      'The batch, the records accepted (with their job ids), refused (by index, with why) and filtered out.',
    type: BatchCreatedDto,
    example: {
      batch: BATCH_EXAMPLE,
      accepted: [{ index: 0, external_id: 'deal-1042', job_id: JOB_ID }],
      rejected: [{ index: 1, errors: ['records[1]: email "grace@" is not an e-mail address'] }],
      filtered_out: [{ index: 2, reason: 'since_days' }],
    },
  })
  @ApiError(
    400,
    'A bad setting (named), too many records, a budget too small to split, or no record left to enrich (then each record is listed in `rejected` or `filtered_out`).',
    'since_days must be an integer from 1 to 3650',
    {},
    BatchRefusedErrorBody,
  )
  @ApiError(
    503,
    'Redis unavailable: nothing was written; retry.',
    'Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay.',
  )
  create(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<BatchCreatedDto> {
    return this.batches.create(caller, body, correlationId);
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: "The workspace's batches, newest first",
    description:
      'Query: `limit` (1–100, default 20), and `cursor` (the previous page’s `next_cursor`; null on the last page) or `offset` (default 0). Follow `next_cursor`: batches created meanwhile do not shift its pages. Pages by `offset` do (a batch created between two pages pushes the older ones down, and the second page repeats the last of the first); `next_offset` is null on the last page and when paging by cursor.',
  })
  @ApiOkResponse({
    description: 'A page of batches, newest first.',
    type: BatchListDto,
    example: { data: [BATCH_EXAMPLE], next_cursor: BATCH_CURSOR_EXAMPLE, next_offset: 20 },
  })
  @ApiError(
    400,
    'limit, offset or cursor malformed or out of bounds, both cursor and offset, or an unknown query parameter.',
    [
      'limit must be an integer from 1 to 100',
      'cursor is not a next_cursor of this list; start again without it.',
      'Unknown query parameter(s) status; allowed: limit, offset, cursor.',
    ],
  )
  @ApiQuery({ name: 'limit', required: false, example: 20, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiQuery({
    name: 'offset',
    required: false,
    example: 0,
    description: 'default 0; not with cursor (pages by offset shift as batches are created)',
  })
  list(@CurrentCaller() caller: Caller, @Query() query: Record<string, unknown>): Promise<BatchListDto> {
    // A filter the list does not have (status=failed) must not answer as if it had applied.
    refuseUnknownParams(query, ['limit', 'offset', 'cursor']);
    const text = singleParams(query);
    const limit = intParam(text('limit'), 'limit', 1, 100, 20);
    const offset = text('offset');
    const cursor = text('cursor');
    if (cursor && offset) {
      throw new BadRequestException(
        'Give cursor or offset, not both: cursor pages from where the last page ended.',
      );
    }
    if (cursor) {
      return this.batches.list(caller, limit, { after: decodeKeysetCursor(cursor) });
    }
    return this.batches.list(caller, limit, { offset: intParam(offset, 'offset', 0, 1_000_000, 0) });
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'A batch: status, progress and its records with their jobs and steps',
    description:
      'Progress counts the records’ current jobs by status; credits_spent covers every run. `records` is a page in index order: `limit` (1–500, default 100) records after the index `after` (the previous page’s `next_cursor`).',
  })
  @ApiOkResponse({
    description: 'The batch, with a page of its records.',
    type: BatchDetailDto,
    example: {
      ...BATCH_EXAMPLE,
      records: {
        data: [
          {
            index: 0,
            external_id: 'deal-1042',
            input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' },
            occurred_at: '2026-11-20T00:00:00.000Z',
            job_id: JOB_ID,
            status: 'completed',
            error: null,
            last_enriched_at: '2026-12-01T09:00:03.000Z',
            steps: [{ provider: 'snov', goal: 'email', state: 'completed', reason: null, credits: 1 }],
          },
        ],
        next_cursor: 0,
      },
    },
  })
  @BatchRoute({
    description: 'The id is not a UUID, or limit or after is out of bounds.',
    message: BATCH_ID_ERROR,
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    example: 100,
    description: 'records per page, 1–500, default 100',
  })
  @ApiQuery({ name: 'after', required: false, description: 'next_cursor of the previous page' })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
    @Query() query: Record<string, unknown>,
    @CorrelationId() correlationId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<BatchDetailDto> {
    refuseUnknownParams(query, ['limit', 'after']);
    const pageLimit = intParam(limit, 'limit', 1, 500, 100);
    const cursor = intParam(after, 'after', -1, 10_000_000, -1);
    const batch = await this.batches.view(caller, id);
    const records = await this.batches.records(caller, id, pageLimit, cursor);
    // The records carry their inputs (the people's identifiers); the page says which were read.
    await this.recordAudit(
      caller,
      'batch.read',
      id,
      { after: cursor, limit: pageLimit, records: records.data.length },
      correlationId,
    );
    return { ...batch, records };
  }

  @Get(':id/summary')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'What a batch found',
    description:
      'Over the records’ current jobs: coverage per provider (records answered and fields supplied), per field (share of records with a value), failures (jobs and steps, top reasons), top industries, company sizes (1-10 … 5001+), seniority and departments — each distribution only when its field was asked; industries and departments that differ only in case or surrounding white space are counted as one, under the spelling most records have — credits spent (last run and all runs), the last run, and when the batch was cancelled (`cancelled_at`, null unless it was).',
  })
  @ApiOkResponse({
    description: 'What the batch found.',
    type: BatchSummaryDto,
    example: {
      batch_id: BATCH_ID,
      records: 500,
      jobs: { completed: 480, failed: 12, cancelled: 0, unfinished: 8 },
      providers: [{ provider: 'snov', records: 410, fields: 410 }],
      fields: { business_email: { answered: 410, share: 0.82 } },
      failures: {
        jobs: 12,
        top_reasons: [{ reason: 'no provider could answer', count: 12 }],
        steps: 30,
        top_step_reasons: [{ provider: 'apollo', reason: 'not_found', count: 30 }],
      },
      top_industries: [{ value: 'Software', count: 120 }],
      company_sizes: [{ value: '51-200', count: 140 }],
      credits_spent: { last_run: 41, all_runs: 41 },
      last_run_at: '2026-12-01T09:00:00.000Z',
      cancelled_at: null,
    },
  })
  @BatchRoute({
    description: 'The id is not a UUID, or a query parameter (the route takes none).',
    message: BATCH_ID_ERROR,
  })
  summary(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<BatchSummaryDto> {
    return this.batches.summary(caller, id);
  }

  @Post(':id/cancel')
  @ApiPost({ body: false })
  @RequireScope('enrich')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a batch',
    description:
      'Every unfinished job of the batch is cancelled at once; finished ones keep their results. The batch is cancelled for good: its schedule and job scheduler are removed, a scheduled run already under way enqueues nothing more, and setting a schedule again is a 409. The batch shows `status: "cancelled"` and `cancelled_at` (its summary too). The audit trail records it as `batch.cancel`. Cancelling again changes nothing, and records nothing.',
  })
  @ApiOkResponse({
    description: 'How many unfinished jobs were cancelled, and the batch.',
    type: BatchCancelledDto,
    example: {
      cancelled: 150,
      batch: {
        ...BATCH_EXAMPLE,
        status: 'cancelled',
        schedule: null,
        progress: { total: 500, by_status: { completed: 350, cancelled: 150 }, finished: 500 },
        cancelled_at: '2026-12-01T10:00:00.000Z',
      },
    },
  })
  @BatchRoute({
    description: 'The id is not a UUID, or a body with fields (the route takes none).',
    message: BATCH_ID_ERROR,
  })
  async cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<BatchCancelledDto> {
    const { changed, cancelled, batch } = await this.batches.cancel(caller, id);
    if (changed) {
      await this.recordAudit(caller, 'batch.cancel', id, { jobs_cancelled: cancelled }, correlationId);
    }
    return { cancelled, batch };
  }

  @Put(':id/schedule')
  @RequireScope('enrich')
  @ApiOperation({
    summary: "Set a batch's re-enrichment schedule",
    description: `Body \`{"every_days": n}\` (${EVERY_DAYS.min}–${EVERY_DAYS.max}): records whose last enrichment finished more than n days ago are enriched again by ordinary enrich jobs (the provider cache and store answer what is still fresh without paying). Checked every BATCH_REFRESH_TICK_MS. A new or different schedule is recorded in the audit trail as \`batch.schedule.set\`; the schedule the batch already has changes nothing and records nothing.`,
  })
  @ApiBody({ type: BatchScheduleDto, examples: { monthly: { value: { every_days: 30 } } } })
  @ApiOkResponse({
    description: 'The batch, with its schedule.',
    type: BatchDto,
    example: { ...BATCH_EXAMPLE, schedule: { every_days: 30 } },
  })
  @BatchRoute({
    description: 'The id is not a UUID, or every_days is missing or out of bounds.',
    message: 'every_days must be an integer from 1 to 365',
  })
  @ApiJsonBodyErrors()
  @ApiError(
    409,
    'The batch was cancelled: a cancelled batch is not enriched again.',
    'Batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c was cancelled at 2026-12-01T10:00:00.000Z: a cancelled batch is not enriched again. Create a new batch with its records to enrich them again.',
  )
  async setSchedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<BatchDto> {
    const schedule = parseSchedule(body, 'body');
    const { batch, previous } = await this.batches.setSchedule(caller, id, schedule);
    if (previous?.every_days !== schedule.every_days) {
      await this.recordAudit(
        caller,
        'batch.schedule.set',
        id,
        { every_days: schedule.every_days, previous_every_days: previous?.every_days ?? null },
        correlationId,
      );
    }
    return batch;
  }

  @Delete(':id/schedule')
  @RequireScope('enrich')
  @ApiDelete()
  @ApiOperation({
    summary: "Stop a batch's re-enrichment",
    description:
      'Removes the schedule and its job scheduler. The audit trail records it as `batch.schedule.delete` when the batch had a schedule; without one, nothing changes and nothing is recorded.',
  })
  @ApiOkResponse({
    description: 'The batch, without a schedule.',
    type: BatchDto,
    example: { ...BATCH_EXAMPLE, schedule: null },
  })
  @BatchRoute({
    description:
      'The id is not a UUID, or a body with fields or a query parameter (the route takes neither).',
    message: BATCH_ID_ERROR,
  })
  async deleteSchedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<BatchDto> {
    const { batch, previous } = await this.batches.deleteSchedule(caller, id);
    if (previous !== null) {
      await this.recordAudit(
        caller,
        'batch.schedule.delete',
        id,
        { previous_every_days: previous.every_days },
        correlationId,
      );
    }
    return batch;
  }

  /** An audit row of this batch, by the caller's key. */
  private recordAudit(
    caller: Caller,
    action: AuditAction,
    id: string,
    details: Record<string, unknown>,
    correlationId: string,
  ): Promise<void> {
    return this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action,
      targetType: 'batch',
      targetId: id,
      details,
      correlationId,
    });
  }
}
