import {
  ApiExtraModels,
  ApiProperty,
  type ApiPropertyOptions,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import { ENRICH_FIELDS } from '@sluice/enrichment';
import { IDENTIFIERS_SCHEMA, OPTIONS_SCHEMA } from '../enrich/enrich-schemas';
import { JobProgressDto } from '../jobs/job-progress';
import { ApiErrorBody } from '../openapi/decorators';
import { EVERY_DAYS, SINCE_DAYS } from './batch-input';

/**
 * The answers and bodies of /v1/batches as OpenAPI schemas, so that the generated client types
 * them. The service returns these classes' shapes (its return types name them), and bodies are
 * still checked by hand in batch-input.ts (these classes only document them).
 */

const BATCH_ID = '0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d';
const JOB_ID = '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f';
const DATE = { type: 'string', format: 'date-time', nullable: true } as const;

export class BatchScheduleDto {
  @ApiProperty({ type: 'integer', minimum: EVERY_DAYS.min, maximum: EVERY_DAYS.max, example: 30 })
  every_days!: number;
}

export class BatchFiltersDto {
  @ApiPropertyOptional({ type: 'integer', example: 90 })
  since_days?: number;

  @ApiPropertyOptional({ type: 'integer', example: 500 })
  limit?: number;
}

export class BatchDto {
  @ApiProperty({ format: 'uuid', example: BATCH_ID })
  id!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Closed-won, last quarter' })
  name!: string | null;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'cancelled'], example: 'running' })
  status!: string;

  @ApiProperty({ enum: [...ENRICH_FIELDS], isArray: true, example: ['business_email', 'industry'] })
  fields!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { fields: ['business_email', 'industry'] },
    description: 'The options every record’s job runs with (as POST /v1/jobs takes them).',
  })
  options!: Record<string, unknown>;

  @ApiProperty({ type: () => BatchFiltersDto })
  filters!: BatchFiltersDto;

  @ApiProperty({ enum: ['interactive', 'bulk'], example: 'bulk' })
  priority!: string;

  @ApiProperty({ type: 'number', nullable: true, example: 100 })
  max_credits!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.2 })
  max_credits_per_record!: number | null;

  @ApiProperty({ type: 'integer', example: 520 })
  records_received!: number;

  @ApiProperty({ type: 'integer', example: 500 })
  record_count!: number;

  @ApiProperty({ type: () => BatchScheduleDto, nullable: true })
  schedule!: BatchScheduleDto | null;

  @ApiProperty({ type: () => JobProgressDto, description: 'The records’ current jobs, by status.' })
  progress!: JobProgressDto;

  @ApiProperty({ example: 41 })
  credits_spent!: number;

  @ApiProperty({ ...DATE, example: '2026-12-01T09:00:00.000Z' })
  last_run_at!: string | null;

  @ApiProperty({ ...DATE, example: null })
  cancelled_at!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' })
  created_at!: string;
}

export class BatchAcceptedRecordDto {
  @ApiProperty({ type: 'integer', example: 0 })
  index!: number;

  @ApiProperty({ type: 'string', nullable: true, example: 'deal-1042' })
  external_id!: string | null;

  @ApiProperty({ format: 'uuid', example: JOB_ID })
  job_id!: string;
}

export class BatchRejectedRecordDto {
  @ApiProperty({ type: 'integer', example: 1 })
  index!: number;

  @ApiProperty({ type: [String], example: ['records[1]: email "grace@" is not an e-mail address'] })
  errors!: string[];
}

export class BatchFilteredRecordDto {
  @ApiProperty({ type: 'integer', example: 2 })
  index!: number;

  @ApiProperty({ enum: ['since_days', 'limit'], example: 'since_days' })
  reason!: 'since_days' | 'limit';
}

/** A batch of which no record could be accepted: none is made, and each record is listed. */
export class BatchRefusedErrorBody extends ApiErrorBody {
  @ApiPropertyOptional({
    type: () => [BatchRejectedRecordDto],
    description: 'The records refused, with their problems, when the records were readable.',
  })
  rejected?: BatchRejectedRecordDto[];

  @ApiPropertyOptional({
    type: () => [BatchFilteredRecordDto],
    description: 'The records left out by `since_days` or `limit`.',
  })
  filtered_out?: BatchFilteredRecordDto[];
}

