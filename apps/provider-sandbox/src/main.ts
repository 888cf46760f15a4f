import 'reflect-metadata';
import { ConfigError, SandboxConfig, loadConfig } from '@sluice/config';
import pino from 'pino';
import { createSandboxApp } from './sandbox';

async function main(): Promise<void> {
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
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`provider-sandbox cannot start. ${error.message}`);
  } else {
    console.error(
      'provider-sandbox failed to start:',
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
  }
  process.exit(1);
});
