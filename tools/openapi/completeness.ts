import { ParseUUIDPipe, RequestMethod, type Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

function resolve(document: OpenAPIObject, schema: unknown): Json | undefined {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return document.components?.schemas?.[name] as Json | undefined;
  }
  return schema as Json | undefined;
}

/** An example for a media type: its own, its schema's, or one on every property of its schema. */
function hasExample(document: OpenAPIObject, media: Json): boolean {
  if (media.example !== undefined || (media.examples && Object.keys(media.examples).length > 0)) {
    return true;
  }
  const schema = resolve(document, media.schema);
  if (!schema) {
    return false;
  }
  if (schema.example !== undefined) {
    return true;
  }
  const properties = Object.values((schema.properties ?? {}) as Record<string, Json>);
  return (
    properties.length > 0 &&
    properties.every((property) => {
      const resolved = resolve(document, property);
      return resolved?.example !== undefined || resolved?.default !== undefined;
    })
  );
}

function contentHasExample(document: OpenAPIObject, content: unknown): boolean {
  const media = Object.values((content ?? {}) as Record<string, Json>);
  return media.length > 0 && media.every((entry) => hasExample(document, entry));
}

/**
 * Why a media type's schema leaves the generated client without a type, or null when it has one:
 * no schema at all (`unknown`), a schema with neither a type nor a composition (an example only,
 * or `{}`), or an object with no properties and no additional properties (`Record<string, never>`).
 */
function untypedSchema(document: OpenAPIObject, media: Json): string | null {
  if (media.schema === undefined) {
    return 'has no schema';
  }
  const schema = resolve(document, media.schema);
  if (!schema) {
    return `names a schema the document lacks (${String((media.schema as Json).$ref)})`;
  }
  const composed = Boolean(schema.oneOf ?? schema.anyOf ?? schema.allOf);
  if (schema.type === undefined && !composed) {
    return 'has a schema without a type (an example alone types as unknown)';
  }
  const properties = schema.properties as Json | undefined;
  if (
    schema.type === 'object' &&
    !composed &&
    (properties === undefined || Object.keys(properties).length === 0) &&
    schema.additionalProperties === undefined
  ) {
    return 'is an empty object';
  }
  return null;
}

/** One gap per media type of `content` whose schema gives the client no type. */
function untypedContent(document: OpenAPIObject, content: unknown, what: string): string[] {
  return Object.entries((content ?? {}) as Record<string, Json>).flatMap(([type, media]) => {
    const why = untypedSchema(document, media);
    return why === null ? [] : [`${what} (${type}) ${why}: type it with a DTO class or a schema`];
  });
}

/** The schema every error answer is (or extends): what ApiExceptionFilter and the body parser send. */
const ERROR_SCHEMA = 'ApiErrorBody';

/**
 * Error answers that are not an ApiErrorBody by design, with why: the health check's 503 is
 * Terminus's report of each dependency (typed on its own), not an error of the API.
 */
const OTHER_ERROR_SHAPES: Record<string, string> = {
  'GET /health 503': "Terminus's health report",
};

/**
 * Why an error answer leaves the client without the error's type, or null: every 4xx or 5xx is
 * JSON (whatever the route's success answers are) and its schema is ApiErrorBody, or a schema
 * extending it (every property of ApiErrorBody, the same, and as required) for the routes whose
 * errors carry more (the records refused, the import that failed).
 */
