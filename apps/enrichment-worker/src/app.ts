import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import {
  CallbackConfig,
  CoreConfig,
  CredentialsConfig,
  loadConfigs,
  platformCredentialGaps,
  PipelineConfig,
  ProvidersConfig,
  WorkerConfig,
  type Env,
} from '@sluice/config';
import { closeOnSignals } from '@sluice/platform';
import { WorkerModule } from './worker.module';

/** Builds the worker (its HTTP side serves only /health and /metrics). */
export async function createWorkerApp(
  env: Env = process.env,
): Promise<{ app: INestApplication; config: WorkerConfig }> {
  const [core, worker, providers, pipeline, callbacks, credentials] = loadConfigs(
    [CoreConfig, WorkerConfig, ProvidersConfig, PipelineConfig, CallbackConfig, CredentialsConfig],
    env,
  );
  const app = await NestFactory.create(
    WorkerModule.forRoot(core, worker, providers, pipeline, callbacks, credentials),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  for (const { provider, problem } of platformCredentialGaps(providers)) {
    app.get(Logger).warn({
      msg: `no platform credentials for ${provider}: only workspaces' own credentials call it`,
      provider,
      problem,
    });
  }
  closeOnSignals(app, core.shutdownTimeoutMs);
  return { app, config: worker };
}
