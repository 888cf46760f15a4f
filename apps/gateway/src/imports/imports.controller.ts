import { finished } from 'node:stream/promises';
import {
  BadRequestException,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { GatewayConfig } from '@sluice/config';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import type { Request } from 'express';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeyGuard } from '../auth/api-key.guard';
import {
  type AuthenticatedRequest,
  type Caller,
  CorrelationId,
  CurrentCaller,
} from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { recordStreamedDigest, StreamedBody } from '../auth/streamed-body';
import { CALLBACK_URL_SCHEMA } from '../callbacks/callback-url';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import { ApiError, ApiKeyErrors, ApiNoQuery, ApiPost, ApiUuidParam } from '../openapi/decorators';
import { asBadRequest, openCsvUpload } from './csv-upload';
import { parseImportListQuery } from './import-list';
import { parseImportSettings } from './import-settings';
import type { ImportView } from './import-view';
import { ImportDto, ImportFailedErrorBody, ImportListDto } from './import.dto';
import { ImportsService } from './imports.service';
import { TakesQuery } from '../http-params';

const IMPORT_EXAMPLE: ImportView = {
  id: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
  type: 'person.email',
  status: 'completed',
  reference: 'leads-2026-12-02',
  rows_total: 3,
  rows_accepted: 2,
  rows_rejected: 1,
  rows_skipped: 0,
  rows_committed: 3,
  errors: [
    {
      line: 3,
      column: 'Work Domain',
      message: 'input.domain "not a domain" is not a domain (e.g. example.com)',
    },
  ],
  errors_truncated: false,
  error: null,
  resumable: false,
  resumed_from: null,
  resumed_by: null,
  progress: { total: 2, by_status: { completed: 1, running: 1 }, finished: 1 },
  credits_spent: 1,
  created_at: '2026-12-02T10:00:00.000Z',
  completed_at: '2026-12-02T10:00:01.000Z',
};

const IMPORT_LIST_EXAMPLE: { data: ImportView[]; next_cursor: string | null } = {
  data: [
    {
      ...IMPORT_EXAMPLE,
      id: '5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a',
      rows_total: 1,
      rows_accepted: 1,
      rows_rejected: 0,
      rows_skipped: 2,
      rows_committed: 3,
      errors: [],
      resumed_from: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
      created_at: '2026-12-02T10:05:00.000Z',
      completed_at: '2026-12-02T10:05:01.000Z',
    },
    {
      ...IMPORT_EXAMPLE,
      status: 'failed',
      rows_total: 2,
      rows_accepted: 2,
      rows_rejected: 0,
      rows_committed: 2,
      errors: [],
      error:
        'The upload broke off: the client closed the connection. The 2 row(s) accepted before stay queued (GET /v1/jobs?import_id=0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c). To import the rest, send the same file with resume=0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c: its first 2 data row(s), already handled, are skipped.',
      resumed_by: '5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a',
    },
  ],
  next_cursor: null,
};

/** Reads a repeated upload to its end to compare it with the first (Idempotency-Key); runs nothing. */
async function digestImportUpload(request: Request): Promise<string> {
  const upload = await openCsvUpload(request, Number.MAX_SAFE_INTEGER);
  try {
    // finished() also reports an upload that broke off before it was called.
    await finished(upload.file.resume());
    await upload.finished();
  } catch (error) {
    upload.discard();
    throw asBadRequest(error);
  }
  return upload.digest();
}

