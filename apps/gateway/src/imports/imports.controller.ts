import {
  BadRequestException,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { GatewayConfig } from '@sluice/config';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import type { Request } from 'express';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { recordStreamedDigest, StreamedBody } from '../auth/streamed-body';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import { openCsvUpload } from './csv-upload';
import { parseImportSettings } from './import-settings';
import type { ImportView } from './import-view';
import { ImportsService } from './imports.service';

const IMPORT_EXAMPLE: ImportView = {
  id: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
  type: 'person.email',
  status: 'completed',
  rows_total: 3,
  rows_accepted: 2,
  rows_rejected: 1,
  errors: [
    {
      line: 3,
      column: 'Work Domain',
      message: 'input.domain "not a domain" is not a domain (e.g. example.com)',
    },
  ],
  errors_truncated: false,
  error: null,
  created_at: '2026-12-02T10:00:00.000Z',
  completed_at: '2026-12-02T10:00:01.000Z',
};

/** Reads a repeated upload to its end to compare it with the first (Idempotency-Key); runs nothing. */
async function digestImportUpload(request: Request): Promise<string> {
  const upload = await openCsvUpload(request, Number.MAX_SAFE_INTEGER);
  upload.file.resume();
  await new Promise<void>((resolve, reject) => {
    upload.file.on('end', resolve);
    upload.file.on('error', reject);
  });
  await upload.finished();
  return upload.digest();
}

@ApiTags('imports')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly secrets: WebhookSecrets,
    private readonly config: GatewayConfig,
  ) {}

  @Post()
  @RequireScope('enrich')
  @StreamedBody(digestImportUpload)
  @ApiOperation({
    summary:
      'Import a CSV: one job per valid row, the file streamed (any number of rows up to IMPORT_MAX_ROWS)',
    description: [
      'Send `multipart/form-data` with the settings as form fields **before** a file part named `file`, or the CSV itself as a `text/csv` body with the settings as query parameters. The first line is the header.',
      '',
      'Settings: `type` (required; the request type every row becomes), `mapping` (JSON: CSV column → input field, e.g. `{"Work Email":"email"}`; without it, columns named after an input field of the type are used), `options` (JSON, as POST /v1/jobs takes them), `priority` (`bulk` by default) and `callback_url`.',
      '',
      'Each row is checked as POST /v1/jobs checks a job: a bad row is listed with its line (and column) and skipped, never fatal; valid rows are enqueued as the file arrives. The answer comes when the whole file has been read. A problem with the file as a whole (no file, not CSV, no header, a mapping naming a missing column, more rows than IMPORT_MAX_ROWS, a file over IMPORT_MAX_BYTES) is a 400 (413 for size); when it is found part-way, the import is marked `failed` and the jobs it had queued are cancelled. If the upload itself breaks off, the import is marked `failed` and the rows accepted before stay queued (see GET /v1/jobs?import_id=).',
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
        callback_url: { type: 'string', example: 'https://crm.example.com/hooks/sluice' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiQuery({ name: 'type', required: false, description: 'With a text/csv body.' })
  @ApiQuery({ name: 'mapping', required: false, description: 'With a text/csv body (JSON).' })
  @ApiQuery({ name: 'options', required: false, description: 'With a text/csv body (JSON).' })
  @ApiQuery({ name: 'priority', required: false, enum: ['interactive', 'bulk'] })
  @ApiQuery({ name: 'callback_url', required: false })
  @ApiResponse({ status: 201, description: 'The import, finished.', schema: { example: IMPORT_EXAMPLE } })
  @ApiResponse({
    status: 400,
    description:
      'Bad settings, no file, not CSV, no header, a mapping naming a missing column, too many rows. When found part-way the body holds the failed `import`.',
    schema: {
      example: {
        statusCode: 400,
        message:
          "mapping names column 'Work Email', which the header lacks; the header is: first_name, last_name, domain.",
      },
    },
  })
  @ApiResponse({ status: 413, description: 'The file is larger than IMPORT_MAX_BYTES.' })
  async create(
    @Req() request: Request,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
  ): Promise<ImportView> {
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
    const view = await this.imports.run(caller, upload, settings, correlationId);
    recordStreamedDigest(request, upload.digest());
    return view;
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'An import: status, row counts and the first rejected rows with their line and reason',
    description: 'Its jobs: GET /v1/jobs?import_id={id}; its results: POST /v1/exports with import_id.',
  })
  @ApiResponse({ status: 200, schema: { example: IMPORT_EXAMPLE } })
  @ApiResponse({ status: 404, description: 'No such import in this workspace.' })
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
  ): Promise<ImportView> {
    return this.imports.get(caller, id);
  }
}
