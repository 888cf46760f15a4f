import type { DynamicModule, ForwardReference, INestApplication, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
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

/**
 * Every controller of the gateway's module graph (its own and its imports'), so that checks of the
 * document can read what the routes' code refuses (their pipes and guards), which it does not show.
 */
export function gatewayControllers(): Type<unknown>[] {
  const controllers = new Set<Type<unknown>>();
  const seen = new Set<unknown>();
  const visit = (
    entry: Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined,
  ): void => {
    if (!entry || entry instanceof Promise || seen.has(entry)) {
      return;
    }
    seen.add(entry);
    if ('forwardRef' in entry) {
      visit((entry.forwardRef as () => Type<unknown>)());
      return;
    }
    const type = 'module' in entry ? entry.module : entry;
    const dynamic = 'module' in entry ? entry : undefined;
    for (const controller of [
      ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []) as Type<unknown>[]),
      ...(dynamic?.controllers ?? []),
    ]) {
      controllers.add(controller);
    }
    for (const imported of [
      ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []) as Type<unknown>[]),
      ...(dynamic?.imports ?? []),
    ]) {
      visit(imported);
    }
  };
  visit(GatewayModule.fromEnv(DOCUMENT_ENV).module);
  return [...controllers];
}
