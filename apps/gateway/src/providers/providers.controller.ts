import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Put, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiDelete, ApiError, ApiJsonBodyErrors, ApiKeyErrors, ApiNoQuery } from '../openapi/decorators';
import { CoreConfig, hasPlatformCredentials, PipelineConfig, ProvidersConfig } from '@sluice/config';
import { descriptorOf } from '@sluice/providers';
import {
  ACTIVE_PROVIDERS,
  circuitBreakerPrefix,
  CreditWallet,
  creditWalletPrefix,
  moveWorkspaceStepsToOwnAccounts,
  pauseOf,
  PROVIDER_NAMES,
  QUEUE_NAMES,
  RedisCircuitBreaker,
  stepQueuesOf,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { type Caller, CorrelationId, CurrentCaller } from '../auth/request-context';
import { AuditLog } from '../audit/audit-log.service';
import { RequireScope } from '../auth/scopes';
import { type ProviderBalance, readProviderBalances } from '../credits/provider-balances';
import { providerOf } from '../http-params';
import { ProviderSettingsService } from '../admin/provider-settings.service';
import { credentialFieldsOf, parseCredentialsBody } from './credentials-body';
import {
  CredentialsRemovedDto,
  CredentialsStoredDto,
  type ProviderDto,
  ProviderListDto,
} from './provider-view.dto';
import { WorkspaceCredentials } from './workspace-credentials.service';

const NO_PROVIDER = `No provider 'acme'; providers: ${PROVIDER_NAMES.join(', ')}.`;

const VIEW_EXAMPLE: ProviderDto = {
  name: 'apollo',
  capabilities: ['lookup_person', 'find_work_email', 'check_credits'],
  credential_fields: ['api_key'],
  configured: true,
  credentials: 'workspace',
  workspace_credentials: { fingerprint: '…9f3a', updated_at: '2026-12-02T10:00:00.000Z' },
  enabled: true,
  paused: false,
  pause: null,
  circuit: 'closed',
  available: true,
  credits: null,
};

/** The providers a workspace can use, and its own credentials for them. */
@ApiTags('providers')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiKeyErrors()
@Controller('v1/providers')
export class ProvidersController {
  private readonly logger = new Logger(ProvidersController.name);
  private wallet: CreditWallet | null = null;
  private circuits: RedisCircuitBreaker | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly credentials: WorkspaceCredentials,
    private readonly core: CoreConfig,
    private readonly providers: ProvidersConfig,
    private readonly pipeline: PipelineConfig,
    private readonly audit: AuditLog,
    private readonly settings: ProviderSettingsService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** BullMQ types its connection minimally; it is the ioredis client the queue was given. */
  private async redis(): Promise<Redis> {
    return (await this.queue.client) as unknown as Redis;
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiNoQuery()
  @ApiOperation({
    summary: 'Every provider: capabilities, whose credentials, enabled, paused, circuit state and credits',
    description:
      '`credentials` is `workspace` when this workspace stored its own (PUT /v1/providers/:name/credentials), `platform` when calls use the deployment’s, null when there are none. `enabled` says the provider is switched on and configured; a pause leaves it as it is: `paused` and `pause` say by whom (`operator` or `credits`), why and since when, and `available` whether waterfalls route this workspace’s new work to it now (a pause for the platform’s credits does not hold a workspace on its own credentials). No secret is ever shown.',
  })
  @ApiOkResponse({
    description: 'The providers.',
    type: ProviderListDto,
    example: {
      providers: [
        VIEW_EXAMPLE,
        {
          ...VIEW_EXAMPLE,
          name: 'snov',
          capabilities: ['find_work_email', 'find_domain'],
          credential_fields: ['client_id', 'client_secret'],
          credentials: 'platform',
          workspace_credentials: null,
          paused: true,
          pause: { since: '2026-12-02T11:00:00.000Z', reason: 'paused by an operator', by: 'operator' },
          available: false,
          credits: {
            balance: 1250,
            unlimited: false,
            balance_read_at: '2026-12-02T10:55:00.000Z',
            reserved: 0,
          },
        },
      ],
    },
  })
  @ApiError(
    400,
    'A query parameter: the route takes none.',
    'Unknown query parameter(s) enabled; this route takes none.',
  )
  async list(@CurrentCaller() caller: Caller): Promise<ProviderListDto> {
    const redis = await this.redis();
    this.wallet ??= new CreditWallet(redis, creditWalletPrefix(this.core.queuePrefix));
    this.circuits ??= new RedisCircuitBreaker(redis, circuitBreakerPrefix(this.core.queuePrefix), {
      failureRateThreshold: this.pipeline.circuitFailureRate,
      minimumCalls: this.pipeline.circuitMinimumCalls,
      windowMs: this.pipeline.circuitWindowMs,
      coolDownMs: this.pipeline.circuitCoolDownMs,
    });
    const circuits = this.circuits;
    const [own, balances, states, settings] = await Promise.all([
      this.credentials.list(caller.workspaceId),
      readProviderBalances(this.dataSource, this.wallet),
      Promise.all(
        ACTIVE_PROVIDERS.map(async (provider) => ({
          pause: await pauseOf(redis, this.core.queuePrefix, provider),
          circuit: await circuits.state(provider),
        })),
      ),
      // The environment's settings with the overrides operators stored (as the workers run them).
      this.settings.list(),
    ]);
    const providers = ACTIVE_PROVIDERS.map((provider, index): ProviderDto => {
      const { pause, circuit } = states[index];
      const mine = own.find((row) => row.provider === provider);
      const platform = hasPlatformCredentials(this.providers, provider);
      const source = mine ? 'workspace' : platform ? 'platform' : null;
      const switchedOn = settings.find((entry) => entry.name === provider)?.settings.enabled === true;
      // A pause (by an operator or for credits) is not a setting: it leaves `enabled` as it is.
      const enabled = switchedOn && source !== null;
      const balance = balances.get(provider) as ProviderBalance;
      return {
        name: provider,
        capabilities: Object.keys(descriptorOf(provider)?.capabilities ?? {}),
        credential_fields: credentialFieldsOf(provider),
        configured: source !== null,
        credentials: source,
        workspace_credentials: mine ? { fingerprint: mine.fingerprint, updated_at: mine.updated_at } : null,
        enabled,
        paused: pause !== null,
        pause: pause
          ? {
              since: new Date(pause.since).toISOString(),
              reason: pause.reason,
              by: pause.manual ? 'operator' : 'credits',
            }
          : null,
        circuit,
        // A pause for the platform's credits leaves a workspace's own account in use (its steps
        // have a queue of their own); an operator's pause stops every account.
        available:
          enabled && (pause === null || (source === 'workspace' && !pause.manual)) && circuit !== 'open',
        credits:
          source === 'platform'
            ? {
                balance: balance.balance,
                unlimited: balance.unlimited,
                balance_read_at: balance.readAt?.toISOString() ?? null,
                reserved: balance.wallet.reserved,
              }
            : null,
      };
    });
    return { providers };
  }

  @Put(':name/credentials')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Store this workspace’s own credentials for a provider (encrypted at rest)',
    description:
      'Calls for this workspace then use these credentials instead of the platform’s (within seconds), and what they spend is the workspace’s own, not the platform’s credits. Its steps already waiting for the platform’s account at that provider (held by a pause for the platform’s credits, say) move to its own account at once. The body has exactly the provider’s fields: `client_id` and `client_secret` for snov, `api_key` for every other provider. The answer never contains the secret.',
  })
  @ApiParam({ name: 'name', example: 'apollo', enum: [...ACTIVE_PROVIDERS] })
  @ApiBody({
    schema: { type: 'object', additionalProperties: { type: 'string' } },
    examples: {
      apollo: { value: { api_key: 'your-apollo-api-key' } },
      snov: { value: { client_id: 'your-snov-client-id', client_secret: 'your-snov-client-secret' } },
    },
  })
  @ApiOkResponse({
    description: 'Stored.',
    type: CredentialsStoredDto,
    example: {
      provider: 'apollo',
      configured: true,
      credentials: 'workspace',
      fingerprint: '…9f3a',
      created_at: '2026-12-02T10:00:00.000Z',
      updated_at: '2026-12-02T10:00:00.000Z',
    },
  })
  @ApiJsonBodyErrors()
  @ApiError(400, 'A field is missing, unknown or malformed (each named), or credentials are not enabled.', [
    'api_key is required',
  ])
  @ApiError(404, 'No such provider.', NO_PROVIDER)
  async put(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    // Validated by parseCredentialsBody: the allowed fields depend on the provider in the path.
    @Body() body: unknown,
    @CorrelationId() correlationId: string,
  ): Promise<CredentialsStoredDto> {
    const provider = providerOf(name);
    const values = parseCredentialsBody(provider, body);
    const stored = await this.credentials.put(caller.workspaceId, caller.apiKeyId, provider, values);
    // The fingerprint only: never the credential values.
    await this.audit.record({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action: 'credentials.put',
      targetType: 'provider',
      targetId: provider,
      details: { fingerprint: stored.fingerprint },
      correlationId,
    });
    // Its steps already waiting on the platform's account (held there by a pause for the platform's
    // credits, say) go where its new ones go: its own account pays for them now. The credentials are
    // stored whatever happens here: a move that fails (Redis away) leaves those steps where they
    // were, to run on the platform's account as before, and is not the caller's error.
    try {
      const moved = await moveWorkspaceStepsToOwnAccounts(
        stepQueuesOf(this.moduleRef, provider),
        caller.workspaceId,
        async (stepIds) =>
          new Set(
            (
              await this.dataSource.query<{ id: string }[]>(
                `SELECT id FROM enrichment_steps
                  WHERE id = ANY($1::uuid[]) AND workspace_id = $2 AND provider_task_id IS NOT NULL`,
                [stepIds, caller.workspaceId],
              )
            ).map((row) => row.id),
          ),
      );
      if (moved > 0) {
        this.logger.log({ msg: "moved the workspace's waiting steps to its own account", provider, moved });
      }
    } catch (error) {
      this.logger.warn({
        msg: "could not move the workspace's waiting steps to its own account; they stay on the platform's",
        provider,
        error: String(error),
      });
    }
    return { ...stored, configured: true, credentials: 'workspace' };
  }

  @Delete(':name/credentials')
  @HttpCode(200)
  @ApiDelete()
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Remove this workspace’s credentials for a provider: its calls use the platform’s again',
  })
  @ApiParam({ name: 'name', example: 'apollo', enum: [...ACTIVE_PROVIDERS] })
  @ApiOkResponse({
    description: 'Removed (or there were none: `removed` is false).',
    type: CredentialsRemovedDto,
    example: { provider: 'apollo', removed: true, configured: true, credentials: 'platform' },
  })
  @ApiError(400, 'A body with fields or a query parameter: the route takes neither.', [
    'Unknown field(s) reason; this route takes no body.',
    'Unknown query parameter(s) reason; this route takes none.',
  ])
  @ApiError(404, 'No such provider.', NO_PROVIDER)
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @CorrelationId() correlationId: string,
  ): Promise<CredentialsRemovedDto> {
    const provider = providerOf(name);
    const removed = await this.credentials.remove(caller.workspaceId, caller.apiKeyId, provider);
    if (removed) {
      await this.audit.record({
        workspaceId: caller.workspaceId,
        actor: caller.apiKeyId,
        action: 'credentials.delete',
        targetType: 'provider',
        targetId: provider,
        correlationId,
      });
    }
    const platform = hasPlatformCredentials(this.providers, provider);
    return { provider, removed, configured: platform, credentials: platform ? 'platform' : null };
  }
}
