import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { CompaniesHouseModule } from './companies-house/companies-house.module';
import { HealthController } from './health.controller';
import { CompaniesStreamModule } from './companies-house-stream/companies-stream.module';
import { StreamHub } from './companies-house-stream/stream-hub';
import { SnovModule } from './snov/snov.module';
import { RocketReachModule } from './rocketreach/rocketreach.module';
import { ApolloModule } from './apollo/apollo.module';
import { SerperModule } from './serper/serper.module';
import { PhonesModule } from './phones/phones.module';
import { EmailVerifierModule } from './email-verifier/email-verifier.module';
import { SANDBOX_OPTIONS, SIMULATED_PROVIDERS, type SandboxOptions } from './sandbox-options';
import { SIMULATED_PROVIDER_LIST } from './simulated-providers';
import { ProviderCallPipeline } from './simulation/provider-call-pipeline';
import { SandboxState } from './state/sandbox-state';
import { TaskBoard } from './simulation/task-board';
import { World, generateWorld } from './world/generate-world';

/** What every provider simulation shares: the world, the state and the call pipeline. */
@Global()
@Module({})
class SandboxCoreModule {
  static forRoot(options: SandboxOptions): DynamicModule {
    return {
      module: SandboxCoreModule,
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: SIMULATED_PROVIDERS, useValue: SIMULATED_PROVIDER_LIST },
        { provide: World, useValue: generateWorld(options.seed, options.worldSize) },
        SandboxState,
        ProviderCallPipeline,
        TaskBoard,
        StreamHub,
      ],
      exports: [
        SANDBOX_OPTIONS,
        SIMULATED_PROVIDERS,
        World,
        SandboxState,
        ProviderCallPipeline,
        TaskBoard,
        StreamHub,
      ],
    };
  }
}

@Module({})
export class SandboxModule {
  static forRoot(options: SandboxOptions): DynamicModule {
    return {
      module: SandboxModule,
      // One module per simulated provider; add new providers' modules here.
      imports: [
        SandboxCoreModule.forRoot(options),
        CompaniesHouseModule,
        CompaniesStreamModule,
        SnovModule,
        RocketReachModule,
        ApolloModule,
        SerperModule,
        PhonesModule,
        EmailVerifierModule,
        AdminModule,
      ],
      controllers: [HealthController],
    };
  }
}
