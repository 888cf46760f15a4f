import { messagesOf } from '../http-errors';
import { BadRequestException, HttpException } from '@nestjs/common';
import type { RequestType } from '@sluice/enrichment';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CreateJobDto } from './create-job.dto';
import { parseJobRequest } from './job-input';
import type { NewJob } from './jobs.service';

export interface RejectedJob {
  index: number;
  errors: string[];
}

const messages = (errors: ValidationError[]): string[] =>
  errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...messages(error.children ?? []).map((child) => `${error.property}.${child}`),
  ]);

/**
 * One job of a bulk submission, checked exactly as `POST /v1/jobs` checks a job: the same DTO rules
 * (unknown fields refused) and the same input and option parsing. Returns the job, or why not.
 */
export async function checkBulkJob(
  raw: unknown,
): Promise<{ job: NewJob; callbackUrl: string | null } | string[]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return ['each job must be an object'];
  }
  const dto = plainToInstance(CreateJobDto, raw);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    return messages(errors).map((message) =>
      message.replace(/^property (\S+) should not exist$/, 'unknown field $1'),
    );
  }
  try {
    const type = dto.type as RequestType;
    const { input, options } = parseJobRequest(type, dto.input, dto.options);
    return {
      job: {
        type,
        input,
        priority: dto.priority ?? 'bulk',
        callbackUrl: dto.callback_url ?? null,
        maxCredits: dto.max_credits ?? null,
        options,
      },
      callbackUrl: dto.callback_url ?? null,
    };
  } catch (error) {
    if (error instanceof HttpException) {
      return messagesOf(error);
    }
    throw error;
  }
}

/** The bulk body's outer shape: `{"jobs": [...]}` with 1 to `max` jobs. */
export function bulkJobsOf(body: unknown, max: number): unknown[] {
  const jobs = (body as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) {
    throw new BadRequestException(
      'The body must be {"jobs": [...]}, a list of jobs as POST /v1/jobs takes them.',
    );
  }
  if (jobs.length === 0 || jobs.length > max) {
    throw new BadRequestException(`jobs must hold 1 to ${max} jobs; it holds ${jobs.length}.`);
  }
  const extra = Object.keys(body as object).filter((key) => key !== 'jobs');
  if (extra.length > 0) {
    throw new BadRequestException(`Unknown field(s) ${extra.join(', ')}; the body is {"jobs": [...]}.`);
  }
  return jobs;
}
