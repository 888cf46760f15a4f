import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminErrors, ApiAnswer, ApiError, ApiPost } from '../openapi/decorators';
import { WORKSPACE_CREATED_EXAMPLE } from '../openapi/examples';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { CreateWorkspaceDto, WorkspaceCreatedDto } from './create-workspace.dto';
import { WorkspacesService } from './workspaces.service';
import { AuditLog } from '../audit/audit-log.service';
import { CorrelationId } from '../auth/request-context';

@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a workspace and its API key (shown once; only a hash is stored)' })
  @ApiPost({ body: true })
  @ApiAnswer(201, WORKSPACE_CREATED_EXAMPLE, {
    nullable: ['webhook_secret'],
    description: 'The workspace, its first API key (all scopes) and its webhook secret, shown once.',
  })
  @ApiError(400, 'name missing, blank or too long; tier unknown.', ['name must not be blank'])
  @ApiError(
    409,
    'A workspace with that name exists.',
    "A workspace named like 'Acme RevOps' already exists (slug 'acme-revops').",
  )
  async create(
    @Body() body: CreateWorkspaceDto,
    @CorrelationId() correlationId: string,
  ): Promise<WorkspaceCreatedDto> {
    const created = await this.workspaces.create(body.name, body.tier);
    await this.audit.record({
      workspaceId: created.workspace.id,
      actor: 'admin',
      action: 'workspace.create',
      targetType: 'workspace',
      targetId: created.workspace.id,
      details: { name: created.workspace.name, tier: created.workspace.tier },
      correlationId,
    });
    return created;
  }
}
