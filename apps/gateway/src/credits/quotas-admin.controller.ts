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
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { providerOf } from '../http-params';
import { Quotas, type QuotaView } from './quotas.service';

export class SetQuotaDto {
  @ApiProperty({
    example: 500,
    description: 'Credits the workspace may spend at the provider per calendar month (UTC).',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'monthly_credits must be a number' })
  @Min(0, { message: 'monthly_credits must be 0 or more' })
  @Max(1_000_000_000, { message: 'monthly_credits must be at most 1000000000' })
  monthly_credits!: number;

  @ApiProperty({
    enum: ['refuse', 'hold'],
    required: false,
    description: 'refuse: work beyond the quota is refused (402) or the provider skipped; hold: it waits.',
  })
  @IsOptional()
  @IsIn(['refuse', 'hold'], { message: 'policy must be refuse or hold' })
  policy?: 'refuse' | 'hold';
}

/** Ops set each workspace's monthly credit quota per provider. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/workspaces/:workspace/quotas')
export class QuotasAdminController {
  constructor(
    private readonly quotas: Quotas,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  private async workspace(id: string): Promise<string> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM workspaces WHERE id = $1', [id]);
    if (rows.length === 0) {
      throw new NotFoundException(`No workspace ${id}.`);
    }
    return id;
  }

  @Get()
  @ApiOperation({ summary: 'A workspace’s quotas with what it used this month' })
  async list(@Param('workspace', new ParseUUIDPipe()) workspace: string): Promise<{ quotas: QuotaView[] }> {
    return { quotas: await this.quotas.list(await this.workspace(workspace)) };
  }

  @Put(':provider')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a workspace’s monthly credit quota at a provider' })
  @ApiResponse({ status: 400, description: 'monthly_credits or policy invalid.' })
  @ApiResponse({ status: 404, description: 'No such workspace or provider.' })
  async set(
    @Param('workspace', new ParseUUIDPipe()) workspace: string,
    @Param('provider') provider: string,
    @Body() body: SetQuotaDto,
  ): Promise<QuotaView> {
    return this.quotas.set(
      await this.workspace(workspace),
      providerOf(provider),
      body.monthly_credits,
      body.policy ?? 'refuse',
    );
  }

  @Delete(':provider')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a workspace’s quota at a provider' })
  async remove(
    @Param('workspace', new ParseUUIDPipe()) workspace: string,
    @Param('provider') provider: string,
  ): Promise<void> {
    if (!(await this.quotas.remove(await this.workspace(workspace), providerOf(provider)))) {
      throw new NotFoundException(`Workspace ${workspace} has no quota at ${provider}.`);
    }
  }
}
