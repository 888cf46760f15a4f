import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CurrentCaller } from '../auth/request-context';
import { RequireScope } from '../auth/scopes';
import { AdminErrors, ApiAnswer, ApiError, ApiKeyErrors } from '../openapi/decorators';
import { AUDIT_ACTIONS } from './audit-actions';
import { type AuditEventView, AuditReader } from './audit-log.service';
import { parseAuditQuery } from './audit-query';

const AUDIT_PAGE_EXAMPLE = {
  data: [
    {
      id: '3d6f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
      at: '2026-12-02T10:00:02.123Z',
      workspace_id: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
      actor: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      action: 'job.read',
      target_type: 'job',
      target_id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
      details: { type: 'person.email', status: 'completed' },
      correlation_id: '0f1e2d3c-4b5a-4978-8685-a4b3c2d1e0f9',
    },
  ],
  next_cursor:
    'WyIyMDI2LTEyLTAyIDEwOjAwOjAyLjEyMzQ1NiswMCIsIjNkNmYwYTFiLTJjM2QtNGU1Zi04YTliLTBjMWQyZTNmNGE1YiJd',
};
const NULLABLE = ['workspace_id', 'target_type', 'target_id', 'correlation_id', 'next_cursor'];
const DESCRIPTION = `Newest first. Actions: ${AUDIT_ACTIONS.map((action) => `\`${action}\``).join(', ')}. \`person.erase\` names the person by the SHA-256 of the identifier, as in the suppression, never the identifier. \`actor\` is the API key id, or \`admin\`. Filters: \`action\` (one of those: another is a 400 listing them), \`from\` (inclusive) and \`to\` (exclusive) as ISO 8601; \`limit\` 1–200 (default 50). Pass \`next_cursor\` back as \`cursor\` for the next page; null on the last.`;
/** What an action filter naming no audited action is told (the list is the full one). */
const UNKNOWN_ACTION = `action 'job.reads' is not an audited action; actions: ${AUDIT_ACTIONS.join(', ')}.`;
const BAD_FILTER = 'An unknown or malformed filter, limit or cursor, or an action that is not audited.';

type Page = { data: AuditEventView[]; next_cursor: string | null };

/** The audit trail for ops: every workspace's events and the platform's. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/audit')
export class AdminAuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @ApiOperation({
    summary: 'The audit trail: who read or exported person data, admin actions',
    description: `${DESCRIPTION} \`workspace_id\` narrows to one workspace.`,
  })
  @ApiQuery({ name: 'workspace_id', required: false, example: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' })
  @ApiQuery({ name: 'action', required: false, enum: AUDIT_ACTIONS, example: 'job.read' })
  @ApiQuery({ name: 'from', required: false, example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-02T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiAnswer(200, AUDIT_PAGE_EXAMPLE, {
    nullable: NULLABLE,
    freeform: ['details'],
    description: 'A page of events.',
  })
  @ApiError(400, BAD_FILTER, ['workspace_id must be a UUID.', UNKNOWN_ACTION])
  async list(@Query() query: Record<string, unknown>): Promise<Page> {
    return this.reader.list(parseAuditQuery(query, { admin: true }));
  }
}

/** A workspace's own audit trail, for a key with the `admin` scope. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiKeyErrors()
@UseGuards(ApiKeyGuard)
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({
    summary: 'This workspace’s audit trail: who read or exported its person data, and its settings changes',
    description: DESCRIPTION,
  })
  @ApiQuery({ name: 'action', required: false, enum: AUDIT_ACTIONS, example: 'export.download' })
  @ApiQuery({ name: 'from', required: false, example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-02T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiAnswer(200, AUDIT_PAGE_EXAMPLE, {
    nullable: NULLABLE,
    freeform: ['details'],
    description: 'A page of this workspace’s events.',
  })
  @ApiError(400, BAD_FILTER, [
    'Unknown query parameter(s) workspace_id; allowed: action, from, to, limit, cursor.',
    UNKNOWN_ACTION,
  ])
  async list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<Page> {
    return this.reader.list({ ...parseAuditQuery(query, { admin: false }), workspaceId: caller.workspaceId });
  }
}
