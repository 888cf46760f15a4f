import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { CoreConfig, loadConfigs, WebhookReceiverConfig } from '@sluice/config';
import { runApp, useJsonBodies } from '@sluice/platform';
import { WebhookReceiverModule } from './webhook-receiver.module';

runApp('webhook-receiver', async () => {
  const [core, receiver] = loadConfigs([CoreConfig, WebhookReceiverConfig]);
  const app = await NestFactory.create(WebhookReceiverModule.forRoot(core, receiver), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Signatures are checked over the exact bytes received, so keep the raw body.
  useJsonBodies(app, 256 * 1024, { rawBody: true });
  await app.listen(receiver.port, receiver.host);
});
