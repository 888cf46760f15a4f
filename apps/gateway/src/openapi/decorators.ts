import { applyDecorators, type Type, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { NoBodyGuard, NoQueryGuard } from '../http-params';

/**
 * Every error answer of the API, as ApiExceptionFilter, the JSON body parser and the guards send
 * it: the problem is named in `message`. A route whose errors carry more (the records refused, the
 * import that failed, the quotas used up) documents a class extending this one.
 */
export class ApiErrorBody {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status of the answer.' })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'The reason phrase of the status.' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'type must be one of: company.profile, company.officers',
    description: 'What was wrong; validation errors list every problem.',
  })
  message!: string | string[];

  @ApiPropertyOptional({
    example: 'rate_limited',
    description:
      'A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).',
  })
  code?: string;
}

/** One entry of a list the whole of which was refused: its index in the list and its problems. */
export class RefusedEntryDto {
  @ApiProperty({ type: 'integer', example: 1 })
  index!: number;

  @ApiProperty({ type: [String], example: ['type must be one of: company.profile, company.officers, …'] })
  errors!: string[];
}

/** A list of jobs or records of which not one was accepted: each is listed with its problems. */
export class ListRefusedErrorBody extends ApiErrorBody {
  @ApiPropertyOptional({
    type: () => [RefusedEntryDto],
    description: 'Every entry refused, by index, when the list itself was readable.',
  })
  rejected?: RefusedEntryDto[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export interface ExampleSchemaOptions {
  /** Property names (at any depth) whose value may also be null. */
  nullable?: readonly string[];
  /** Property names (at any depth) holding a free-form object: its example keys are not a contract. */
  freeform?: readonly string[];
  /** Property names (at any depth) that may be absent. */
  optional?: readonly string[];
  /**
   * Property names (at any depth) holding a map: its keys are names that vary (a provider's
   * capabilities), not a contract, and every value has the shape of the example's first one.
   */
  maps?: readonly string[];
  /**
   * Property names (at any depth) holding a whole number only, whatever the example shows. Any
   * other number is typed `number`: an example of 1 credit cannot tell a count from a figure that
   * is 2.5 in another answer, and a client told `integer` may refuse or round the real one.
   */
  integer?: readonly string[];
}

/**
 * A JSON schema read off an example answer, so that the generated client types the answers of
 * routes that return plain objects (writing a DTO class per answer would only restate the example).
 * Every key of the example is required unless listed as optional.
 */
export function schemaOfExample(example: unknown, options: ExampleSchemaOptions = {}): SchemaObject {
  const of = (value: unknown, name: string | null): SchemaObject => {
    const nullable = name !== null && (options.nullable ?? []).includes(name) ? { nullable: true } : {};
    if (name !== null && (options.freeform ?? []).includes(name)) {
      return { type: 'object', additionalProperties: true, ...nullable };
    }
    if (name !== null && (options.maps ?? []).includes(name) && typeof value === 'object' && value !== null) {
      const first: unknown = Object.values(value as Record<string, unknown>)[0];
      return {
        type: 'object',
        additionalProperties: first === undefined ? true : of(first, null),
        ...nullable,
      };
    }
    if (value === null) {
      // Every null our answers hold stands for a string not known yet (a time, a reason, an
      // error); an example shows a value where a null stands for something else.
      return { type: 'string', nullable: true };
    }
    if (Array.isArray(value)) {
      return { type: 'array', items: value.length > 0 ? of(value[0], null) : {}, ...nullable };
    }
    switch (typeof value) {
      case 'string':
        return { type: 'string', ...nullable };
      case 'number':
        return {
          type: name !== null && (options.integer ?? []).includes(name) ? 'integer' : 'number',
          ...nullable,
        };
      case 'boolean':
        return { type: 'boolean', ...nullable };
      case 'object': {
        const entries = Object.entries(value as Record<string, unknown>);
        const required = entries.map(([key]) => key).filter((key) => !(options.optional ?? []).includes(key));
        return {
          type: 'object',
          properties: Object.fromEntries(entries.map(([key, inner]) => [key, of(inner, key)])),
          ...(required.length > 0 ? { required } : {}),
          ...nullable,
        };
      }
      default:
        return {};
    }
  };
  return { ...of(example, null), example };
}

/** A successful JSON answer with its example (and a schema read off it). */
export function ApiAnswer(
  status: number,
  example: unknown,
  options: ExampleSchemaOptions & {
    description?: string;
    /** Headers of the answer, each with what it holds (a string). */
    headers?: Record<string, string>;
    /**
     * The answer the schema is read off, when the example shown leaves a value null that is
     * otherwise an object (a record still running has nothing `erased` yet).
     */
    shape?: unknown;
  } = {},
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description: options.description ?? '',
    schema: { ...schemaOfExample(options.shape ?? example, options), example },
    ...(options.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(options.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
  });
}

/** A JSON request body that is not a DTO class, with its example. */
export function ApiJsonBody(
  example: unknown,
  options: ExampleSchemaOptions & { description?: string; required?: boolean } = {},
): MethodDecorator {
  return ApiBody({
    required: options.required ?? true,
    description: options.description ?? '',
    schema: schemaOfExample(example, options),
  });
}

/**
 * An error answer, with an example body naming the problem. Its body is always JSON, whatever the
 * route's success answer is (a stream, a file): the content is written out so that `@ApiProduces`
 * does not apply to it. `body` is ApiErrorBody, or a class extending it for a route whose errors
 * carry more.
 */
export function ApiError(
  status: number,
  description: string,
  message: string | string[],
  extra: Record<string, unknown> = {},
  body: Type<ApiErrorBody> = ApiErrorBody,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(body),
    ApiResponse({
      status,
      description,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(body) },
          example: { ...extra, statusCode: status, error: REASONS[status] ?? 'Error', message },
        },
      },
    }),
  );
}

