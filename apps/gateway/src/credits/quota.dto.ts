import { ApiProperty } from '@nestjs/swagger';
import { ApiError, ApiErrorBody } from '../openapi/decorators';
import type { QuotaView } from './quotas.service';

/** A workspace's monthly quota at one provider, with what was used of it (see {@link QuotaView}). */
export class QuotaDto implements QuotaView {
  @ApiProperty({ example: 'snov' })
  provider!: string;

  @ApiProperty({ type: 'number', example: 500 })
  monthly_credits!: number;

  @ApiProperty({ enum: ['refuse', 'hold'], example: 'refuse' })
  policy!: 'refuse' | 'hold';

  @ApiProperty({ type: 'number', example: 500 })
  used!: number;

  @ApiProperty({ type: 'number', example: 0 })
  remaining!: number;

  @ApiProperty({ example: '2026-12', description: 'The calendar month (UTC) counted.' })
  month!: string;
}

/** The 402 of work no provider may do: the quotas used up at every provider that could answer. */
export class QuotaExceededErrorBody extends ApiErrorBody {
  @ApiProperty({
    type: () => [QuotaDto],
    description: 'The quotas used up, one per provider that could have answered.',
  })
  quotas!: QuotaDto[];
}

/** The 402 of a route that checks the workspace's `refuse` quotas before queueing anything. */
export function ApiQuotaExceeded(): MethodDecorator & ClassDecorator {
  return ApiError(
    402,
    '`quota_exceeded`: the workspace’s monthly quota (policy refuse) is used up at every provider that can answer; nothing was queued or spent.',
    "This workspace's monthly credit quota is used up at every provider that can answer person.email: snov (500 of 500 credits used). Nothing was queued or spent; raise the quota or wait for the month to turn.",
    {
      code: 'quota_exceeded',
      quotas: [
        {
          provider: 'snov',
          monthly_credits: 500,
          policy: 'refuse',
          used: 500,
          remaining: 0,
          month: '2026-12',
        },
      ],
    },
    QuotaExceededErrorBody,
  );
}
