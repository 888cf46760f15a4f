import { noSuchWorkspace, workspaceOr404 } from './workspace-or-404';
import { ApiKeyCache } from '../auth/api-key-cache';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  AdminErrors,
  ApiAnswer,
  ApiDelete,
  ApiError,
  ApiJsonBodyErrors,
  ApiNoQuery,
  ApiPost,
  ApiUuidParam,
} from '../openapi/decorators';
import {
  KEY_CREATED_EXAMPLE,
  KEY_REVOKED_EXAMPLE,
  KEY_VIEW_NULLABLE,
  KEYS_EXAMPLE,
  RATE_LIMITS_EXAMPLE,
} from '../openapi/examples';
import { GatewayConfig } from '@sluice/config';
import { ApiKey, Workspace, type WorkspaceRateLimits } from '@sluice/db';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { DataSource, IsNull } from 'typeorm';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { workspaceRules } from '../auth/api-key.guard';
import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-keys';
import { API_SCOPES, type ApiScope } from '../auth/scopes';
import { AuditLog } from '../audit/audit-log.service';
import { CorrelationId } from '../auth/request-context';
import { ReadableName } from '../label-text';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'crm-sync' })
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  // Stored trimmed: a name of spaces only became an empty one.
  @Matches(/\S/, { message: 'name must not be blank' })
  @ReadableName('name')
  name!: string;

  @ApiProperty({ enum: API_SCOPES, isArray: true, example: ['enrich', 'jobs:read'] })
  @IsArray({ message: 'scopes must be a list' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayUnique({ message: 'scopes must not repeat' })
  @IsIn(API_SCOPES, { each: true, message: `each scope must be one of: ${API_SCOPES.join(', ')}` })
  scopes!: ApiScope[];
}

export class RateLimitsDto {
  @ApiPropertyOptional({
    type: 'integer',
    example: 300,
    nullable: true,
    description: 'null: back to the default',
  })
  @IsOptional()
  @IsInt({ message: 'per_minute must be a whole number' })
  @Min(1, { message: 'per_minute must be at least 1' })
  @Max(1_000_000, { message: 'per_minute must be at most 1000000' })
  per_minute?: number | null;

  @ApiPropertyOptional({ type: 'integer', example: 5000, nullable: true })
  @IsOptional()
  @IsInt({ message: 'per_hour must be a whole number' })
  @Min(1, { message: 'per_hour must be at least 1' })
  @Max(100_000_000, { message: 'per_hour must be at most 100000000' })
  per_hour?: number | null;

  @ApiPropertyOptional({ type: 'integer', example: 50000, nullable: true })
  @IsOptional()
  @IsInt({ message: 'per_day must be a whole number' })
  @Min(1, { message: 'per_day must be at least 1' })
  @Max(1_000_000_000, { message: 'per_day must be at most 1000000000' })
  per_day?: number | null;
}

interface KeyView {
  id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const view = (key: ApiKey): KeyView => ({
  id: key.id,
  name: key.name,
  key_prefix: key.keyPrefix,
  scopes: key.scopes,
  created_at: key.createdAt.toISOString(),
  last_used_at: key.lastUsedAt?.toISOString() ?? null,
  revoked_at: key.revokedAt?.toISOString() ?? null,
});

/** Ops manage a workspace's API keys (shown once, stored hashed) and its API rate limits. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@ApiUuidParam(
  'workspace',
  'The workspace id, as returned by POST /v1/admin/workspaces.',
  'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
)
@ApiError(
  400,
  'The workspace or key id is not a UUID, or the body is invalid.',
  'Validation failed (uuid is expected)',
)
@ApiError(
  404,
  'No such workspace (or no such key in it).',
  'No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e.',
)
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/workspaces/:workspace')
export class ApiKeysController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
    private readonly keys: ApiKeyCache,
    private readonly audit: AuditLog,
  ) {}

  private workspace(id: string): Promise<Workspace> {
    return workspaceOr404(this.dataSource, id);
  }

  @Post('keys')
  @ApiOperation({ summary: 'Create an API key with scopes; the key is in this answer only' })
  @ApiPost({ body: true })
  @ApiAnswer(201, KEY_CREATED_EXAMPLE, {
    nullable: KEY_VIEW_NULLABLE,
    description: 'The key, once: `api_key`.',
  })
  async create(
    @Param('workspace', new ParseUUIDPipe()) workspaceId: string,
    @Body() body: CreateApiKeyDto,
    @CorrelationId() correlationId: string,
  ): Promise<KeyView & { api_key: string }> {
    await this.workspace(workspaceId);
    const secret = generateApiKey();
    const repo = this.dataSource.getRepository(ApiKey);
    const saved = await repo.save(
      repo.create({
        workspaceId,
        name: body.name.trim(),
        keyPrefix: displayPrefix(secret),
        keyHash: hashApiKey(secret),
        scopes: body.scopes,
      }),
    );
    await this.audit.record({
      workspaceId,
      actor: 'admin',
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: saved.id,
      details: { name: saved.name, scopes: saved.scopes, key_prefix: saved.keyPrefix },
      correlationId,
    });
    return { ...view(saved), api_key: secret };
  }

  @Get('keys')
  @ApiNoQuery()
  @ApiOperation({ summary: 'The workspace’s API keys (prefixes and scopes; never the keys)' })
  @ApiAnswer(200, KEYS_EXAMPLE, { nullable: KEY_VIEW_NULLABLE })
  @ApiError(400, 'The workspace id is not a UUID, or a query parameter (the route takes none).', [
    'Validation failed (uuid is expected)',
    'Unknown query parameter(s) revoked; this route takes none.',
  ])
  async list(@Param('workspace', new ParseUUIDPipe()) workspaceId: string): Promise<{ keys: KeyView[] }> {
    await this.workspace(workspaceId);
    const keys = await this.dataSource
      .getRepository(ApiKey)
      .find({ where: { workspaceId }, order: { createdAt: 'ASC' } });
    return { keys: keys.map(view) };
  }

  @Delete('keys/:key')
  @ApiDelete()
  @ApiUuidParam(
    'key',
    'The key id, as listed by GET /v1/admin/workspaces/{workspace}/keys.',
    '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a',
  )
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key: it is refused from the next request on' })
  @ApiAnswer(200, KEY_REVOKED_EXAMPLE, { nullable: KEY_VIEW_NULLABLE })
  @ApiError(
    400,
    'The workspace or key id is not a UUID, or a body with fields or a query parameter (the route takes neither).',
    [
      'Validation failed (uuid is expected)',
      'Unknown field(s) reason; this route takes no body.',
      'Unknown query parameter(s) reason; this route takes none.',
    ],
  )
  async revoke(
    @Param('workspace', new ParseUUIDPipe()) workspaceId: string,
    @Param('key', new ParseUUIDPipe()) keyId: string,
    @CorrelationId() correlationId: string,
  ): Promise<KeyView> {
    const repo = this.dataSource.getRepository(ApiKey);
    // Scoped to the workspace: a key id of another workspace is not found here.
    const result = await repo.update(
      { id: keyId, workspaceId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    this.keys.forget({ keyId });
    const key = await repo.findOneBy({ id: keyId, workspaceId });
    if (!key) {
      throw new NotFoundException(`Workspace ${workspaceId} has no API key ${keyId}.`);
    }
    if ((result.affected ?? 0) > 0) {
      await this.audit.record({
        workspaceId,
        actor: 'admin',
        action: 'api_key.revoke',
        targetType: 'api_key',
        targetId: keyId,
        details: { name: key.name, key_prefix: key.keyPrefix },
        correlationId,
      });
    }
    return view(key);
  }

  @Patch('limits')
  @ApiOperation({ summary: 'Set the workspace’s API rate limits (null: back to the default)' })
  @ApiAnswer(200, RATE_LIMITS_EXAMPLE, { description: 'The limits now in force.' })
  @ApiJsonBodyErrors()
  async limits(
    @Param('workspace', new ParseUUIDPipe()) workspaceId: string,
    @Body() body: RateLimitsDto,
    @CorrelationId() correlationId: string,
  ): Promise<{ rate_limits: Required<Record<keyof WorkspaceRateLimits, number>> }> {
    const set: WorkspaceRateLimits = {};
    const removed: string[] = [];
    for (const name of ['per_minute', 'per_hour', 'per_day'] as const) {
      const value = body[name];
      if (value === null) {
        removed.push(name);
      } else if (value !== undefined) {
        set[name] = value;
      }
    }
    // One statement merges the change into the row as it stands when the row is written: read in
    // JS and written back whole, two PATCHes at once (one setting per_minute, one per_hour) each
    // wrote the row without the other's change. Concurrent updates of the row wait for each other,
    // and each re-reads the row the one before it wrote. No limit of its own left is NULL again.
    const [rows] = await this.dataSource.query<[{ rate_limits: WorkspaceRateLimits | null }[], number]>(
      `UPDATE workspaces
          SET rate_limits = nullif((coalesce(rate_limits, '{}'::jsonb) || $2::jsonb) - $3::text[], '{}'::jsonb),
              updated_at = now()
        WHERE id = $1
      RETURNING rate_limits`,
      [workspaceId, JSON.stringify(set), removed],
    );
    const row = rows[0];
    if (!row) {
      throw noSuchWorkspace(workspaceId);
    }
    const merged = row.rate_limits;
    this.keys.forget({ workspaceId });
    const [minute, hour, day] = workspaceRules(merged, this.config);
    const limits = { per_minute: minute.limit, per_hour: hour.limit, per_day: day.limit };
    await this.audit.record({
      workspaceId,
      actor: 'admin',
      action: 'workspace.limits',
      targetType: 'workspace',
      targetId: workspaceId,
      details: { changed: body, rate_limits: limits },
      correlationId,
    });
    return { rate_limits: limits };
  }
}
