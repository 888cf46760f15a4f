import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import {
  CallbackConfig,
  CoreConfig,
  loadConfigs,
  ProvidersConfig,
  WebhookReceiverConfig,
  type Env,
} from '@sluice/config';
import { closeOnSignals, useJsonBodies } from '@sluice/platform';
import { WebhookReceiverModule } from './webhook-receiver.module';

/** Builds the webhook receiver (not yet listening), so tests run exactly what production runs. */
export async function createWebhookReceiverApp(
  env: Env = process.env,
): Promise<{ app: INestApplication; config: WebhookReceiverConfig }> {
  const [core, receiver, providers, callbacks] = loadConfigs(
    [CoreConfig, WebhookReceiverConfig, ProvidersConfig, CallbackConfig],
    env,
  );
  const app = await NestFactory.create(WebhookReceiverModule.forRoot(core, receiver, providers, callbacks), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, core.shutdownTimeoutMs);
  // Signatures are checked over the exact bytes received, so the raw body is kept.
  useJsonBodies(app, receiver.bodyLimitBytes, { rawBody: true });
  return { app, config: receiver };
}