/** The errors every route behind a workspace API key can answer. */
export function ApiKeyErrors(): ClassDecorator {
  return applyDecorators(
    ApiError(
      401,
      'Missing, invalid or revoked API key.',
      'Missing API key: send the header "Authorization: Bearer <your API key>".',
    ),
    ApiError(
      403,
      'The API key lacks the scope this route needs.',
      "This API key lacks the scope 'enrich' (it has: jobs:read).",
    ),
    ApiError(
      429,
      'Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers.',
      'This workspace made 100 requests in the last minute, its limit; retry after 12 s.',
      { code: 'rate_limited' },
    ),
    ApiError(
      503,
      'Redis or PostgreSQL unavailable; nothing was written. Retry-After is set.',
      'PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay.',
    ),
  );
}

/** The errors every admin route can answer. */
export function AdminErrors(): ClassDecorator {
  return applyDecorators(
    ApiError(
      401,
      'Missing or wrong admin token.',
      'Admin token required: send "Authorization: Bearer <SLUICE_ADMIN_TOKEN>".',
    ),
    ApiError(
      503,
      'Redis or PostgreSQL unavailable; nothing was written. Retry-After is set.',
      'Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay.',
    ),
  );
}

/**
 * A path parameter the route parses with ParseUUIDPipe, declared `format: uuid` so that the
 * document says what it takes. A malformed one is refused with a 400 before the route runs: the
 * completeness check holds every operation with such a parameter to documenting that 400.
 */
export function ApiUuidParam(
  name: string,
  description: string,
  example: string,
): MethodDecorator & ClassDecorator {
  return ApiParam({ name, type: 'string', format: 'uuid', description, example });
}

/**
 * A route taking a JSON body can be refused before anything reads it: for its size (413), or for a
 * Content-Type other than JSON or a charset the JSON parser does not read (415, e.g.
 * `application/json; charset=latin1`).
 */
export function ApiJsonBodyErrors(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiError(
      413,
      'The body is larger than HTTP_BODY_LIMIT_BYTES.',
      'Request body is larger than the limit of 1048576 bytes.',
    ),
    ApiError(
      415,
      'A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32.',
      'unsupported charset "LATIN1"',
    ),
  );
}

/**
 * A GET route that takes no query parameters refuses any ({@link NoQueryGuard}): one sent (a filter
 * such as provider=snov) would otherwise be ignored, and the answer taken for narrowed by it. Its
 * 400 is documented with the route's own. Write routes (a DELETE included) need nothing: the
 * gateway-wide WriteQueryInterceptor refuses query parameters on every one not marked TakesQuery.
 */
export function ApiNoQuery(): MethodDecorator {
  return UseGuards(NoQueryGuard);
}

/**
 * What every DELETE refuses besides its own: a body with fields ({@link NoBodyGuard}), since no
 * DELETE reads one. A field sent to it (a reason, `dry_run`) would be dropped without a word and the
 * deletion done anyway. Its 400 is documented with the route's own.
 */
export function ApiDelete(): MethodDecorator {
  return UseGuards(NoBodyGuard);
}

/**
 * What every POST takes and can answer besides its own: the optional `Idempotency-Key` header and
 * its 409s; with a JSON body (`body: true`), malformed JSON (400), a body over the size limit (413)
 * and one in a charset the parser does not read (415). A route without a body (`body: false`)
 * refuses one with fields ({@link NoBodyGuard}; its 400 is documented with the route's own); one
 * that reads its body as a stream (`'streamed'`) documents what it takes itself.
 */
export function ApiPost(options: { body: boolean | 'streamed' }): MethodDecorator {
  const decorators: (MethodDecorator & ClassDecorator)[] = [
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again.',
      example: 'order-42',
    }),
    ApiError(
      409,
      'The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.',
      'This Idempotency-Key was used with a different request (method, path or body); use a new key.',
    ),
  ];
  if (options.body === true) {
    decorators.push(ApiJsonBodyErrors());
  } else if (options.body === false) {
    decorators.push(UseGuards(NoBodyGuard));
  }
  return applyDecorators(...decorators);
}
