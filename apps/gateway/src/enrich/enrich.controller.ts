import { AuditLog } from '../audit/audit-log.service';
import {
  BadRequestException,
  Body,
  Controller,
  HttpException,
  HttpStatus,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiError, ApiKeyErrors, ApiPost, ListRefusedErrorBody } from '../openapi/decorators';
import { GatewayConfig } from '@sluice/config';
import { ENRICH_FIELDS } from '@sluice/enrichment';
import type { Response } from 'express';
import { RecordsWorkUnderKey } from '../auth/idempotent-work';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { CALLBACK_URL_SCHEMA, callbackUrlProblem } from '../callbacks/callback-url';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import { ApiQuotaExceeded } from '../credits/quota.dto';
import { Quotas } from '../credits/quotas.service';
import type { RejectedJob } from '../jobs/bulk-jobs';
import { JobsService, type NewJob } from '../jobs/jobs.service';
import { messagesOf } from '../http-errors';
import { type EnrichAnswer } from './enrich-answer';
import { SANDBOX_NOTICE } from '@sluice/config';
import {
  ENRICH_IDENTIFIERS,
  parseEnrichBody,
  parseEnrichQuery,
  parseEnrichSettings,
  parseMaxCredits,
} from './enrich-input';
import { EnrichService } from './enrich.service';
import { FIELDS_SCHEMA, IDENTIFIERS_SCHEMA, OPTIONS_SCHEMA } from './enrich-schemas';
import { ApiSuppressed } from '../persons/suppression-check';

const ANSWER_EXAMPLE = {
  job_id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
  status: 'completed',
  cached: false,
  data: { business_email: 'ada.lovelace@acme.com', title: 'CTO', mobile_phone: null },
  sources: { business_email: 'snov', title: 'rocketreach' },
  confidence: { business_email: 0.9, title: 0.7 },
  attribution: ['Powered by RocketReach'],
  sandbox: true,
  notice: SANDBOX_NOTICE,
  credits_spent: 2,
  error: null,
};

/** The real-time answer (200), typed so that the generated client checks what it reads. */
const ANSWER_SCHEMA = {
  type: 'object',
  required: [
    'job_id',
    'status',
    'cached',
    'data',
    'sources',
    'confidence',
    'attribution',
    'sandbox',
    'credits_spent',
    'error',
  ],
  properties: {
    job_id: { type: 'string' },
    status: { type: 'string' },
    cached: { type: 'boolean' },
    data: {
      type: 'object',
      additionalProperties: true,
      description:
        'Every field asked, null when unknown. Phones are in E.164; `phone_extension` is the extension dialled after `phone` (E.164 has no room for one), from the answers that gave that number.',
    },
    sources: { type: 'object', additionalProperties: { type: 'string' } },
    confidence: { type: 'object', additionalProperties: { type: 'number' } },
    attribution: { type: 'array', items: { type: 'string' } },
    sandbox: { type: 'boolean' },
    notice: { type: 'string' },
    credits_spent: { type: 'number' },
    error: { type: 'string', nullable: true },
    unresolved: {
      type: 'array',
      description:
        'The goals left unanswered and why, when there are any; `retry_later` names the providers that could not be asked or could not answer for a reason that passes (an answer with one is not served from the answer cache).',
      items: {
        type: 'object',
        required: ['goal', 'reason'],
        properties: {
          goal: { type: 'string' },
          reason: { type: 'string' },
          retry_later: {
            type: 'array',
            items: {
              type: 'object',
              required: ['provider', 'reason'],
              properties: { provider: { type: 'string' }, reason: { type: 'string' } },
            },
          },
        },
      },
    },
  },
  example: ANSWER_EXAMPLE,
};

const PENDING_EXAMPLE = {
  job_id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
  status: 'running',
  cached: false,
  poll: '/v1/jobs/6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
  events: '/v1/jobs/6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f/events',
};

