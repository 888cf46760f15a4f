import 'reflect-metadata';
import { runApp } from '@sluice/platform';
import { createWorkerApp } from './app';

runApp({ name: 'enrichment-worker', portSetting: 'WORKER_HEALTH_PORT' }, async () => {
  const { app, config } = await createWorkerApp();
  await app.listen(config.healthPort, config.healthHost);
});
