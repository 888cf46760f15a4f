import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Patch } from '@nestjs/common';
import type { CallCounts } from '../state/call-counter';
import { SandboxState, type ProviderRuntime } from '../state/sandbox-state';
import { providerView, type ProviderView } from './provider-view';
import { applySettingsPatch } from './settings-patch';

/** Settings and call counters of the simulated providers. */
@Controller('_sandbox/providers')
export class ProvidersAdminController {
  constructor(private readonly state: SandboxState) {}

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