@ApiTags('enrich')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiKeyErrors()
@Controller('v1/enrich')
export class EnrichController {
  constructor(
    private readonly enrichment: EnrichService,
    private readonly jobs: JobsService,
    private readonly quotas: Quotas,
    private readonly secrets: WebhookSecrets,
    private readonly config: GatewayConfig,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @ApiPost({ body: true })
  @RequireScope('enrich')
  @ApiOperation({
    summary: 'Enrich one person or company in real time',
    description: `Identifiers at the top level (${ENRICH_IDENTIFIERS.join(', ')}; at least one usable) and \`enrich\`, the fields wanted, from: ${ENRICH_FIELDS.join(', ')}. Answers from the workspace’s answer cache at once (\`cached: true\`); otherwise runs the waterfalls and waits up to \`timeout_ms\` (default ENRICH_TIMEOUT_MS, 2,000), then answers 202 with the job id to poll (GET /v1/jobs/{id}) or stream (GET /v1/jobs/{id}/events). Every field asked is in \`data\`, null when unknown; \`sources\` names the provider of each known field and \`confidence\` its confidence; data from RocketReach carries "Powered by RocketReach" in \`attribution\`; data from the provider sandbox has \`sandbox: true\` and a notice.`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['enrich'],
      properties: {
        ...IDENTIFIERS_SCHEMA,
        enrich: FIELDS_SCHEMA,
        timeout_ms: { type: 'integer', minimum: 0 },
        options: OPTIONS_SCHEMA,
        max_credits: { type: 'number', minimum: 0 },
      },
      example: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        domain: 'acme.com',
        enrich: ['business_email', 'title', 'mobile_phone'],
        timeout_ms: 2000,
      },
    },
  })
  @ApiResponse({ status: 200, description: 'The answer.', schema: ANSWER_SCHEMA })
  @ApiAnswer(202, PENDING_EXAMPLE, {
    description: 'Not finished within timeout_ms: poll or stream the job.',
  })
  @ApiError(
    400,
    'Unknown field or member, no usable identifier, a malformed identifier, or a field the identifiers cannot reach.',
    "unknown member(s) 'colour'; identifiers: first_name, last_name, domain, …; settings: enrich, timeout_ms, options, max_credits",
  )
  @ApiQuotaExceeded()
  @ApiSuppressed()
  async enrich(
    @Body() body: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EnrichAnswer | Record<string, unknown>> {
    const request = parseEnrichBody(body, {
      defaultTimeoutMs: this.config.enrichTimeoutMs,
      maxTimeoutMs: this.config.enrichTimeoutMaxMs,
    });
    // A cached answer costs nothing: the workspace's quotas are checked only before a job is made.
    const outcome = await this.enrichment.enrich(caller, request, correlationId, () =>
      this.quotas.assertRoom(caller.workspaceId, 'enrich', request.input, request.options),
    );
    if (outcome.kind === 'answer') {
      response.status(HttpStatus.OK);
      await this.audit.record({
        workspaceId: caller.workspaceId,
        actor: caller.apiKeyId,
        action: 'enrich.read',
        targetType: 'job',
        targetId: outcome.answer.job_id,
        details: { fields: request.fields, cached: outcome.answer.cached },
        correlationId,
      });
      return outcome.answer;
    }
    response.status(HttpStatus.ACCEPTED);
    return {
      job_id: outcome.jobId,
      status: outcome.status,
      cached: false,
      poll: `/v1/jobs/${outcome.jobId}`,
      events: `/v1/jobs/${outcome.jobId}/events`,
    };
  }

  @Post('enqueue')
  @RecordsWorkUnderKey()
  @ApiPost({ body: true })
  @RequireScope('enrich')
  @ApiOperation({
    summary: 'Enrich many records asynchronously',
    description:
      'Body `{"records": [{identifiers}], "enrich": [fields], "options"?, "priority"? (default bulk), "callback_url"?, "max_credits"? (per record)}`, up to ENRICH_ENQUEUE_MAX records. Each record is checked on its own: the valid ones become `enrich` jobs together, the others are listed with their problems by index. Results: GET /v1/jobs/{id}, its events, or the callback.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['records', 'enrich'],
      properties: {
        records: { type: 'array', items: { type: 'object', properties: IDENTIFIERS_SCHEMA } },
        enrich: FIELDS_SCHEMA,
        options: OPTIONS_SCHEMA,
        priority: { type: 'string', enum: ['interactive', 'bulk'] },
        callback_url: CALLBACK_URL_SCHEMA,
        max_credits: { type: 'number', minimum: 0 },
      },
      example: {
        records: [
          { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' },
          { linkedin_url: 'https://www.linkedin.com/in/grace-hopper' },
        ],
        enrich: ['business_email', 'phone', 'phone_extension'],
        priority: 'bulk',
      },
    },
  })
  @ApiAnswer(
    202,
    {
      accepted: [{ index: 0, id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f' }],
      rejected: [{ index: 1, errors: ['linkedin_url "x" is not a LinkedIn profile URL'] }],
    },
    { description: 'The jobs made, and the records refused.' },
  )
  @ApiError(
    400,
    'Not a list of records, too many, bad settings, or not one record valid (then each record is listed in `rejected`).',
    'No record could be accepted; nothing was enqueued.',
    {},
    ListRefusedErrorBody,
  )
  async enqueue(
    @Body() body: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ accepted: { index: number; id: string }[]; rejected: RejectedJob[] }> {
    // No body, or a JSON string, number or list, reaches here as-is: refuse it before reading members.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException('The body must be a JSON object with "records" and "enrich".');
    }
    const settings = ['records', 'enrich', 'options', 'priority', 'callback_url', 'max_credits'];
    const unknown = Object.keys(body).filter((key) => !settings.includes(key));
    if (unknown.length > 0) {
      throw new BadRequestException(
        `unknown member(s) ${unknown.map((key) => `'${key}'`).join(', ')}; accepted: ${settings.join(', ')}`,
      );
    }
    const records: unknown = body.records;
    if (!Array.isArray(records) || records.length === 0) {
      throw new BadRequestException('records must be a non-empty list of records (objects of identifiers)');
    }
    if (records.length > this.config.enrichEnqueueMax) {
      throw new BadRequestException(
        `records has ${records.length} records; at most ${this.config.enrichEnqueueMax} per call`,
      );
    }
    const priority = body.priority ?? 'bulk';
    if (priority !== 'bulk' && priority !== 'interactive') {
      throw new BadRequestException('priority must be interactive or bulk');
    }
    let callbackUrl: string | null = null;
    if (body.callback_url !== undefined) {
      // The same check as POST /v1/jobs: a looser one here stored URLs of any length.
      const problem = callbackUrlProblem(body.callback_url);
      if (problem) {
        throw new BadRequestException(problem);
      }
      callbackUrl = body.callback_url as string;
      await this.secrets.checkUrl(callbackUrl);
    }
    const maxCredits = parseMaxCredits(body.max_credits);
    // The shared settings first: one mistake there is every record's, so it is the request's 400.
    parseEnrichSettings(body.enrich, body.options);
    // One read of the workspace's quotas for the whole list.
    const room = await this.quotas.roomCheck(caller.workspaceId);
    const valid: { index: number; job: NewJob }[] = [];
    const rejected: RejectedJob[] = [];
    for (const [index, record] of (records as unknown[]).entries()) {
      try {
        if (typeof record !== 'object' || record === null || Array.isArray(record)) {
          throw new BadRequestException('each record must be an object of identifiers');
        }
        const unknownIds = Object.keys(record).filter(
          (key) => !(ENRICH_IDENTIFIERS as readonly string[]).includes(key),
        );
        if (unknownIds.length > 0) {
          throw new BadRequestException(
            `unknown identifier(s) ${unknownIds.map((key) => `'${key}'`).join(', ')}; identifiers: ${ENRICH_IDENTIFIERS.join(', ')}`,
          );
        }
        const query = parseEnrichQuery(record as Record<string, unknown>, body.enrich, body.options);
        room?.('enrich', query.input, query.options);
        valid.push({
          index,
          job: {
            type: 'enrich',
            input: query.input,
            priority,
            callbackUrl,
            maxCredits,
            options: query.options,
          },
        });
      } catch (error) {
        if (!(error instanceof HttpException)) {
          throw error;
        }
        rejected.push({ index, errors: messagesOf(error) });
      }
    }
    const listed = await this.jobs.createListed(
      caller,
      valid,
      rejected,
      correlationId,
      'No record could be accepted; nothing was enqueued.',
    );
    response.status(HttpStatus.ACCEPTED);
    return listed;
  }
}
