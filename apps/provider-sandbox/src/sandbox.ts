import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { useJsonBodies } from './http/json-bodies';
import { logRequests } from './http/request-logging';
import { SandboxExceptionFilter } from './http/sandbox-exception-filter';
import { markAsSandbox } from './http/sandbox-marker';
import { SandboxModule } from './sandbox.module';
import type { SandboxOptions } from './sandbox-options';

/**
 * Builds the provider sandbox, not yet listening: `main.ts` listens on the configured port, tests on
 * port 0. Each app has its own world and state, so suites never share simulated providers.
 */
export async function createSandboxApp(options: {
  seed: number;
  worldSize: number;
  logRequests?: boolean;
}): Promise<INestApplication> {
  if (!Number.isInteger(options.seed) || options.seed < 0) {
    throw new Error(`seed must be a whole number of at least 0 (got ${options.seed})`);
  }
  const sandboxOptions: SandboxOptions = { ...options };
  const app = await NestFactory.create<NestExpressApplication>(SandboxModule.forRoot(sandboxOptions), {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  app.disable('x-powered-by');
  // Answers are compared byte for byte; no conditional 304s from Express's automatic ETags.
  app.set('etag', false);
  app.use(markAsSandbox);
  if (options.logRequests) {
    app.use(logRequests(pino({ name: 'provider-sandbox' })));
  }
  useJsonBodies(app);
  app.useGlobalFilters(new SandboxExceptionFilter());
  return app;
}
