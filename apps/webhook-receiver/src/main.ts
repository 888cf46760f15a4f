import 'reflect-metadata';
import { runApp } from '@sluice/platform';
import { createWebhookReceiverApp } from './app';

runApp('webhook-receiver', async () => {
  const { app, config } = await createWebhookReceiverApp();
  await app.listen(config.port, config.host);
});
