import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
} from '@nestjs/common';
import { TaskBoard, type WebhookDelivery } from '../simulation/task-board';
import type { CallCounts } from '../state/call-counter';
import { SandboxState, type ProviderRuntime } from '../state/sandbox-state';
import { providerView, type ProviderView } from './provider-view';
import { applySettingsPatch } from './settings-patch';

/** Settings and call counters of the simulated providers. */
@Controller('_sandbox/providers')
export class ProvidersAdminController {
  constructor(
    private readonly state: SandboxState,
    private readonly tasks: TaskBoard,
  ) {}

  @Get()
  list(): ProviderView[] {
    return this.state.all().map(providerView);
  }

  @Get(':name')
  show(@Param('name') name: string): ProviderView {
    return providerView(this.runtimeNamed(name));
  }

  @Patch(':name')
  update(@Param('name') name: string, @Body() body: unknown): ProviderView {
    const runtime = this.runtimeNamed(name);
    const result = applySettingsPatch(runtime.provider, runtime.settings, body);
    if ('problems' in result) {
      throw new BadRequestException({ message: result.problems.join('; ') });
    }
    runtime.update(result.settings);
    return providerView(runtime);
  }

  /** Expires every token issued so far (OAuth providers): the next call with one gets the provider's 401. */
  @Post(':name/revoke-tokens')
  @HttpCode(200)
  revokeTokens(@Param('name') name: string): { revoked_before: string } {
    const runtime = this.runtimeNamed(name);
    runtime.credentialsRevokedAt = Date.now();
    return { revoked_before: new Date(runtime.credentialsRevokedAt).toISOString() };
  }

  /**
   * The account-level webhook (URL and signing secret) of providers that configure it in their UI,
   * like RocketReach: `{"url": "...", "secret": "..."}`, or `null` to remove it.
   */
  @Put(':name/webhook')
  setWebhook(
    @Param('name') name: string,
    @Body() body: unknown,
  ): { url: string; secret: string | null } | null {
    const runtime = this.runtimeNamed(name);
    if (body === null || (typeof body === 'object' && body !== null && Object.keys(body).length === 0)) {
      runtime.webhook = null;
      return null;
    }
    const { url, secret } = (body ?? {}) as { url?: unknown; secret?: unknown };
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
      throw new BadRequestException({ message: 'url must be an http(s) URL' });
    }
    if (secret !== undefined && secret !== null && typeof secret !== 'string') {
      throw new BadRequestException({ message: 'secret must be a string or null' });
    }
    runtime.webhook = { url, secret: typeof secret === 'string' && secret !== '' ? secret : null };
    return runtime.webhook;
  }

  /** Every webhook delivery attempt of the provider's asynchronous tasks. */
  @Get(':name/webhooks')
  webhooks(@Param('name') name: string): WebhookDelivery[] {
    return this.tasks.deliveriesOf(this.runtimeNamed(name).provider.name);
  }

  @Get(':name/calls')
  calls(@Param('name') name: string): CallCounts {
    return this.runtimeNamed(name).calls.snapshot();
  }

  private runtimeNamed(name: string): ProviderRuntime {
    const runtime = this.state.find(name);
    if (!runtime) {
      throw new NotFoundException({
        message: `unknown provider '${name}'; known: ${this.state.providerNames().join(', ')}`,
      });
    }
    return runtime;
  }
}