export class BatchCreatedDto {
  @ApiProperty({ type: () => BatchDto })
  batch!: BatchDto;

  @ApiProperty({ type: () => [BatchAcceptedRecordDto] })
  accepted!: BatchAcceptedRecordDto[];

  @ApiProperty({ type: () => [BatchRejectedRecordDto] })
  rejected!: BatchRejectedRecordDto[];

  @ApiProperty({ type: () => [BatchFilteredRecordDto] })
  filtered_out!: BatchFilteredRecordDto[];
}

export class BatchListDto {
  @ApiProperty({ type: () => [BatchDto] })
  data!: BatchDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'pass back as `cursor` for the next page; null on the last page',
  })
  next_cursor!: string | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 20,
    description: 'the next page by offset; null on the last page and when paging by cursor',
  })
  next_offset!: number | null;
}

export class BatchRecordStepDto {
  @ApiProperty({ example: 'snov' })
  provider!: string;

  @ApiProperty({ example: 'email' })
  goal!: string;

  @ApiProperty({ example: 'completed' })
  state!: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  reason!: string | null;

  @ApiProperty({ example: 1 })
  credits!: number;
}

export class BatchRecordDto {
  @ApiProperty({ type: 'integer', example: 0 })
  index!: number;

  @ApiProperty({ type: 'string', nullable: true, example: 'deal-1042' })
  external_id!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' },
  })
  input!: Record<string, unknown>;

  @ApiProperty({ ...DATE, example: '2026-11-20T00:00:00.000Z' })
  occurred_at!: string | null;

  @ApiProperty({ format: 'uuid', example: JOB_ID, description: 'The record’s current job.' })
  job_id!: string;

  @ApiProperty({ example: 'completed' })
  status!: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ ...DATE, example: '2026-12-01T09:00:03.000Z' })
  last_enriched_at!: string | null;

  @ApiProperty({ type: () => [BatchRecordStepDto] })
  steps!: BatchRecordStepDto[];
}

export class BatchRecordPageDto {
  @ApiProperty({ type: () => [BatchRecordDto] })
  data!: BatchRecordDto[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 0,
    description: 'Pass it as `after` for the next page; null on the last.',
  })
  next_cursor!: number | null;
}

export class BatchDetailDto extends BatchDto {
  @ApiProperty({ type: () => BatchRecordPageDto })
  records!: BatchRecordPageDto;
}

export class BatchCancelledDto {
  @ApiProperty({ type: 'integer', example: 150, description: 'Unfinished jobs cancelled now.' })
  cancelled!: number;

  @ApiProperty({ type: () => BatchDto })
  batch!: BatchDto;
}

export class BatchJobCountsDto {
  @ApiProperty({ type: 'integer', example: 480 })
  completed!: number;

  @ApiProperty({ type: 'integer', example: 12 })
  failed!: number;

  @ApiProperty({ type: 'integer', example: 0 })
  cancelled!: number;

  @ApiProperty({ type: 'integer', example: 8 })
  unfinished!: number;
}

export class BatchProviderCoverageDto {
  @ApiProperty({ example: 'snov' })
  provider!: string;

  @ApiProperty({ type: 'integer', example: 410, description: 'Records it answered.' })
  records!: number;

  @ApiProperty({ type: 'integer', example: 410, description: 'Fields it supplied.' })
  fields!: number;
}

export class BatchFieldCoverageDto {
  @ApiProperty({ type: 'integer', example: 410 })
  answered!: number;

  @ApiProperty({ example: 0.82, description: 'answered / records' })
  share!: number;
}

export class BatchFailureReasonDto {
  @ApiProperty({ example: 'no provider could answer' })
  reason!: string;

  @ApiProperty({ type: 'integer', example: 12 })
  count!: number;
}

export class BatchStepFailureReasonDto {
  @ApiProperty({ example: 'apollo' })
  provider!: string;

  @ApiProperty({ example: 'not_found' })
  reason!: string;

  @ApiProperty({ type: 'integer', example: 30 })
  count!: number;
}

export class BatchFailuresDto {
  @ApiProperty({ type: 'integer', example: 12 })
  jobs!: number;

  @ApiProperty({ type: () => [BatchFailureReasonDto] })
  top_reasons!: BatchFailureReasonDto[];