function untypedError(document: OpenAPIObject, response: Json): string | null {
  const content = (response.content ?? {}) as Record<string, Json>;
  const types = Object.keys(content);
  if (types.length === 0) {
    return 'has no body documented';
  }
  const other = types.filter((type) => type !== 'application/json');
  if (other.length > 0) {
    return `is documented as ${other.join(', ')}, but errors are answered as application/json`;
  }
  const base = document.components?.schemas?.[ERROR_SCHEMA] as Json | undefined;
  const schema = resolve(document, content['application/json'].schema);
  if (!base || !schema) {
    return `has no ${ERROR_SCHEMA} schema`;
  }
  if (schema === base) {
    return null;
  }
  const baseProperties = (base.properties ?? {}) as Json;
  const properties = (schema.properties ?? {}) as Json;
  const required = (schema.required ?? []) as string[];
  const extendsBase =
    Object.entries(baseProperties).every(
      ([key, property]) => JSON.stringify(properties[key]) === JSON.stringify(property),
    ) && ((base.required ?? []) as string[]).every((key) => required.includes(key));
  return extendsBase ? null : `is not an ${ERROR_SCHEMA} (nor extends it)`;
}

/** What every route behind a workspace API key can answer (ApiKeyErrors). */
const API_KEY_ERRORS = ['401', '403', '429', '503'];

/** What every route behind the admin token can answer (AdminErrors). */
const ADMIN_ERRORS = ['401', '503'];

/**
 * Why an operation can answer 400 whatever its own checks are, or null: a path parameter declared
 * `format: uuid` (ParseUUIDPipe refuses anything else), a query parameter (every one the gateway
 * reads is checked, and a malformed one is named in a 400), or a body (malformed JSON is refused by
 * the body parser before the route runs).
 */
function refusableInput(parameters: Json[], body: Json | undefined): string | null {
  const uuid = parameters.find(
    (parameter) => parameter.in === 'path' && (parameter.schema as Json | undefined)?.format === 'uuid',
  );
  if (uuid) {
    return `its path parameter ${String(uuid.name)} is a UUID`;
  }
  const query = parameters.find((parameter) => parameter.in === 'query');
  if (query) {
    return `it takes query parameters (${String(query.name)})`;
  }
  return body ? 'it takes a body' : null;
}

/**
 * Where a schema is an object with neither properties nor additional properties: the generated
 * client types it `Record<string, never>`, which takes no value at all (a DTO field typed
 * `number | null` without `type`, or a free-form object without `additionalProperties`).
 */
function emptyObjects(node: unknown, where: string, found: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => emptyObjects(item, `${where}[${index}]`, found));
    return;
  }
  if (typeof node !== 'object' || node === null) {
    return;
  }
  const schema = node as Json;
  if (
    schema.type === 'object' &&
    schema.properties === undefined &&
    schema.additionalProperties === undefined &&
    // Nest writes a nullable DTO property as `{ type: 'object', nullable, allOf: [{ $ref }] }`.
    !schema.allOf &&
    !schema.oneOf &&
    !schema.anyOf
  ) {
    found.push(where);
  }
  for (const [key, value] of Object.entries(schema)) {
    // Examples are values, not schemas.
    if (key !== 'example' && key !== 'examples') {
      emptyObjects(value, `${where}.${key}`, found);
    }
  }
}

/**
 * What the document leaves out, one line per gap: an operation without a summary, without an
 * example of its 2xx answer (204 has none to give), without a documented error answer (any `/v1`
 * route), without the errors any API-key or admin route can answer, without the 400 that input it
 * takes can be refused with (see {@link refusableInput}), a `/v1` POST without its optional
 * `Idempotency-Key` header, taking a body without an example of it, whose 2xx answer or body
 * has no typed schema (see {@link untypedSchema}), or whose error answer is not an ApiErrorBody
 * (see {@link untypedError}).
 */
