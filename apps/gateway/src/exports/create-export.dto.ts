import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_FORMATS } from '@sluice/db';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';
import { JOB_STATUSES } from '../jobs/job-list';

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_FORMATS, example: 'csv' })
  @IsString({ message: 'format is required: csv or jsonl' })
  @IsIn(EXPORT_FORMATS, { message: 'format must be csv or jsonl' })
  format!: 'csv' | 'jsonl';

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the jobs of this CSV import.' })
  @IsOptional()
  @IsUUID('all', { message: 'import_id must be a UUID, as returned by POST /v1/imports' })
  import_id?: string;

  // A `batch_id` filter (the jobs of one batch) belongs here beside import_id, with its column in
  // ExportsService's query.

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
  @IsISO8601({ strict: true }, { message: 'created_after must be an ISO 8601 date or date-time' })
  created_after?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; jobs created before it.', example: '2026-12-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'created_before must be an ISO 8601 date or date-time' })
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

  @ApiProperty({ example: { status: 'completed', type: 'person.email' } })
  filters!: Record<string, string>;
}