@ApiTags('imports')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiKeyErrors()
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly secrets: WebhookSecrets,
    private readonly config: GatewayConfig,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @TakesQuery()
  @ApiPost({ body: 'streamed' })
  @RequireScope('enrich')
  @StreamedBody(digestImportUpload)
  @ApiOperation({
    summary:
      'Import a CSV: one job per valid row, the file streamed (any number of rows up to IMPORT_MAX_ROWS)',
    description: [
      'Send `multipart/form-data` with the settings as form fields **before** a file part named `file` (with a filename; a file part under another name is a 400), or the CSV itself as a `text/csv` body with the settings as query parameters. The first line is the header. Another Content-Type is a 415.',
      '',
      'Either may be sent compressed, with `Content-Encoding: gzip`, `deflate` or `br` (as the JSON routes take them): it is decoded as it arrives, and IMPORT_MAX_BYTES limits the file as decoded. A body that does not decode as its Content-Encoding says is a 400 naming it; another Content-Encoding is a 415.',
      '',
      'The file is UTF-8, with or without a byte order mark (Excel: "CSV UTF-8"), or UTF-16 starting with its byte order mark (Excel: "Unicode Text"); lines may end in CRLF, LF or CR, even mixed; blank lines are skipped; quoted cells may hold separators, quotes and line breaks. The separator is told from the header line, outside quotes: a comma if it holds one, otherwise a semicolon (Excel\'s "CSV" in many European locales) or a tab; a header holding semicolons and tabs but no comma is a 400 saying so. A file that is not UTF-8 is a 400 naming the first line that is not; one holding NUL bytes (a workbook renamed .csv) a 400 saying it is no CSV text.',
      '',
      'Settings: `type` (required; the request type every row becomes), `mapping` (JSON: CSV column → input field, e.g. `{"Work Email":"email"}`; without it, columns named after an input field of the type are used, in any case, with spaces or hyphens for underscores: `First Name` is `first_name`), `options` (JSON, as POST /v1/jobs takes them), `priority` (`bulk` by default), `callback_url`, `reference` (a label of 1–128 visible ASCII characters to find the import again without its id: GET /v1/imports?reference=) and `resume` (the id of a failed import to resume).',
      '',
      'Each row is checked as POST /v1/jobs checks a job: a bad row is listed with its line (and column) and skipped, never fatal — so is a row whose mapped cell is UTF-8 text that was read in another encoding and saved again (`MÃ¼ller`), holds U+FFFD, or is a formula (`=HYPERLINK(…)`); valid rows are enqueued as the file arrives. The answer comes when the whole file has been read. A problem with the file as a whole (no file, not CSV, not UTF-8, a separator that cannot be told, no header, a mapping naming a missing column, more rows than IMPORT_MAX_ROWS, a file over IMPORT_MAX_BYTES) is a 400 (413 for size); when it is found part-way, the import is marked `failed` and the jobs it had queued are cancelled. If the upload itself breaks off (or its gateway dies: a running import left unrefreshed for IMPORT_STALE_AFTER_MS), the import is marked `failed`, the rows accepted before stay queued (see GET /v1/jobs?import_id=) and it is `resumable`. A gateway shutting down stops reading the upload between two rows the same way and answers 503 with the `import`.',
      '',
      'Resuming: send the whole file again with `resume={id}` and the same type, mapping, options, priority and callback_url. Its first `rows_committed` data rows (those the failed import handled) are read, checked to be the same rows, and skipped without enqueuing anything; the rest is a new import with `resumed_from` and `rows_skipped` (its counts cover the rows it read; line numbers stay those of the file), and the failed import shows `resumed_by`. Another workspace’s import is a 404; an import refused for its content, not failed, already resumed, run with other settings, or a different file is a 409 naming why.',
      '',
      'Idempotency-Key: the fingerprint is the settings and the file’s bytes (not the multipart envelope); a repeat of a finished import is read, not run, and replays the first answer.',
    ].join('\n'),
  })
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        type: 'person.email',
        mapping: '{"First":"first_name","Last":"last_name","Work Domain":"domain"}',
        file: 'First,Last,Work Domain\nAda,Lovelace,acme.com\n',
      },
      required: ['type', 'file'],
      properties: {
        type: { type: 'string', enum: [...SUPPORTED_REQUEST_TYPES], example: 'person.email' },
        mapping: {
          type: 'string',
          description: 'JSON object',
          example: '{"First":"first_name","Last":"last_name","Work Domain":"domain"}',
        },
        options: { type: 'string', description: 'JSON object', example: '{"verify":true}' },
        priority: { type: 'string', enum: ['interactive', 'bulk'], default: 'bulk' },
        callback_url: CALLBACK_URL_SCHEMA,
        reference: { type: 'string', example: 'leads-2026-12-02' },
        resume: { type: 'string', format: 'uuid', example: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiQuery({ name: 'type', required: false, description: 'With a text/csv body.' })
  @ApiQuery({ name: 'mapping', required: false, description: 'With a text/csv body (JSON).' })
  @ApiQuery({ name: 'options', required: false, description: 'With a text/csv body (JSON).' })
  @ApiQuery({ name: 'priority', required: false, enum: ['interactive', 'bulk'] })
  @ApiQuery({ name: 'callback_url', required: false, schema: CALLBACK_URL_SCHEMA })
  @ApiQuery({
    name: 'reference',
    required: false,
    example: 'leads-2026-12-02',
    description:
      'A label of 1–128 visible ASCII characters, to find the import again: GET /v1/imports?reference=.',
  })
  @ApiQuery({
    name: 'resume',
    required: false,
    example: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
    description: 'The id of a failed, resumable import of this workspace: its committed rows are skipped.',
  })
  @ApiCreatedResponse({ description: 'The import, finished.', type: ImportDto, example: IMPORT_EXAMPLE })
  @ApiError(
    400,
    'Bad settings, no file part named `file`, not CSV, not UTF-8, a separator that cannot be told, no header, a mapping naming a missing column, too many rows, a body that does not decode as its Content-Encoding says. When found part-way the body holds the failed `import`.',
    "mapping names column 'Work Email', which the header lacks; the header is: first_name, last_name, domain.",
    {},
    ImportFailedErrorBody,
  )
  @ApiError(
    413,
    'The file is larger than IMPORT_MAX_BYTES (decoded, when it came compressed). When found part-way the body holds the failed `import`.',
    'The file is larger than the import limit of 536870912 bytes; split it into smaller imports.',
    {},
    ImportFailedErrorBody,
  )
  @ApiError(
    415,
    'A Content-Type other than multipart/form-data or a CSV type (text/csv and the like), or a Content-Encoding other than gzip, deflate or br.',
    [
      'POST /v1/imports takes multipart/form-data with the CSV as a file part, or a text/csv body; the request is application/json.',
      "The upload's Content-Encoding is compress, which POST /v1/imports does not decode; send the file uncompressed, or compressed with gzip, deflate, br.",
    ],
  )
  @ApiError(
    404,
    'resume names no import of this workspace.',
    'No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace to resume.',
  )
  @ApiError(
    409,
    'resume names an import that cannot be resumed (refused for its content, not failed, already resumed, other settings, another file), or the Idempotency-Key was used with another request or is still running.',
    'Import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c was already resumed by import 5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a; resume that one if it failed too.',
  )
  async create(
    @Req() request: Request,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<ImportDto> {
    const upload = await openCsvUpload(request, this.config.importMaxBytes);
    let settings;
    try {
      settings = parseImportSettings(upload.settings);
      if (settings.callbackUrl) {
        await this.secrets.checkUrl(settings.callbackUrl);
      }
    } catch (error) {
      upload.discard();
      throw error;
    }
    const view = await this.imports.run(
      caller,
      upload,
      settings,
      correlationId,
      (request as AuthenticatedRequest).idempotencyKeyDigest ?? null,
    );
    recordStreamedDigest(request, upload.digest());
    return view;
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'List imports, newest first',
    description:
      'Filters: `reference` (the label given at upload: how a client whose upload was cut off finds the import to resume), `status` (`running`, `completed`, `failed`); `limit` 1–100 (default 20). Pass `next_cursor` back as `cursor` for the next page; null on the last.',
  })
  @ApiQuery({ name: 'reference', required: false, example: 'leads-2026-12-02' })
  @ApiQuery({ name: 'status', required: false, enum: ['running', 'completed', 'failed'] })
  @ApiQuery({ name: 'limit', required: false, example: 20, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiOkResponse({
    description: 'A page of imports, newest first.',
    type: ImportListDto,
    example: IMPORT_LIST_EXAMPLE,
  })
  @ApiError(
    400,
    'An unknown or malformed filter, limit or cursor.',
    'Unknown query parameter(s) colour; allowed: reference, status, limit, cursor.',
  )
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<ImportListDto> {
    const parsed = parseImportListQuery(query);
    const page = await this.imports.list(caller, parsed);
    // Rejected rows' errors quote the values refused (erasure scrubs those naming a person).
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'import.list.read',
      targetType: 'import',
      details: {
        filters: { reference: parsed.reference ?? null, status: parsed.status ?? null },
        after: parsed.after ? { created_at: parsed.after.at, id: parsed.after.id } : null,
        limit: parsed.limit,
        imports: page.data.length,
      },
      correlationId,
    });
    return page;
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'An import: status, row counts and the first rejected rows with their line and reason',
    description: 'Its jobs: GET /v1/jobs?import_id={id}; its results: POST /v1/exports with import_id.',
  })
  @ApiOkResponse({ description: 'The import.', type: ImportDto, example: IMPORT_EXAMPLE })
  @ApiUuidParam(
    'id',
    'The import id, as returned by POST /v1/imports.',
    '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
  )
  @ApiError(400, 'The id is not a UUID, or a query parameter (the route takes none).', [
    'Import id must be a UUID, as returned by POST /v1/imports.',
    'Unknown query parameter(s) errors; this route takes none.',
  ])
  @ApiError(
    404,
    'No such import in this workspace.',
    'No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace.',
  )
  async get(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () =>
          new BadRequestException('Import id must be a UUID, as returned by POST /v1/imports.'),
      }),
    )
    id: string,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<ImportDto> {
    const view = await this.imports.get(caller, id);
    // Rejected rows' errors quote the values refused (erasure scrubs those naming a person).
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'import.read',
      targetType: 'import',
      targetId: id,
      details: { status: view.status, errors: view.errors.length },
      correlationId,
    });
    return view;
  }
}