export function incompleteOperations(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Json | undefined>)[method];
      if (!operation) {
        continue;
      }
      const name = `${method.toUpperCase()} ${path}`;
      if (typeof operation.summary !== 'string' || operation.summary.trim() === '') {
        gaps.push(`${name}: no summary (@ApiOperation({ summary }))`);
      }
      const responses = (operation.responses ?? {}) as Record<string, Json>;
      const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) {
        gaps.push(`${name}: no 2xx answer documented`);
      }
      for (const [status, response] of success) {
        if (status !== '204' && !contentHasExample(document, response.content)) {
          gaps.push(`${name}: no example of its ${status} answer`);
        }
        if (status !== '204') {
          gaps.push(...untypedContent(document, response.content, `${name}: its ${status} answer`));
        }
      }
      for (const [status, response] of Object.entries(responses)) {
        if (/^[45]\d\d$/.test(status) && !(`${name} ${status}` in OTHER_ERROR_SHAPES)) {
          const why = untypedError(document, response);
          if (why !== null) {
            gaps.push(`${name}: its ${status} answer ${why}: document it with @ApiError()`);
          }
        }
      }
      // Every route of the API can refuse (credentials at least); /metrics cannot.
      if (path.startsWith('/v1/') && !Object.keys(responses).some((status) => /^[45]\d\d$/.test(status))) {
        gaps.push(`${name}: no error answer documented`);
      }
      const security = (operation.security ?? []) as Record<string, unknown>[];
      if (security.some((scheme) => 'bearer' in scheme)) {
        const missing = API_KEY_ERRORS.filter((status) => !(status in responses));
        if (missing.length > 0) {
          gaps.push(`${name}: API-key errors ${missing.join(', ')} not documented (@ApiKeyErrors())`);
        }
      }
      if (security.some((scheme) => 'admin' in scheme)) {
        const missing = ADMIN_ERRORS.filter((status) => !(status in responses));
        if (missing.length > 0) {
          gaps.push(`${name}: admin errors ${missing.join(', ')} not documented (@AdminErrors())`);
        }
      }
      const parameters = (operation.parameters ?? []) as Json[];
      const refusable = refusableInput(parameters, operation.requestBody as Json | undefined);
      if (refusable !== null && !('400' in responses)) {
        gaps.push(`${name}: no 400 documented, though ${refusable} (@ApiError(400, …))`);
      }
      if (
        method === 'post' &&
        path.startsWith('/v1/') &&
        !parameters.some(
          (parameter) =>
            parameter.in === 'header' && String(parameter.name).toLowerCase() === 'idempotency-key',
        )
      ) {
        gaps.push(`${name}: no Idempotency-Key header documented (@ApiPost())`);
      }
      const body = operation.requestBody as Json | undefined;
      if (body && !contentHasExample(document, body.content)) {
        gaps.push(`${name}: no example of its request body`);
      }
      if (body) {
        gaps.push(...untypedContent(document, body.content, `${name}: its request body`));
      }
      // The JSON parser refuses a body before the route runs: too large, or in a charset it does not read.
      const parsed = ['413', '415'].filter((status) => !(status in responses));
      if ('application/json' in ((body?.content ?? {}) as Json) && parsed.length > 0) {
        gaps.push(`${name}: a JSON body, but no ${parsed.join(', ')} documented (@ApiJsonBodyErrors())`);
      }
    }
  }
  const empty: string[] = [];
  emptyObjects(document.paths, 'paths', empty);
  emptyObjects(document.components?.schemas ?? {}, 'components.schemas', empty);
  for (const where of empty) {
    gaps.push(`${where}: an object with no properties types as Record<string, never> (give its type)`);
  }
  return gaps;
}

/** `/v1/batches/{id}` from the controller's `v1/batches` and the handler's `:id`. */
function documentPath(...parts: unknown[]): string {
  const segments = parts
    .flatMap((part) => String(Array.isArray(part) ? part[0] : (part ?? '')).split('/'))
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment));
  return `/${segments.join('/')}`;
}

/**
 * Where @ApiExcludeController() and @ApiExcludeEndpoint() keep their mark (@nestjs/swagger's
 * DECORATORS, which its package does not export).
 */
const EXCLUDED_CONTROLLER = 'swagger/apiExcludeController';
const EXCLUDED_ENDPOINT = 'swagger/apiExcludeEndpoint';

/** Reflect's metadata, typed for what it is: unknown until looked at. */
function metadata(key: string, target: object, property?: string): unknown {
  return property === undefined
    ? (Reflect.getMetadata(key, target) as unknown)
    : (Reflect.getMetadata(key, target, property) as unknown);
}

