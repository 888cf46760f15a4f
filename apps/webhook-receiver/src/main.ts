import 'reflect-metadata';
import { runApp } from '@sluice/platform';
import { createWebhookReceiverApp } from './app';

runApp({ name: 'webhook-receiver', portSetting: 'WEBHOOK_RECEIVER_PORT' }, async () => {
  const { app, config } = await createWebhookReceiverApp();
  await app.listen(config.port, config.host);
});
