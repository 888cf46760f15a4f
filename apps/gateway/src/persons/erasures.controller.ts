import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { limitParam, refuseUnknownParams, singleParams } from '../http-params';
import { decodeKeysetCursor } from '../keyset-cursor';
import { ApiAnswer, ApiError, ApiKeyErrors, ApiNoQuery, ApiUuidParam } from '../openapi/decorators';
import {
  ERASURE_RECORD_EXAMPLE,
  ERASURE_RECORD_NULLABLE,
  ERASURE_RUNNING_EXAMPLE,
} from '../openapi/examples';
import { ErasureRuns, type ErasureView } from './erasure-runs';

const RECORD_DESCRIPTION =
  '`status` is `running`, `completed` (with what was `erased`, as DELETE /v1/persons answers it) or `failed` (with the `error`). A running erasure whose gateway gave no sign of life for ERASURE_STALE_AFTER_MS reads as `failed`, interrupted: repeat the DELETE to finish it (repeating is safe). The person is named only by the kind and SHA-256 of the identifier their suppression is stored under.';

/** The erasures of a workspace (`DELETE /v1/persons`), to follow one that outlasted its request. */
@ApiTags('persons')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1/erasures')
export class ErasuresController {
  constructor(private readonly erasures: ErasureRuns) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({
    summary: 'List erasures, newest first',
    description: `${RECORD_DESCRIPTION} \`limit\` 1–100 (default 20). Pass \`next_cursor\` back as \`cursor\` for the next page; null on the last.`,
  })
  @ApiQuery({ name: 'limit', required: false, example: 20, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiAnswer(
    200,
    { data: [ERASURE_RUNNING_EXAMPLE, ERASURE_RECORD_EXAMPLE], next_cursor: null },
    {
      description: 'A page of erasures, newest first.',
      nullable: ERASURE_RECORD_NULLABLE,
      shape: { data: [ERASURE_RECORD_EXAMPLE], next_cursor: null },
    },
  )
  @ApiError(
    400,
    'An unknown or malformed limit or cursor.',
    'Unknown query parameter(s) status; allowed: limit, cursor.',
  )
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ data: ErasureView[]; next_cursor: string | null }> {
    refuseUnknownParams(query, ['limit', 'cursor']);
    const text = singleParams(query);
    const limit = limitParam(text('limit'), 20, 100);
    const cursor = text('cursor');
    return this.erasures.list(caller.workspaceId, limit, cursor ? decodeKeysetCursor(cursor) : undefined);
  }

  @Get(':id')
  @RequireScope('admin')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'An erasure: its status, what it erased, or why it failed',
    description: RECORD_DESCRIPTION,
  })
  @ApiUuidParam(
    'id',
    'The erasure id, as returned by DELETE /v1/persons (its `id`, or its Location).',
    '6f2d0c1e-8a4b-4c3d-9e7f-1a2b3c4d5e6f',
  )
  @ApiAnswer(200, ERASURE_RECORD_EXAMPLE, { description: 'The erasure.', nullable: ERASURE_RECORD_NULLABLE })
  @ApiError(400, 'The id is not a UUID, or a query parameter (the route takes none).', [
    'Erasure id must be a UUID, as returned by DELETE /v1/persons.',
    'Unknown query parameter(s) verbose; this route takes none.',
  ])
  @ApiError(
    404,
    'No such erasure in this workspace.',
    'No erasure 6f2d0c1e-8a4b-4c3d-9e7f-1a2b3c4d5e6f in this workspace.',
  )
  async get(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () =>
          new BadRequestException('Erasure id must be a UUID, as returned by DELETE /v1/persons.'),
      }),
    )
    id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<ErasureView> {
    return this.erasures.get(caller.workspaceId, id);
  }
}