/** Guards and pipes are listed as classes or as instances. */
function isOf(entry: unknown, type: Type<unknown>): boolean {
  return entry === type || entry instanceof type;
}

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/**
 * What the routes' code refuses that the document does not say, one line per gap, read off each
 * controller's route metadata (which the document itself does not show): a path parameter parsed
 * by ParseUUIDPipe not declared `format: uuid` (@ApiUuidParam()), an argument parsed by any pipe
 * whose operation documents no 400 (the pipe refuses it before the route runs), and a route behind
 * one of `guards` (a security scheme's name and the guard that checks it) whose operation does not
 * declare that scheme, so that the errors of the scheme are held to being documented too.
 * Controllers and routes left out of the document (@ApiExcludeController()) are left out here.
 */
export function undocumentedRouteChecks(
  document: OpenAPIObject,
  controllers: readonly Type<unknown>[],
  guards: Record<string, Type<unknown>>,
): string[] {
  const gaps: string[] = [];
  for (const controller of controllers) {
    if ((metadata(EXCLUDED_CONTROLLER, controller) as unknown[] | undefined)?.[0] === true) {
      continue;
    }
    const prototype = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const handler: unknown = key === 'constructor' ? undefined : prototype[key];
      if (typeof handler !== 'function') {
        continue;
      }
      const verb = metadata(METHOD_METADATA, handler);
      if (typeof verb !== 'number') {
        continue;
      }
      if ((metadata(EXCLUDED_ENDPOINT, handler) as { disable?: boolean } | undefined)?.disable) {
        continue;
      }
      const path = documentPath(metadata(PATH_METADATA, controller), metadata(PATH_METADATA, handler));
      const method = RequestMethod[verb].toLowerCase();
      const name = `${method.toUpperCase()} ${path}`;
      const operation = (document.paths[path] as Record<string, Json | undefined> | undefined)?.[method];
      if (!operation) {
        gaps.push(`${name} (${controller.name}.${key}): not in the document`);
        continue;
      }
      const responses = (operation.responses ?? {}) as Record<string, Json>;
      const parameters = (operation.parameters ?? []) as Json[];
      const args = (metadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<string, RouteArgument>;
      const parsed = Object.entries(args)
        .filter(([, arg]) => (arg.pipes ?? []).length > 0)
        .sort(([, a], [, b]) => a.index - b.index);
      const named = (arg: RouteArgument): string =>
        typeof arg.data === 'string' ? arg.data : `argument ${arg.index}`;
      if (parsed.length > 0 && !('400' in responses)) {
        gaps.push(
          `${name}: ${parsed.map(([, arg]) => named(arg)).join(', ')} parsed by a pipe, but no 400 documented (@ApiError(400, …))`,
        );
      }
      for (const [slot, arg] of parsed) {
        const inPath = slot.split(':')[0] === String(RouteParamtypes.PARAM);
        if (inPath && (arg.pipes ?? []).some((pipe) => isOf(pipe, ParseUUIDPipe))) {
          const declared = parameters.find(
            (parameter) => parameter.in === 'path' && parameter.name === arg.data,
          );
          if ((declared?.schema as Json | undefined)?.format !== 'uuid') {
            gaps.push(
              `${name}: path parameter ${named(arg)} is parsed by ParseUUIDPipe, but not declared format: uuid (@ApiUuidParam())`,
            );
          }
        }
      }
      const guarding = [
        ...((metadata(GUARDS_METADATA, controller) ?? []) as unknown[]),
        ...((metadata(GUARDS_METADATA, handler) ?? []) as unknown[]),
      ];
      const security = (operation.security ?? []) as Record<string, unknown>[];
      for (const [scheme, guard] of Object.entries(guards)) {
        if (guarding.some((entry) => isOf(entry, guard)) && !security.some((entry) => scheme in entry)) {
          gaps.push(`${name}: behind ${guard.name}, but does not declare the security scheme ${scheme}`);
        }
      }
    }
  }
  return gaps;
}
