import { GatewayConfig } from '@sluice/config';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseGuards,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiKeyErrors, ApiPost, ApiUuidParam } from '../openapi/decorators';
import { EXPORT_FORMATS, type ExportFormat, type ExportRecord } from '@sluice/db';
import type { Response } from 'express';
import type { Writable } from 'node:stream';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { AuditLog } from '../audit/audit-log.service';
import { RequireScope } from '../auth/scopes';
import { CreateExportDto, ExportCreatedDto } from './create-export.dto';
import { ExportsService, type ExportView } from './exports.service';
import { refuseUnknownParams } from '../http-params';
import { JobEventsHub } from '../jobs/job-events';

/** How soon a download refused for a full house may try again (seconds). */
const EXPORT_RETRY_AFTER_S = 5;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/** The format the query asks for, undefined for the export's saved one; any other parameter is a 400. */
function formatOf(query: Record<string, unknown>): ExportFormat | undefined {
  refuseUnknownParams(query, ['format']);
  if (query.format === undefined) {
    return undefined;
  }
  if (typeof query.format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(query.format)) {
    throw new BadRequestException('format must be csv or jsonl.');
  }
  return query.format as ExportFormat;
}

@ApiTags('exports')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiKeyErrors()
@Controller('v1/exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
    private readonly events: JobEventsHub,
  ) {}

  @Post()
  @ApiPost({ body: true })
  @RequireScope('export')
  @ApiOperation({
    summary: 'Save an export of jobs and their results: the format and which jobs',
    description:
      'Filters, all optional and combined: `import_id` (the jobs of one CSV import), `batch_id` (the jobs of one batch, every run) — a job retried is listed as its latest attempt (`POST /v1/jobs/{id}/retry`: the retry keeps the job’s import and batch) —, `status`, `type`, `created_after`, `created_before` (ISO 8601). GET the answer’s `url` for the file; it is read afresh each time.',
  })
  @ApiResponse({ status: 201, type: ExportCreatedDto })
  @ApiError(
    400,
    'An unknown field, a bad format, status, type or date, or created_after not before created_before.',
    ['format must be csv or jsonl'],
  )
  @ApiError(
    404,
    'import_id or batch_id names no import or batch of this workspace.',
    'No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace.',
  )
  async create(
    @Body() body: CreateExportDto,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<ExportView> {
    const saved = await this.exports.create(caller, body);
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'export.create',
      targetType: 'export',
      targetId: saved.id,
      details: { format: saved.format, filters: saved.filters },
      correlationId,
    });
    return saved;
  }

  @Get(':id')
  @RequireScope('export')
  @ApiOperation({
    summary: 'Download an export: its jobs, oldest first, streamed as CSV or JSON Lines',
    description: [
      'CSV: a fixed header — `job_id`, `type`, `status`, the input fields (`input_email`...), every result field of POST /v1/enrich (empty when unknown; lists joined with "; "), `sources` (JSON: field → provider), `attribution` (e.g. "Powered by RocketReach", which data from RocketReach must carry), `sandbox` (`true` when the data came from the provider sandbox, else empty), `error`, `unresolved` (the goals left unanswered and why, e.g. `email: not_found (retry later: apollo out_of_credits)`), `credits_spent`, `created_at`, `completed_at`.',
      'JSON Lines: one object per job with `id`, `type`, `status`, `input`, `data`, `sources`, `confidence`, `attribution`, `sandbox`, `error`, `unresolved` (as in the job’s result), `credits_spent`, `created_at`, `completed_at`.',
      'Streamed from the database as the client reads; a download cut short ends early rather than with an error row. A gateway that shuts down cuts the downloads it streams short (download again: another replica answers).',
    ].join('\n\n'),
  })
  @ApiQuery({
    name: 'format',
    required: false,
    enum: EXPORT_FORMATS,
    description: 'Overrides the saved format.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiResponse({
    status: 200,
    description: 'The file, as an attachment.',
    content: {
      'text/csv': {
        // A file, not JSON: the client reads it as text (`parseAs: 'text'` or 'stream').
        schema: { type: 'string' },
        example:
          'job_id,type,status,input_company_number,...,business_email,...,sources,attribution,sandbox,error,unresolved,credits_spent,created_at,completed_at\n6f1c…,person.email,completed,,...,ada@example.com,...,"{""business_email"":""rocketreach""}",Powered by RocketReach,,,,1,2026-12-02T10:00:00.000Z,2026-12-02T10:00:02.000Z\n',
      },
      'application/x-ndjson': {
        schema: { type: 'string', description: 'One JSON object per line.' },
        example:
          '{"id":"6f1c…","type":"person.email","status":"completed","input":{"first_name":"Ada","last_name":"Lovelace","domain":"example.com"},"data":{"business_email":"ada@example.com","email_status":"valid"},"sources":{"business_email":"rocketreach"},"confidence":{"business_email":0.9},"attribution":["Powered by RocketReach"],"sandbox":false,"error":null,"unresolved":[],"credits_spent":1,"created_at":"2026-12-02T10:00:00.000Z","completed_at":"2026-12-02T10:00:02.000Z"}\n',
      },
    },
  })
  @ApiUuidParam(
    'id',
    'The export id, as returned by POST /v1/exports.',
    '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  )
  @ApiError(
    400,
    'A malformed id, an unknown query parameter or format.',
    'Export id must be a UUID, as returned by POST /v1/exports.',
  )
  @ApiError(
    404,
    'No such export in this workspace.',
    'No export 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a in this workspace.',
  )
  @ApiError(
    503,
    '`exports_busy`: this gateway already streams EXPORT_MAX_CONCURRENT downloads; `gateway_closing`: this gateway is shutting down. Retry after the Retry-After delay.',
    'This gateway is streaming as many exports as it may at once (EXPORT_MAX_CONCURRENT); retry in 5 s.',
    { code: 'exports_busy' },
  )
  async download(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () =>
          new BadRequestException('Export id must be a UUID, as returned by POST /v1/exports.'),
      }),
    )
    id: string,
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Res() response: Response,
  ): Promise<void> {
    // The query is checked before the export is looked up: a parameter the route does not take is
    // the same 400 whether or not the export exists.
    const asked = formatOf(query);
    const saved = await this.exports.find(caller, id);
    const format = asked ?? saved.format;
    if (this.events.closing.aborted) {
      // Its stream would be cut at once (see `stream`): another replica serves the retry.
      response.setHeader('Retry-After', String(EXPORT_RETRY_AFTER_S));
      throw new ServiceUnavailableException({
        code: 'gateway_closing',
        message: `This gateway is shutting down; retry in ${EXPORT_RETRY_AFTER_S} s.`,
      });
    }
    const release = this.exports.reserveStream();
    if (!release) {
      response.setHeader('Retry-After', String(EXPORT_RETRY_AFTER_S));
      throw new ServiceUnavailableException({
        code: 'exports_busy',
        message: `This gateway is streaming as many exports as it may at once (EXPORT_MAX_CONCURRENT); retry in ${EXPORT_RETRY_AFTER_S} s.`,
      });
    }
    try {
      await this.stream(caller, saved, format, correlationId, response);
    } finally {
      release();
    }
  }

  private async stream(
    caller: Caller,
    saved: ExportRecord,
    format: ExportFormat,
    correlationId: string,
    response: Response,
  ): Promise<void> {
    // Audited before the file streams: the person data leaves with the first bytes.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'export.download',
      targetType: 'export',
      targetId: saved.id,
      details: { format, filters: saved.filters },
      correlationId,
    });
    response.status(200);
    response.setHeader('content-type', CONTENT_TYPES[format]);
    response.setHeader('content-disposition', `attachment; filename="sluice-export-${saved.id}.${format}"`);
    response.setHeader('cache-control', 'no-store');
    // A client that stops reading (its socket's buffers full, nothing taken) would hold the slot
    // and the pooled connection for as long as it keeps the connection open, refusing every
    // workspace's downloads meanwhile: a download that takes nothing for EXPORT_STALL_TIMEOUT_MS
    // is cut. Only time spent waiting for the client counts (a write refused until it drains), not
    // time spent waiting for PostgreSQL: a socket's idle timer counted both, and cut an export
    // whose query took that long to find its first row.
    const stop = cutWhenStalled(response, this.config.exportStallTimeoutMs);
    // The gateway shutting down cuts the download (the server's close would wait for the client to
    // take the rest, past the shutdown deadline). Cut, not ended: a chunked answer that stops
    // without its last chunk tells the client the file is incomplete, and it downloads it again.
    const closing = this.events.closing;
    const cut = (): void => {
      response.destroy(new Error('the gateway is shutting down'));
    };
    closing.addEventListener('abort', cut);
    if (closing.aborted) {
      cut(); // since the check in `download`, while the download was audited
    }
    try {
      await this.exports.write(caller, saved, format, response);
    } catch {
      // Already logged; the headers are gone, so the only way to say so is to cut the download.
      response.destroy();
    } finally {
      closing.removeEventListener('abort', cut);
      stop();
    }
  }
}

/**
 * Cuts `response` once a write has waited `stallMs` for the client to take what was written before
 * (`writableNeedDrain` until a `drain`). Node has no timer for that: the socket's idle timeout also
 * counts the time the server itself takes to produce the next bytes. Returns what stops the watch.
 */
export function cutWhenStalled(response: Writable, stallMs: number): () => void {
  let waitingSince: number | undefined;
  const drained = (): void => {
    waitingSince = undefined;
  };
  response.on('drain', drained);
  const watch = setInterval(
    () => {
      if (!response.writableNeedDrain) {
        waitingSince = undefined;
        return;
      }
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince >= stallMs) {
        response.destroy(new Error(`the client took nothing of the export for ${stallMs} ms`));
      }
    },
    Math.max(10, Math.min(1000, Math.floor(stallMs / 4))),
  );
  watch.unref();
  return () => {
    clearInterval(watch);
    response.off('drain', drained);
  };
}
