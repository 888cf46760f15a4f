import 'reflect-metadata';
import { runApp } from '@sluice/platform';
import { createWorkerApp } from './app';

runApp('enrichment-worker', async () => {
  const { app, config } = await createWorkerApp();
  await app.listen(config.healthPort, '0.0.0.0');
});
