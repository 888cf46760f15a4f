import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WORKSPACE_TIERS, type WorkspaceTier } from '@sluice/db';
import { IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ReadableName } from '../label-text';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'Acme RevOps' })
  @IsString({ message: 'name is required and must be a string' })
  @Length(1, 120, { message: 'name must be 1 to 120 characters long' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @ReadableName('name')
  name!: string;

  @ApiPropertyOptional({ enum: WORKSPACE_TIERS, default: 'standard', example: 'standard' })
  // Not @IsOptional(): it lets null through too, which reached the NOT NULL column (a 500).
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined)
  @IsIn(WORKSPACE_TIERS, { message: `tier must be one of: ${WORKSPACE_TIERS.join(', ')}` })
  tier?: WorkspaceTier;
}

export class WorkspaceCreatedDto {
  @ApiProperty({ example: { id: 'b0c1…', name: 'Acme RevOps', slug: 'acme-revops', tier: 'standard' } })
  workspace!: { id: string; name: string; slug: string; tier: string; created_at: string };

  @ApiProperty({ description: 'Shown once: only its hash is stored.', example: 'slk_…' })
  api_key!: string;

  @ApiProperty({
    description:
      'Signs the callbacks Sluice sends this workspace (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). Shown once; rotate with POST /v1/webhook-secret/rotate. Null when callbacks are not enabled on the deployment.',
    example: 'whsec_…',
    nullable: true,
  })
  webhook_secret!: string | null;
}
