import { BadRequestException, Controller, Delete, HttpCode, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { normalizeIdentifier, suppressionHash, type SuppressionIdentifierKind } from '@sluice/enrichment';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { refuseUnknownParams, TakesQuery } from '../http-params';
import { ApiAnswer, ApiDelete, ApiError, ApiKeyErrors } from '../openapi/decorators';
import { ERASURE_EXAMPLE } from '../openapi/examples';
import { ErasureService, type ErasureReport } from './erasure.service';

/** Erasure of a person on request (a data subject's right to erasure), with their suppression. */
@ApiTags('persons')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1/persons')
export class PersonsController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly audit: AuditLog,
  ) {}

  @Delete()
  @TakesQuery()
  @HttpCode(200)
  @ApiDelete()
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Erase a person everywhere and never enrich them again',
    description:
      'Give exactly one of `email` or `linkedin_url`. Deletes every stored row of this workspace mentioning the person (people, phones, officer e-mails, jobs with their steps and results, provider call logs, callback logs, webhook bodies, the import row errors quoting them) and the shared stores holding them, drops the cached provider answers about them and the answers kept for Idempotency-Key replays that name them, and records a suppression (a SHA-256 of the normalised identifier, never the identifier): later jobs for them are refused with `suppressed` before any credit is spent. Answers with what was erased.',
  })
  @ApiQuery({ name: 'email', required: false, example: 'jane.doe@example.com' })
  @ApiQuery({ name: 'linkedin_url', required: false, example: 'https://www.linkedin.com/in/jane-doe' })
  @ApiAnswer(200, ERASURE_EXAMPLE)
  @ApiError(
    400,
    'Neither or both identifiers given, an unknown query parameter, the identifier is not an e-mail address / LinkedIn profile URL, or a body with fields (the route takes none).',
    ['Give exactly one of email or linkedin_url.', 'Unknown field(s) dry_run; this route takes no body.'],
  )
  async erase(
    @CurrentCaller() caller: Caller,
    @CorrelationId() correlationId: string,
    @Query() query: Record<string, unknown>,
    @Query('email') email?: unknown,
    @Query('linkedin_url') linkedinUrl?: unknown,
  ): Promise<ErasureReport> {
    // The erasure cannot be undone: a parameter it does not take (dry_run=true) must not be ignored.
    refuseUnknownParams(query, ['email', 'linkedin_url']);
    const given = [
      ['email', email],
      ['linkedin_url', linkedinUrl],
    ].filter(([, value]) => value !== undefined) as [SuppressionIdentifierKind, unknown][];
    if (given.length !== 1) {
      throw new BadRequestException('Give exactly one of email or linkedin_url.');
    }
    const [kind, value] = given[0];
    const normalised = typeof value === 'string' ? normalizeIdentifier(kind, value) : null;
    if (!normalised) {
      throw new BadRequestException(
        kind === 'email'
          ? 'email must be an e-mail address, e.g. jane.doe@example.com.'
          : 'linkedin_url must be a LinkedIn profile URL, e.g. https://www.linkedin.com/in/jane-doe.',
      );
    }
    const report = await this.erasure.erase(caller.workspaceId, kind, normalised);
    // The person is named by the hash their suppression is stored under, never by the identifier:
    // an audit row outlives the erasure (the trail is append-only), so a clear identifier here
    // would keep exactly what was erased.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'person.erase',
      targetType: 'person',
      targetId: suppressionHash(normalised),
      details: { kind, erased: report.erased, suppressed: report.suppressed.length },
      correlationId,
    });
    return report;
  }
}
