import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JobProgressDto } from '../jobs/job-progress';
import { IMPORT_STATUSES } from '@sluice/db';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import { ApiErrorBody } from '../openapi/decorators';
import type { ImportView } from './import-view';

/** A rejected row of an import: its line in the file, the column at fault where there is one, why. */
export class ImportRowErrorDto {
  @ApiProperty({ type: 'integer', example: 3 })
  line!: number;

  @ApiPropertyOptional({ example: 'Work Domain' })
  column?: string;

  @ApiProperty({ example: 'input.domain "not a domain" is not a domain (e.g. example.com)' })
  message!: string;
}

const NULLABLE_ID = { type: 'string', format: 'uuid', nullable: true } as const;

/** An import as the API shows it (see {@link ImportView}, which the service builds). */
export class ImportDto implements ImportView {
  @ApiProperty({ format: 'uuid', example: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c' })
  id!: string;

  @ApiProperty({ enum: [...SUPPORTED_REQUEST_TYPES], example: 'person.email' })
  type!: string;

  @ApiProperty({ enum: [...IMPORT_STATUSES], example: 'completed' })
  status!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'leads-2026-12-02' })
  reference!: string | null;

  @ApiProperty({ type: 'integer', example: 3 })
  rows_total!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  rows_accepted!: number;

  @ApiProperty({ type: 'integer', example: 1 })
  rows_rejected!: number;

  @ApiProperty({ type: 'integer', example: 0 })
  rows_skipped!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  rows_committed!: number;

  @ApiProperty({ type: () => [ImportRowErrorDto], description: 'The first rejected rows, in file order.' })
  errors!: ImportRowErrorDto[];

  @ApiProperty({ example: false })
  errors_truncated!: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Why a failed import stopped.' })
  error!: string | null;

  @ApiProperty({ example: false })
  resumable!: boolean;

  @ApiProperty({ ...NULLABLE_ID, example: null })
  resumed_from!: string | null;

  @ApiProperty({ ...NULLABLE_ID, example: null })
  resumed_by!: string | null;

  @ApiProperty({
    type: () => JobProgressDto,
    description:
      'The jobs of the rows accepted, by status now: how far the enrichment has got (`status` is the upload’s). All rows are done when `finished` equals `total`.',
  })
  progress!: JobProgressDto;

  @ApiProperty({ example: 1, description: 'Credits the jobs’ steps have spent so far.' })
  credits_spent!: number;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-12-02T10:00:01.000Z' })
  completed_at!: string | null;
}

export class ImportListDto {
  @ApiProperty({ type: () => [ImportDto] })
  data!: ImportDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description: 'Pass it as `cursor` for the next page; null on the last.',
  })
  next_cursor!: string | null;
}

/**
 * An upload refused part-way (a row past the limit, a file too large, a broken upload): the import
 * is recorded as failed and shown as it stood, or null when it could not be read back.
 */
export class ImportFailedErrorBody extends ApiErrorBody {
  @ApiPropertyOptional({ type: () => ImportDto, nullable: true })
  import?: ImportDto | null;
}
