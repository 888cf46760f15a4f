import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPORTED_REQUEST_TYPES } from '@sluice/enrichment';
import {
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { CALLBACK_URL_SCHEMA, IsCallbackUrl } from '../callbacks/callback-url';
import { FitsCreditColumn } from '../credit-figures';

export class CreateJobDto {
  @ApiProperty({ enum: SUPPORTED_REQUEST_TYPES, example: 'company.profile' })
  @IsString({ message: 'type is required and must be a string' })
  @IsIn(SUPPORTED_REQUEST_TYPES, {
    message: `type must be one of: ${SUPPORTED_REQUEST_TYPES.join(', ')}`,
  })
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Identifiers for the request type (canonical names): company.* take company_number / company_name; person.* take first_name, last_name, full_name, domain, company_name, linkedin_url (and email for phone/profile); email.verify takes email; enrich takes any of these and phone (an extension written with it, as `+44 20 7946 0958 ext. 123`, is accepted and ignored: the person is looked up by the number). A name (first_name, last_name, full_name, company_name) holds at least one letter or digit.',
    example: { company_number: '07798925' },
  })
  @IsObject({ message: 'input is required and must be an object' })
  @IsNotEmpty({ message: 'input must not be empty' })
  input!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['interactive', 'bulk'], default: 'interactive', example: 'interactive' })
  @IsOptional()
  @IsIn(['interactive', 'bulk'], { message: 'priority must be interactive or bulk' })
  priority?: 'interactive' | 'bulk';

  @ApiPropertyOptional({
    description: 'Most credits this job may spend; no provider call starts that could exceed it.',
    example: 5,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'max_credits must be a number' })
  @FitsCreditColumn('max_credits')
  @Min(0, { message: 'max_credits must not be negative' })
  @Max(1_000_000, { message: 'max_credits must be at most 1000000' })
  max_credits?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'verify (bool), accept_catch_all (bool), phone_type ("mobile" | "any"), wait_for_credits (bool: wait for a provider paused for credits instead of falling through), max_age_days (whole number, 0–3650: cached and stored answers older than this are not reused, the provider is asked again; 0: every step asks again).',
    example: { verify: true },
  })
  // Not @IsOptional(): it lets null through too, and options are read as an object (null was a 500).
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined)
  @IsObject({ message: 'options must be an object' })
  options?: Record<string, unknown>;

  @ApiPropertyOptional({
    ...CALLBACK_URL_SCHEMA,
    description:
      'Where Sluice delivers the result when the job finishes: a POST signed per Standard Webhooks with the workspace’s webhook secret, retried with backoff for about a day. Private, loopback and link-local addresses are refused unless the deployment allows them.',
  })
  @IsOptional()
  @IsCallbackUrl()
  callback_url?: string;
}

export class JobCreatedDto {
  @ApiProperty({ format: 'uuid', example: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({ example: 'queued' })
  status!: string;
}
