import { CorrelationId } from '../auth/request-context';
import { AuditLog } from '../audit/audit-log.service';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PROVIDER_NAMES } from '@sluice/queue';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { providerOf } from '../http-params';
import {
  AdminErrors,
  ApiAnswer,
  ApiDelete,
  ApiError,
  ApiJsonBody,
  ApiJsonBodyErrors,
  ApiNoQuery,
} from '../openapi/decorators';
import { ProviderSettingsService, type ProviderSettingsView } from './provider-settings.service';

const SETTINGS_EXAMPLE = {
  enabled: true,
  priority: 1,
  minimum_tier: null,
  // The first rule shows every field a rule may have: the schema of a list is read off its first item.
  rate_limits: [
    {
      name: 'free-email-hour',
      limit: 500,
      window_ms: 3600000,
      tier: 'free',
      operations: ['find_work_email'],
    },
    { name: 'minute', limit: 60, window_ms: 60000 },
  ],
  poll_interval_ms: 5000,
  credit_warning: 25,
  credit_critical: 5,
  costs: {
    find_work_email: { credits: 1, charged_on_miss: false },
    lookup_company: { credits: 1, charged_on_miss: false },
  },
};

const VIEW_EXAMPLE = {
  name: 'snov',
  settings: { ...SETTINGS_EXAMPLE, enabled: false, priority: 5 },
  from_database: ['enabled', 'priority'],
  defaults: SETTINGS_EXAMPLE,
  updated_at: '2026-12-01T09:00:00.000Z',
  updated_by: 'admin',
};

const VIEW_OPTIONS = {
  nullable: ['minimum_tier', 'updated_at', 'updated_by'],
  optional: ['tier', 'operations'],
  // Keyed by the provider's own capabilities, which differ from one provider to the next.
  maps: ['costs'],
};

/** The fields PUT takes: each may be left out, and null puts it back to the environment's value. */
const SETTINGS_FIELDS = [
  'enabled',
  'priority',
  'minimum_tier',
  'rate_limits',
  'poll_interval_ms',
  'credit_warning',
  'credit_critical',
  'costs',
];

const NO_PROVIDER = "No provider 'acme'; providers: companies-house, snov, …";

/** Who made a change: the X-Admin-User header when it is a short printable name, else `admin`. */
function actorOf(header: string | undefined): string {
  const name = header?.trim() ?? '';
  return /^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(name) ? name : 'admin';
}

/**
 * Provider settings operators change while the system runs (enabled, priority, minimum tier, rate
 * limits, poll interval, per-call costs; the credit monitor's thresholds): stored in PostgreSQL over the
 * environment's values, applied by every running worker within moments without a restart.
 */
@ApiTags('admin')
@ApiBearerAuth('admin')
@AdminErrors()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/providers')
export class ProviderSettingsController {
  constructor(
    private readonly settings: ProviderSettingsService,
    private readonly audit: AuditLog,
  ) {}

