import { ApiProperty } from '@nestjs/swagger';
import { ACTIVE_PROVIDERS, type CircuitState } from '@sluice/queue';

/** The workspace's own credentials for a provider: a non-secret hint and when they were set. */
export class WorkspaceCredentialsHintDto {
  @ApiProperty({ example: '…9f3a', description: 'The last four characters of the key, or `…` alone.' })
  fingerprint!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T10:00:00.000Z' })
  updated_at!: string;
}

/** Why and since when a provider is paused. */
export class ProviderPauseDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-02T10:00:00.000Z' })
  since!: string;

  @ApiProperty({ example: 'paused by an operator' })
  reason!: string;

  @ApiProperty({
    enum: ['operator', 'credits'],
    example: 'operator',
    description:
      '`operator`: POST /v1/admin/providers/:name/pause, lifted only by .../resume. `credits`: the platform account cannot pay for the next call; resumed by itself when it can.',
  })
  by!: 'operator' | 'credits';
}

/** The platform account's credits at a provider. */
export class ProviderCreditsDto {
  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 1250,
    description: 'The last balance read; null before the first reading, and on an unlimited plan.',
  })
  balance!: number | null;

  @ApiProperty({
    example: false,
    description: 'The plan has no credit limit (the provider reports it unlimited): `balance` is null.',
  })
  unlimited!: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-12-02T09:55:00.000Z' })
  balance_read_at!: string | null;

  @ApiProperty({ example: 3, description: 'Credits held for calls in flight.' })
  reserved!: number;
}

/** One provider as a workspace sees it. Never a secret. */
export class ProviderDto {
  @ApiProperty({ enum: [...ACTIVE_PROVIDERS], example: 'apollo' })
  name!: string;

  @ApiProperty({ type: [String], example: ['lookup_person', 'find_work_email', 'check_credits'] })
  capabilities!: string[];

  @ApiProperty({
    type: [String],
    example: ['api_key'],
    description: 'The fields PUT /v1/providers/:name/credentials takes.',
  })
  credential_fields!: string[];

  @ApiProperty({
    example: true,
    description: 'Credentials are present: the workspace’s own or the platform’s.',
  })
  configured!: boolean;

  @ApiProperty({ enum: ['workspace', 'platform'], nullable: true, example: 'workspace' })
  credentials!: 'workspace' | 'platform' | null;

  @ApiProperty({
    type: () => WorkspaceCredentialsHintDto,
    nullable: true,
    description: 'The workspace’s own credentials; null on the platform’s.',
  })
  workspace_credentials!: WorkspaceCredentialsHintDto | null;

  @ApiProperty({
    example: true,
    description:
      'Switched on on this deployment (provider settings) and configured. A pause does not change it: see `paused` and `available`.',
  })
  enabled!: boolean;

  @ApiProperty({ example: false, description: 'Paused by an operator or for credits (see `pause`).' })
  paused!: boolean;

  @ApiProperty({
    type: () => ProviderPauseDto,
    nullable: true,
    description: 'Why and since when it is paused; null when it is not.',
  })
  pause!: ProviderPauseDto | null;

  @ApiProperty({ enum: ['closed', 'open', 'half_open'], example: 'closed' })
  circuit!: CircuitState;

  @ApiProperty({
    example: true,
    description:
      'Waterfalls route this workspace’s new work to it now: enabled, not paused (a pause for the platform’s credits does not stop a workspace on its own credentials; an operator’s pause stops every account) and its circuit not open (a rate limit or a workspace quota may still hold a call back).',
  })
  available!: boolean;

  @ApiProperty({
    type: () => ProviderCreditsDto,
    nullable: true,
    description:
      'The platform account’s credits; null on the workspace’s own credentials (their balance is not read).',
  })
  credits!: ProviderCreditsDto | null;
}

export class ProviderListDto {
  @ApiProperty({ type: () => [ProviderDto] })
  providers!: ProviderDto[];
}

/** The answer of PUT /v1/providers/:name/credentials: what was stored, never the secret. */
export class CredentialsStoredDto {
  @ApiProperty({ example: 'apollo' })
  provider!: string;

  @ApiProperty({ example: '…9f3a' })
  fingerprint!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T10:00:00.000Z' })
  updated_at!: string;

  @ApiProperty({ example: true })
  configured!: boolean;

  @ApiProperty({ enum: ['workspace'], example: 'workspace' })
  credentials!: 'workspace';
}

/** The answer of DELETE /v1/providers/:name/credentials. */
export class CredentialsRemovedDto {
  @ApiProperty({ example: 'apollo' })
  provider!: string;

  @ApiProperty({ example: true, description: 'False when the workspace had no credentials stored.' })
  removed!: boolean;

  @ApiProperty({ example: true, description: 'The platform’s credentials are present.' })
  configured!: boolean;

  @ApiProperty({ enum: ['platform'], nullable: true, example: 'platform' })
  credentials!: 'platform' | null;
}
