import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { RequestListener, Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { CoreConfig, type Env, type GatewayConfig } from '@sluice/config';
import { closeOnSignals, shareConnections, useJsonBodies } from '@sluice/platform';
import { EnrichFastPath } from './enrich/enrich-fast-path';
import { GatewayModule } from './gateway.module';
import { gatewayOpenApiDocument } from './openapi/document';

/** Builds the gateway (not yet listening), so tests run exactly what production runs. */
export async function createGatewayApp(
  env: Env = process.env,
): Promise<{ app: INestApplication; config: GatewayConfig }> {
  const { module, gateway } = GatewayModule.fromEnv(env);
  const app = await NestFactory.create(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, app.get(CoreConfig).shutdownTimeoutMs);
  // Under saturation Node accepts one connection per event-loop turn: see shareConnections.
  shareConnections(app.getHttpServer() as Server, { activeMax: gateway.activeConnections });
  // POST /v1/imports reads its own body (multipart or text/csv); every other route takes JSON.
  useJsonBodies(app, gateway.bodyLimitBytes, { onlyJsonExcept: ['/v1/imports'] });
  // Cached real-time answers go out before Express and Nest (it passes on everything else).
  app
    .get(EnrichFastPath)
    .install(app.getHttpServer() as Server, app.getHttpAdapter().getInstance() as RequestListener);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  const document = gatewayOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document);
  return { app, config: gateway };
}
