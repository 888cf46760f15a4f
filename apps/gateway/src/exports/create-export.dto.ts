import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_FORMATS } from '@sluice/db';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { IsCalendarDate } from '../http-params';
import { JOB_STATUSES } from '../jobs/job-list';

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_FORMATS, example: 'csv' })
  @IsString({ message: 'format is required: csv or jsonl' })
  @IsIn(EXPORT_FORMATS, { message: 'format must be csv or jsonl' })
  format!: 'csv' | 'jsonl';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the jobs of this CSV import.',
    example: '0b9f4c1e-2d3a-4e5f-8a7b-6c5d4e3f2a1b',
  })
  @IsOptional()
  @IsUUID('all', { message: 'import_id must be a UUID, as returned by POST /v1/imports' })
  import_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the jobs of this batch (every run of it).',
    example: '5d1e2f3a-4b5c-4d6e-9f8a-7b6c5d4e3f2a',
  })
  @IsOptional()
  @IsUUID('all', { message: 'batch_id must be a UUID, as returned by POST /v1/batches' })
  batch_id?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES, example: 'completed' })
  @IsOptional()
  @IsIn(JOB_STATUSES, { message: `status must be one of: ${JOB_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: SUPPORTED_REQUEST_TYPES, example: 'person.email' })
  @IsOptional()
  @IsIn(SUPPORTED_REQUEST_TYPES, { message: `type must be one of: ${SUPPORTED_REQUEST_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({
    description: 'ISO 8601; jobs created at or after it.',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsCalendarDate({ message: 'created_after must be an ISO 8601 date or date-time' })
  created_after?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; jobs created before it.', example: '2026-12-31T00:00:00Z' })
  @IsOptional()
  @IsCalendarDate({ message: 'created_before must be an ISO 8601 date or date-time' })
  created_before?: string;
}

export class ExportCreatedDto {
  @ApiProperty({ format: 'uuid', example: '3c9a1e7b-5d2f-4a6c-8e0b-1f3d5a7c9e2b' })
  id!: string;

  @ApiProperty({
    example: '/v1/exports/3c9a1e7b-5d2f-4a6c-8e0b-1f3d5a7c9e2b',
    description: 'GET it for the file.',
  })
  url!: string;

  @ApiProperty({ enum: EXPORT_FORMATS, example: 'csv' })
  format!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { status: 'completed', type: 'person.email' },
  })
  filters!: Record<string, string>;
}
