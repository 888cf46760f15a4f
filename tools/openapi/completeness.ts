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
 * route), without the errors any API-key route can answer, a `/v1` POST without its optional
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
      const parameters = (operation.parameters ?? []) as Json[];
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