  @ApiProperty({ type: 'integer', example: 30 })
  steps!: number;

  @ApiProperty({ type: () => [BatchStepFailureReasonDto] })
  top_step_reasons!: BatchStepFailureReasonDto[];
}

export class BatchValueCountDto {
  @ApiProperty({ example: 'Software' })
  value!: string;

  @ApiProperty({ type: 'integer', example: 120 })
  count!: number;
}

export class BatchCreditsSpentDto {
  @ApiProperty({ example: 41 })
  last_run!: number;

  @ApiProperty({ example: 41 })
  all_runs!: number;
}

@ApiExtraModels(BatchFieldCoverageDto)
export class BatchSummaryDto {
  @ApiProperty({ format: 'uuid', example: BATCH_ID })
  batch_id!: string;

  @ApiProperty({ type: 'integer', example: 500 })
  records!: number;

  @ApiProperty({ type: () => BatchJobCountsDto })
  jobs!: BatchJobCountsDto;

  @ApiProperty({ type: () => [BatchProviderCoverageDto] })
  providers!: BatchProviderCoverageDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(BatchFieldCoverageDto) },
    example: { business_email: { answered: 410, share: 0.82 } },
    description: 'Per field asked.',
  })
  fields!: Record<string, BatchFieldCoverageDto>;

  @ApiProperty({ type: () => BatchFailuresDto })
  failures!: BatchFailuresDto;

  @ApiPropertyOptional({
    type: () => [BatchValueCountDto],
    description:
      'When `industry` was asked. Spellings that differ only in case or surrounding white space are one industry, shown as most records spell it.',
  })
  top_industries?: BatchValueCountDto[];

  @ApiPropertyOptional({
    type: () => [BatchValueCountDto],
    description: 'When `company_size` was asked: 1-10 … 5001+, smallest first.',
  })
  company_sizes?: BatchValueCountDto[];

  @ApiPropertyOptional({ type: () => [BatchValueCountDto], description: 'When `seniority` was asked.' })
  seniority?: BatchValueCountDto[];

  @ApiPropertyOptional({
    type: () => [BatchValueCountDto],
    description:
      'When `department` was asked. Spellings that differ only in case or surrounding white space are one department, shown as most records spell it.',
  })
  departments?: BatchValueCountDto[];

  @ApiProperty({ type: () => BatchCreditsSpentDto })
  credits_spent!: BatchCreditsSpentDto;

  @ApiProperty({ ...DATE, example: '2026-12-01T09:00:00.000Z' })
  last_run_at!: string | null;

  @ApiProperty({ ...DATE, example: null })
  cancelled_at!: string | null;
}

export class CreateBatchBodyDto {
  @ApiPropertyOptional({ example: 'Closed-won, last quarter', maxLength: 200 })
  name?: string;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        ...IDENTIFIERS_SCHEMA,
        external_id: { type: 'string' },
        occurred_at: { type: 'string' },
      },
    },
    example: [
      {
        external_id: 'deal-1042',
        first_name: 'Ada',
        last_name: 'Lovelace',
        domain: 'acme.com',
        occurred_at: '2026-11-20',
      },
      { external_id: 'deal-1043', email: 'grace@navy.example', occurred_at: '2026-10-02T14:00:00Z' },
    ],
    description: 'Up to BATCHES_MAX_RECORDS records, each with at least one identifier.',
  })
  records!: Record<string, string>[];

  @ApiProperty({
    enum: [...ENRICH_FIELDS],
    isArray: true,
    example: ['business_email', 'industry', 'company_size'],
  })
  enrich!: string[];

  @ApiPropertyOptional({ ...(OPTIONS_SCHEMA as ApiPropertyOptions), example: { accept_catch_all: false } })
  options?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: SINCE_DAYS.min, maximum: SINCE_DAYS.max, example: 90 })
  since_days?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 500 })
  limit?: number;

  @ApiPropertyOptional({ enum: ['interactive', 'bulk'], default: 'bulk' })
  priority?: 'interactive' | 'bulk';

  @ApiPropertyOptional({ type: 'number', minimum: 0, example: 100 })
  max_credits?: number;

  @ApiPropertyOptional({ type: () => BatchScheduleDto })
  schedule?: BatchScheduleDto;
}
