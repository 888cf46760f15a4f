import {
  BadRequestException,
  Controller,
  Delete,
  HttpCode,
  HttpStatus,
  Query,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { GatewayConfig } from '@sluice/config';
import { normalizeIdentifier, type SuppressionIdentifierKind } from '@sluice/enrichment';
import type { Response } from 'express';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { refuseUnknownParams, singleParams, TakesQuery } from '../http-params';
import { ApiAnswer, ApiDelete, ApiError, ApiErrorBody, ApiKeyErrors } from '../openapi/decorators';
import {
  ERASURE_EXAMPLE,
  ERASURE_RECORD_EXAMPLE,
  ERASURE_RECORD_NULLABLE,
  ERASURE_RUNNING_EXAMPLE,
} from '../openapi/examples';
import { ErasureRuns, type ErasureView } from './erasure-runs';
import type { ErasureReport } from './erasure.service';

/** An erasure whose deletions failed within the wait: its record says why. */
export class ErasureFailedErrorBody extends ApiErrorBody {
  @ApiProperty({ format: 'uuid', description: 'The erasure, at GET /v1/erasures/{id}.' })
  erasure_id!: string;
}

/** Erasure of a person on request (a data subject's right to erasure), with their suppression. */
@ApiTags('persons')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1/persons')
export class PersonsController {
  constructor(
    private readonly erasures: ErasureRuns,
    private readonly config: GatewayConfig,
  ) {}

  @Delete()
  @TakesQuery()
  @HttpCode(200)
  @ApiDelete()
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Erase a person everywhere and never enrich them again',
    description:
      "Give exactly one of `email` or `linkedin_url`. Deletes every stored row of this workspace mentioning the person (people, phones, officer e-mails, jobs with their steps and results, provider call logs, callback logs, webhook bodies, the import row errors quoting them) and the shared stores holding them, drops the cached provider answers about them and the answers kept for Idempotency-Key replays that name them, and records a suppression (a SHA-256 of the normalised identifier, never the identifier): later jobs for them are refused with `suppressed` before any credit is spent.\n\nThe suppression is recorded before the answer. The deletions read the workspace's whole history (a minute or more for a year of it): the route waits for them up to ERASURE_WAIT_MS (20 s by default) and answers 200 with what was erased and the erasure's `id`; if they take longer it answers 202 with the erasure's record (`status: running`) and `Location: /v1/erasures/{id}`, and the erasure goes on to its end. Follow it with GET /v1/erasures/{id}. Erasures of one workspace run one after another. Repeating the request is safe, and finishes an erasure that failed or was interrupted.",
  })
  @ApiQuery({ name: 'email', required: false, example: 'jane.doe@example.com' })
  @ApiQuery({ name: 'linkedin_url', required: false, example: 'https://www.linkedin.com/in/jane-doe' })
  @ApiAnswer(200, ERASURE_EXAMPLE, { description: 'Erased within ERASURE_WAIT_MS: what was erased.' })
  @ApiAnswer(202, ERASURE_RUNNING_EXAMPLE, {
    description: 'Suppressed, and still erasing after ERASURE_WAIT_MS: follow it at Location.',
    nullable: ERASURE_RECORD_NULLABLE,
    shape: ERASURE_RECORD_EXAMPLE,
    headers: { Location: 'The erasure to follow: /v1/erasures/{id}.' },
  })
  @ApiError(
    400,
    'Neither or both identifiers given, an unknown query parameter, the identifier is not an e-mail address / LinkedIn profile URL, or a body with fields (the route takes none).',
    ['Give exactly one of email or linkedin_url.', 'Unknown field(s) dry_run; this route takes no body.'],
  )
  @ApiError(
    503,
    "`erasure_failed`: the deletions failed within ERASURE_WAIT_MS (the answer carries the erasure's record, `erasure`). The suppression is recorded; repeat the request to finish the erasure.",
    'The erasure failed: deadlock detected. The suppression is recorded, so the person is not enriched again; repeat DELETE /v1/persons with the same identifier to finish the erasure (repeating is safe).',
    { code: 'erasure_failed', erasure_id: '0b7f4c1e-5d0a-4d7e-9a43-2f6c1b8e9d10' },
    ErasureFailedErrorBody,
  )
  async erase(
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<(ErasureReport & { id: string }) | ErasureView> {
    // The erasure cannot be undone: a parameter it does not take (dry_run=true) must not be ignored.
    refuseUnknownParams(query, ['email', 'linkedin_url']);
    const text = singleParams(query);
    const given = (['email', 'linkedin_url'] as const)
      .map((kind) => [kind, text(kind)] as const)
      .filter(([, value]) => value !== undefined) as [SuppressionIdentifierKind, string][];
    if (given.length !== 1) {
      throw new BadRequestException('Give exactly one of email or linkedin_url.');
    }
    const [kind, value] = given[0];
    const normalised = normalizeIdentifier(kind, value);
    if (!normalised) {
      throw new BadRequestException(
        kind === 'email'
          ? 'email must be an e-mail address, e.g. jane.doe@example.com.'
          : 'linkedin_url must be a LinkedIn profile URL, e.g. https://www.linkedin.com/in/jane-doe.',
      );
    }
    const { view, done } = await this.erasures.start(caller, correlationId, kind, normalised);
    const report = await this.erasures.outcome(done, this.config.erasureWaitMs).catch(async () => {
      // Its record says why (the error is logged there, without the identifier) and that repeating
      // finishes it: the suppression stands, so the answer is no bare 500.
      const failed = await this.erasures.get(caller.workspaceId, view.id);
      throw new ServiceUnavailableException({
        code: 'erasure_failed',
        message: failed.error ?? 'The erasure failed; repeat the request to finish it.',
        erasure_id: failed.id,
      });
    });
    if (report) {
      return { id: view.id, ...report };
    }
    response.status(HttpStatus.ACCEPTED);
    response.setHeader('Location', `/v1/erasures/${view.id}`);
    return view;
  }
}
