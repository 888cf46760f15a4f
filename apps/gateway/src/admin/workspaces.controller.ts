import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { CreateWorkspaceDto, WorkspaceCreatedDto } from './create-workspace.dto';
import { WorkspacesService } from './workspaces.service';

@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a workspace and its API key (shown once; only a hash is stored)' })
  @ApiResponse({ status: 201, type: WorkspaceCreatedDto })
  @ApiResponse({ status: 401, description: 'Missing or wrong admin token.' })
  @ApiResponse({ status: 409, description: 'A workspace with that name exists.' })
  async create(@Body() body: CreateWorkspaceDto): Promise<WorkspaceCreatedDto> {
    return this.workspaces.create(body.name, body.tier);
  }
}