  @Get('settings')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'Every provider’s effective settings, and which of them come from the database',
    description:
      '`settings` is what the workers run with; `defaults` the environment’s values (PROVIDER_OVERRIDES over the built-in ones); `from_database` names the fields an operator overrode.',
  })
  @ApiAnswer(200, { providers: [VIEW_EXAMPLE] }, VIEW_OPTIONS)
  @ApiError(
    400,
    'A query parameter: the route takes none.',
    'Unknown query parameter(s) name; this route takes none.',
  )
  async list(): Promise<{ providers: ProviderSettingsView[] }> {
    return { providers: await this.settings.list() };
  }

  @Put(':name/settings')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Override some of a provider’s settings (live in every worker, no restart)',
    description:
      'A partial update: fields left out keep their value, a field set to null goes back to the environment’s value. Fields: `enabled` (boolean), `priority` (whole number, lower goes first), `minimum_tier` (free, pro, enterprise), `rate_limits` (list of `{name, limit, window_ms, tier?, operations?}`, replacing the provider’s limits: each rule counts in a window of its own, so names are unique; a rule with `tier` counts only calls for workspaces of that tier, one with `operations` only calls of those operations of the provider, e.g. RocketReach’s person-lookup API is `lookup_person`, `find_work_email` and `find_phone`), `poll_interval_ms` (workers apply these live), `credit_warning` and `credit_critical` (balances in credits at or below which the credit monitor alerts, applied at its next balance check), `costs` (per capability `{credits, charged_on_miss}`: what one call costs, for when a provider changes its prices; a capability left out keeps its price, one set to null goes back to the published price. Reservations, `max_credits`, cost ordering, pausing and what the ledger charges follow it). Unknown or invalid fields are refused (400) and nothing is written.',
  })
  @ApiParam({ name: 'name', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiHeader({
    name: 'X-Admin-User',
    required: false,
    description: 'Who makes the change, recorded as updated_by (default `admin`).',
    example: 'jane.ops',
  })
  @ApiJsonBody(
    {
      enabled: false,
      priority: 5,
      rate_limits: [
        {
          name: 'free-email-minute',
          limit: 30,
          window_ms: 60000,
          tier: 'free',
          operations: ['find_work_email'],
        },
        { name: 'minute', limit: 60, window_ms: 60000 },
      ],
      minimum_tier: 'pro',
      poll_interval_ms: 10000,
      credit_warning: 50,
      credit_critical: 10,
      costs: { find_work_email: { credits: 2, charged_on_miss: false } },
    },
    {
      optional: [...SETTINGS_FIELDS, 'tier', 'operations', 'charged_on_miss'],
      nullable: SETTINGS_FIELDS,
      maps: ['costs'],
      description:
        'Any of enabled, priority, minimum_tier, rate_limits, poll_interval_ms, credit_warning, credit_critical, costs; null resets one.',
    },
  )
  @ApiAnswer(200, VIEW_EXAMPLE, { ...VIEW_OPTIONS, description: 'The provider’s settings after the change.' })
  @ApiJsonBodyErrors()
  @ApiError(
    400,
    'Unknown or invalid fields (each named), or credit_critical above credit_warning; nothing was written.',
    [
      'unknown field(s) colour; allowed: enabled, priority, minimum_tier, rate_limits, poll_interval_ms, credit_warning, credit_critical, costs',
      'priority must be a whole number from -1000 to 1000, or null',
      "rate_limits[0].operations[0]: snov has no operation 'find_phone'; operations of snov: find_work_email, lookup_company, check_credits",
    ],
  )
  @ApiError(404, 'No such provider.', NO_PROVIDER)
  async update(
    @Param('name') name: string,
    @Body() body: Record<string, unknown>,
    @Headers('x-admin-user') actor: string | undefined,
    @CorrelationId() correlationId: string,
  ): Promise<ProviderSettingsView> {
    const view = await this.settings.update(providerOf(name), body, actorOf(actor));
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'provider.settings',
      targetType: 'provider',
      targetId: view.name,
      details: { changed: Object.keys(body), updated_by: actorOf(actor) },
      correlationId,
    });
    return view;
  }

  @Delete(':name/settings')
  @HttpCode(200)
  @ApiDelete()
  @ApiOperation({
    summary: 'Drop every override of a provider: it runs with the environment’s settings again',
  })
  @ApiParam({ name: 'name', enum: PROVIDER_NAMES, example: 'snov' })
  @ApiAnswer(
    200,
    { ...VIEW_EXAMPLE, settings: SETTINGS_EXAMPLE, from_database: [], updated_at: null, updated_by: null },
    { ...VIEW_OPTIONS, description: 'The provider’s settings after the reset.' },
  )
  @ApiError(400, 'A body with fields or a query parameter: the route takes neither.', [
    'Unknown field(s) reason; this route takes no body.',
    'Unknown query parameter(s) field; this route takes none.',
  ])
  @ApiError(404, 'No such provider.', NO_PROVIDER)
  async reset(
    @Param('name') name: string,
    @CorrelationId() correlationId: string,
  ): Promise<ProviderSettingsView> {
    const view = await this.settings.reset(providerOf(name));
    await this.audit.record({
      workspaceId: null,
      actor: 'admin',
      action: 'provider.settings.reset',
      targetType: 'provider',
      targetId: view.name,
      correlationId,
    });
    return view;
  }
}
