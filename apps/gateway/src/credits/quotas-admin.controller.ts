import { workspaceOr404 } from '../admin/workspace-or-404';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Put,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PROVIDER_NAMES } from '@sluice/queue';
import {
  AdminErrors,
  ApiAnswer,
  ApiDelete,
  ApiJsonBodyErrors,
  ApiError,
  ApiNoQuery,
  ApiUuidParam,
} from '../openapi/decorators';
import { QUOTA_EXAMPLE, QUOTAS_EXAMPLE } from '../openapi/examples';
import { IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { FitsCreditColumn } from '../credit-figures';
import { DataSource } from 'typeorm';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { providerOf } from '../http-params';
import { Quotas, type QuotaView } from './quotas.service';
import { QuotaHoldWaker } from './quota-hold-waker';
import { AuditLog } from '../audit/audit-log.service';
import { CorrelationId } from '../auth/request-context';

export class SetQuotaDto {
  @ApiProperty({
    example: 500,
    description: 'Credits the workspace may spend at the provider per calendar month (UTC).',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'monthly_credits must be a number' })
  @FitsCreditColumn('monthly_credits')
  @Min(0, { message: 'monthly_credits must be 0 or more' })
  @Max(1_000_000_000, { message: 'monthly_credits must be at most 1000000000' })
  monthly_credits!: number;

  @ApiProperty({
    enum: ['refuse', 'hold'],
    required: false,
    example: 'refuse',
    description: 'refuse: work beyond the quota is refused (402) or the provider skipped; hold: it waits.',
  })
  @IsOptional()
  @IsIn(['refuse', 'hold'], { message: 'policy must be refuse or hold' })
  policy?: 'refuse' | 'hold';
}

/** Ops set each workspace's monthly credit quota per provider. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@ApiUuidParam(
  'workspace',
  'The workspace id, as returned by POST /v1/admin/workspaces.',
  'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
)
@ApiError(400, 'The workspace id is not a UUID.', 'Validation failed (uuid is expected)')
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/workspaces/:workspace/quotas')
export class QuotasAdminController {
  constructor(
    private readonly quotas: Quotas,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly holds: QuotaHoldWaker,
  ) {}

  private async workspace(id: string): Promise<string> {
    return (await workspaceOr404(this.dataSource, id)).id;
  }

  @Get()
  @ApiNoQuery()
  @ApiOperation({ summary: 'A workspace’s quotas with what it used this month' })
  @ApiAnswer(200, QUOTAS_EXAMPLE)
  @ApiError(400, 'The workspace id is not a UUID, or a query parameter (the route takes none).', [
    'Validation failed (uuid is expected)',
    'Unknown query parameter(s) provider; this route takes none.',
  ])
  @ApiError(404, 'No such workspace.', 'No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e.')
  async list(@Param('workspace', new ParseUUIDPipe()) workspace: string): Promise<{ quotas: QuotaView[] }> {
    return { quotas: await this.quotas.list(await this.workspace(workspace)) };
  }

  @Put(':provider')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a workspace’s monthly credit quota at a provider' })
  @ApiParam({ name: 'provider', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiAnswer(200, QUOTA_EXAMPLE, { description: 'The quota with what was used of it this month.' })
  @ApiJsonBodyErrors()
  @ApiError(400, 'The workspace id is not a UUID, or monthly_credits or policy is invalid.', [
    'monthly_credits must be 0 or more',
  ])
  @ApiError(404, 'No such workspace or provider.', "No provider 'acme'; providers: companies-house, snov, …")
  async set(
    @Param('workspace', new ParseUUIDPipe()) workspace: string,
    @Param('provider') provider: string,
    @Body() body: SetQuotaDto,
    @CorrelationId() correlationId: string,
  ): Promise<QuotaView> {
    const name = providerOf(provider);
    const quota = await this.quotas.set(
      await this.workspace(workspace),
      name,
      body.monthly_credits,
      body.policy ?? 'refuse',
    );
    await this.audit.record({
      workspaceId: workspace,
      actor: 'admin',
      action: 'quota.set',
      targetType: 'provider',
      targetId: name,
      details: { monthly_credits: body.monthly_credits, policy: body.policy ?? 'refuse' },
      correlationId,
    });
    // Steps the quota held look at it again now (raised: they go on; refuse: they are skipped).
    await this.holds.wake(workspace, name);
    return quota;
  }

  @Delete(':provider')
  @HttpCode(204)
  @ApiDelete()
  @ApiOperation({ summary: 'Remove a workspace’s quota at a provider' })
  @ApiParam({ name: 'provider', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiResponse({ status: 204, description: 'Removed; nothing in the answer.' })
  @ApiError(
    400,
    'The workspace id is not a UUID, or a body with fields or a query parameter (the route takes neither).',
    [
      'Validation failed (uuid is expected)',
      'Unknown field(s) reason; this route takes no body.',
      'Unknown query parameter(s) reason; this route takes none.',
    ],
  )
  @ApiError(
    404,
    'No such workspace, provider, or quota.',
    'Workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e has no quota at snov.',
  )
  async remove(
    @Param('workspace', new ParseUUIDPipe()) workspace: string,
    @Param('provider') provider: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    const name = providerOf(provider);
    if (!(await this.quotas.remove(await this.workspace(workspace), name))) {
      throw new NotFoundException(`Workspace ${workspace} has no quota at ${provider}.`);
    }
    await this.audit.record({
      workspaceId: workspace,
      actor: 'admin',
      action: 'quota.delete',
      targetType: 'provider',
      targetId: name,
      correlationId,
    });
    await this.holds.wake(workspace, name);
  }
}
