import 'reflect-metadata';
import { SandboxConfig, loadConfig } from '@sluice/config';
import { runApp } from '@sluice/platform';
import pino from 'pino';
import { createSandboxApp } from './sandbox';

runApp({ name: 'provider-sandbox', portSetting: 'SANDBOX_PORT' }, async () => {
  const config = loadConfig(SandboxConfig);
  const app = await createSandboxApp({
    seed: config.seed,
    worldSize: config.worldSize,
    logRequests: config.logRequests,
  });
  // SIGTERM / SIGINT close the server cleanly (in-flight answers finish first).
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  pino({ name: 'provider-sandbox' }).info(
    { seed: config.seed, worldSize: config.worldSize },
    `provider sandbox listening on http://${config.host}:${config.port} (admin: /_sandbox/providers)`,
  );
});
