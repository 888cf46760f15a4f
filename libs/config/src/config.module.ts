import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * Makes already-loaded config objects injectable by their class (`constructor(config: CoreConfig)`).
 * Loading happens before Nest starts, so a bad setting stops the app before anything connects.
 */
@Global()
@Module({})
export class SluiceConfigModule {
  static forRoot(configs: object[]): DynamicModule {
    const providers = configs.map((config) => ({ provide: config.constructor, useValue: config }));
    return { module: SluiceConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
