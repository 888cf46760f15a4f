import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { GatewayModule } from '../gateway.module';

/** The gateway's OpenAPI document, as `/docs` serves it and `libs/client` is generated from it. */
export function gatewayOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sluice API')
      .setDescription(
        'Contact and company enrichment from paid providers. Authenticate with `Authorization: Bearer <workspace API key>`; admin routes take the admin token. Errors are JSON `{"statusCode", "error", "message"}` (ApiErrorBody) where `message` names the problem; some add a machine-readable `code` or what was refused (each route documents its error schema).',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addBearerAuth(undefined, 'admin')
      .build(),
  );
}

/**
 * Settings the document is built with: nothing in it depends on them, but the config loader wants
 * them, and fixed values keep the document identical on every machine.
 */
const DOCUMENT_ENV = {
  NODE_ENV: 'production',
  SLUICE_ADMIN_TOKEN: 'openapi-document-only-0123456789abcdef',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  REDIS_URL: 'redis://127.0.0.1:1',
};

/**
 * The document without Redis or PostgreSQL: Nest's preview mode builds the module graph (routes,
 * guards, DTOs) without instantiating any provider, so no connection is ever opened.
 */
export async function previewGatewayDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(GatewayModule.fromEnv(DOCUMENT_ENV).module, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return gatewayOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
