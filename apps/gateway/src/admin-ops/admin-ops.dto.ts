import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { CACHED_OPERATIONS, SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { PROVIDER_NAMES } from '@sluice/queue';
import { IsIn, IsInt, IsString, IsUUID, Max, Min, type ValidationArguments } from 'class-validator';
import { IsCalendarDate, OptionalNotNull } from '../http-params';

export class CacheClearDto {
  @ApiPropertyOptional({
    enum: PROVIDER_NAMES,
    example: 'snov',
    description: 'Only this provider’s answers.',
  })
  @OptionalNotNull()
  @IsIn(PROVIDER_NAMES, { message: `provider must be one of: ${PROVIDER_NAMES.join(', ')}` })
  provider?: string;

  @ApiPropertyOptional({
    enum: CACHED_OPERATIONS,
    example: 'person.email',
    description: 'Only answers of this operation.',
  })
  @OptionalNotNull()
  @IsString({ message: 'operation must be a string' })
  // Named in the refusal: an operation no answer is cached under (a typo) would clear nothing.
  @IsIn(CACHED_OPERATIONS, {
    message: ({ value }: ValidationArguments) =>
      `operation${typeof value === 'string' ? ` ${JSON.stringify(value.slice(0, 100))}` : ''} is not one answers are cached under; operations: ${CACHED_OPERATIONS.join(', ')}`,
  })
  operation?: string;

  @ApiPropertyOptional({
    example: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
    description: 'Only this workspace’s.',
  })
  @OptionalNotNull()
  @IsUUID('all', { message: 'workspace_id must be a UUID' })
  workspace_id?: string;
}

export class RetryFailedDto {
  @ApiProperty({ example: 100, description: 'At most this many failed jobs, oldest first (1–1000).' })
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit!: number;

  @ApiPropertyOptional({ example: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' })
  @OptionalNotNull()
  @IsUUID('all', { message: 'workspace_id must be a UUID' })
  workspace_id?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Only jobs created since then.' })
  @OptionalNotNull()
  @IsCalendarDate({ message: 'since must be an ISO 8601 date or time' })
  since?: string;

  @ApiPropertyOptional({ enum: SUPPORTED_REQUEST_TYPES, example: 'person.email' })
  @OptionalNotNull()
  @IsIn(SUPPORTED_REQUEST_TYPES, { message: `type must be one of: ${SUPPORTED_REQUEST_TYPES.join(', ')}` })
  type?: string;
}
