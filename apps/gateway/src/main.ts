import './v8-flags';
import 'reflect-metadata';
import { runApp } from '@sluice/platform';
import { createGatewayApp } from './app';

runApp({ name: 'gateway', portSetting: 'GATEWAY_PORT' }, async () => {
  const { app, config } = await createGatewayApp();
  await app.listen(config.port, config.host);
});
