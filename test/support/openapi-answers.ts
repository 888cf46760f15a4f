import Ajv, { type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

const DOCUMENT_ID = 'openapi';

/**
 * The document's schemas as strict JSON Schema: an object with properties takes no other property
 * (so an answer field the document does not name fails, as well as a missing or mistyped one), and
 * OpenAPI 3.0's `nullable` is spelled out where Ajv would not apply it (beside `enum`, or around
 * the `allOf` that Nest writes for a nullable DTO property).
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(strict);
  }
  if (typeof node !== 'object' || node === null) {
    return node;
  }
  const schema: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    // Examples are values, not schemas; refs point into the document, added under its own id.
    if (key === 'example' || key === 'examples') {
      schema[key] = value;
    } else if (key === '$ref' && typeof value === 'string') {
      schema[key] = `${DOCUMENT_ID}${value}`;
    } else {
      schema[key] = strict(value);
    }
  }
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...(schema.enum as unknown[]), null];
  }
  if (
    schema.type === 'object' &&
    schema.properties !== undefined &&
    schema.additionalProperties === undefined
  ) {
    schema.additionalProperties = false;
  }
  if (schema.nullable === true && Array.isArray(schema.allOf)) {
    const { nullable: _nullable, type: _type, allOf, ...rest } = schema;
    return { ...rest, anyOf: [{ type: 'null' }, { allOf }] };
  }
  return schema;
}

/**
 * Checks real answers against the schema the gateway's own OpenAPI document gives them (and so
 * the typed client in libs/client): every error names the field at fault.
 */
export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: { paths: Json; components?: Json }) {
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: strict(document.components ?? {}) as Json });
  }

  /** The problems of `body` as the `status` answer of `method path` (a path as the document writes it). */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const key = `${method.toUpperCase()} ${path} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const operation = (this.document.paths[path] as Json | undefined)?.[method.toLowerCase()] as
        { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined;
      const schema = operation?.responses?.[String(status)]?.content?.['application/json']?.schema;
      const typed =
        typeof schema === 'object' &&
        schema !== null &&
        ['$ref', 'type', 'allOf', 'oneOf', 'anyOf'].some((keyword) => keyword in schema);
      if (!typed) {
        // An example alone admits any answer (and the client types it `unknown`).
        return [`${key}: the document gives this answer no typed JSON schema`];
      }
      validate = this.ajv.compile(strict(schema) as Json);
      this.validators.set(key, validate);
    }
    if (validate(body)) {
      return [];
    }
    return (validate.errors ?? []).map(
      (error) =>
        `${key}: ${error.instancePath || '(the answer)'} ${error.message ?? 'is not valid'}${
          error.keyword === 'additionalProperties'
            ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
            : ''
        }`,
    );
  }
}
