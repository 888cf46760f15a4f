import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Controller,
  Get,
  Injectable,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { AdminTokenGuard } from '../../apps/gateway/src/auth/admin-token.guard';
import { ApiKeyGuard } from '../../apps/gateway/src/auth/api-key.guard';
import { JOB_LIST_PARAMS } from '../../apps/gateway/src/jobs/job-list';
import { gatewayControllers, previewGatewayDocument } from '../../apps/gateway/src/openapi/document';
import { incompleteOperations, undocumentedRouteChecks } from './completeness';

const ROOT = join(__dirname, '..', '..');

/**
 * The generator's own check, in its own process: openapi-typescript loads ES modules that Jest's
 * CommonJS runtime cannot, and this way the check runs exactly the code that generates.
 */
async function generatorCheck(): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'tools/openapi/generate.ts',
        '--check',
      ],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' }, timeout: 120_000 },
    );
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? String(error) };
  }
}

describe('the OpenAPI document and the typed client', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await previewGatewayDocument();
  }, 60_000);

  it('libs/client holds the document and the types of the controllers as they are now', async () => {
    // On failure the message says which file is stale and to run `npm run client:generate`.
    expect(await generatorCheck()).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  it('documents every operation with a summary, an example answer, its errors and an example body', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    expect(incompleteOperations(document)).toEqual([]);
  });

  it('declares what the routes refuse: UUID path parameters with their 400, and the security of each guard', () => {
    const controllers = gatewayControllers();
    expect(controllers.length).toBeGreaterThan(15);
    expect(
      undocumentedRouteChecks(document, controllers, { bearer: ApiKeyGuard, admin: AdminTokenGuard }),
    ).toEqual([]);
  });

  it('lists every query parameter GET /v1/jobs takes, so the typed client can filter by import', () => {
    const parameters = (document.paths['/v1/jobs']?.get?.parameters ?? []) as { in: string; name: string }[];
    const documented = parameters
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name);
    expect(documented.sort()).toEqual([...JOB_LIST_PARAMS].sort());
  });

  it('types the answers and bodies of POST /v1/enrich and /v1/enrich/enqueue, so the client checks them', () => {
    type Media = { content?: Record<string, { schema?: Record<string, unknown> }> };
    const schemaOf = (entry: Media | undefined) => entry?.content?.['application/json']?.schema ?? {};
    const enrich = document.paths['/v1/enrich']?.post as unknown as {
      responses: Record<string, Media>;
      requestBody: Media;
    };
    const enqueue = document.paths['/v1/enrich/enqueue']?.post as unknown as {
      responses: Record<string, Media>;
      requestBody: Media;
    };
    const answer = schemaOf(enrich.responses['200']);
    expect(answer.type).toBe('object');
    expect(Object.keys(answer.properties as object)).toEqual(
      expect.arrayContaining(['job_id', 'data', 'sources', 'confidence', 'attribution', 'sandbox', 'cached']),
    );
    expect(Object.keys(schemaOf(enrich.responses['202']).properties as object)).toEqual(
      expect.arrayContaining(['job_id', 'status', 'poll', 'events']),
    );
    expect(Object.keys(schemaOf(enqueue.responses['202']).properties as object)).toEqual([
      'accepted',
      'rejected',
    ]);
    expect(Object.keys(schemaOf(enqueue.requestBody).properties as object)).toEqual(
      expect.arrayContaining(['records', 'enrich', 'options', 'priority', 'callback_url', 'max_credits']),
    );
  });

  it('types every answer and body of the provider, batch and import routes with a named schema', () => {
    type Media = { content?: Record<string, { schema?: { $ref?: string } }> };
    type Operation = { responses: Record<string, Media>; requestBody?: Media };
    const refOf = (entry: Media | undefined) =>
      entry?.content?.['application/json']?.schema?.$ref?.replace('#/components/schemas/', '');
    const operation = (path: string, method: 'get' | 'put' | 'post' | 'delete') =>
      (document.paths[path] as Record<string, Operation>)[method];
    const answers: [string, 'get' | 'put' | 'post' | 'delete', string, string][] = [
      ['/v1/providers', 'get', '200', 'ProviderListDto'],
      ['/v1/providers/{name}/credentials', 'put', '200', 'CredentialsStoredDto'],
      ['/v1/providers/{name}/credentials', 'delete', '200', 'CredentialsRemovedDto'],
      ['/v1/batches', 'post', '201', 'BatchCreatedDto'],
      ['/v1/batches', 'get', '200', 'BatchListDto'],
      ['/v1/batches/{id}', 'get', '200', 'BatchDetailDto'],
      ['/v1/batches/{id}/summary', 'get', '200', 'BatchSummaryDto'],
      ['/v1/batches/{id}/cancel', 'post', '200', 'BatchCancelledDto'],
      ['/v1/batches/{id}/schedule', 'put', '200', 'BatchDto'],
      ['/v1/batches/{id}/schedule', 'delete', '200', 'BatchDto'],
      ['/v1/imports', 'post', '201', 'ImportDto'],
      ['/v1/imports', 'get', '200', 'ImportListDto'],
      ['/v1/imports/{id}', 'get', '200', 'ImportDto'],
    ];
    expect(
      answers.map(([path, method, status]) => refOf(operation(path, method)?.responses[status])),
    ).toEqual(answers.map(([, , , dto]) => dto));
    expect(refOf(operation('/v1/batches', 'post')?.requestBody)).toBe('CreateBatchBodyDto');
    expect(refOf(operation('/v1/batches/{id}/schedule', 'put')?.requestBody)).toBe('BatchScheduleDto');
    // Operators pause providers: the answer tells that apart from a provider switched off.
    const provider = document.components?.schemas?.ProviderDto as { properties?: object } | undefined;
    expect(Object.keys(provider?.properties ?? {})).toEqual(
      expect.arrayContaining(['enabled', 'paused', 'pause', 'available']),
    );
  });

  it('types no credit figure as an integer: ledgers, prices and thresholds hold fractions (2.5, 0.5)', () => {
    const integers: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) {
        return;
      }
      for (const [key, inner] of Object.entries(node)) {
        if (key === 'example' || key === 'examples') {
          continue;
        }
        const property = (inner ?? {}) as { type?: unknown };
        if (
          where.endsWith('.properties') &&
          /credit|spent|balance|reserved|cost|^used$|^remaining$/.test(key) &&
          property.type === 'integer'
        ) {
          integers.push(`${where}.${key}`);
        }
        visit(inner, `${where}.${key}`);
      }
    };
    visit(document, 'document');
    expect(integers).toEqual([]);
  });

  it('declares the 422 of a request naming an erased person on the routes that create one job', () => {
    for (const [path, method] of [
      ['/v1/jobs', 'post'],
      ['/v1/enrich', 'post'],
      ['/v1/jobs/{id}/retry', 'post'],
    ] as const) {
      const responses = (document.paths[path]?.[method]?.responses ?? {}) as Record<string, unknown>;
      expect({ path, documented: '422' in responses }).toEqual({ path, documented: true });
    }
  });

  it('types provider settings as the API takes and gives them: costs keyed by any capability, every field settable or reset', () => {
    type Schema = {
      properties?: Record<string, Schema>;
      additionalProperties?: unknown;
      required?: string[];
      items?: Schema;
      nullable?: boolean;
    };
    type Operation = {
      responses: Record<string, { content: { 'application/json': { schema: Schema } } }>;
      requestBody: { content: { 'application/json': { schema: Schema } } };
    };
    const route = document.paths['/v1/admin/providers/{name}/settings'] as unknown as Record<
      string,
      Operation
    >;
    const listed = (document.paths['/v1/admin/providers/settings'] as unknown as Record<string, Operation>)
      .get.responses['200'].content['application/json'].schema;
    const view = listed.properties?.providers.items;
    const body = route.put.requestBody.content['application/json'].schema;
    // A provider's costs are keyed by its own capabilities (email-verifier's verify_email, Companies
    // House's list_company_officers): no capability is required, none is refused.
    for (const costs of [view?.properties?.settings.properties?.costs, body.properties?.costs]) {
      expect(costs?.required).toBeUndefined();
      expect(costs?.properties).toBeUndefined();
      expect(costs?.additionalProperties).toMatchObject({
        type: 'object',
        properties: { credits: { type: 'number' } },
      });
    }
    // Every field the route takes can be sent, and null puts it back to the environment's value.
    const fields = [
      'enabled',
      'priority',
      'minimum_tier',
      'rate_limits',
      'poll_interval_ms',
      'credit_warning',
      'credit_critical',
      'costs',
    ];
    expect(Object.keys(body.properties ?? {}).sort()).toEqual([...fields].sort());
    expect(body.required).toBeUndefined();
    expect(fields.filter((field) => body.properties?.[field].nullable !== true)).toEqual([]);
  });

  it('reports each kind of gap it looks for', () => {
    const error = {
      type: 'object',
      properties: {
        statusCode: { type: 'integer' },
        error: { type: 'string' },
        message: { type: 'string' },
      },
      required: ['statusCode', 'error', 'message'],
    };
    const incomplete = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/v1/a': {
          post: {
            security: [{ bearer: [] }],
            responses: { '201': { description: '', content: { 'application/json': { schema: {} } } } },
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Dto' } } },
            },
          },
        },
        '/b': {
          get: {
            summary: 'B',
            responses: {
              '200': { description: '', content: { 'application/json': { example: { ok: true } } } },
              '404': { description: 'none' },
            },
          },
          delete: { summary: 'gone', responses: { '204': { description: '' }, '404': { description: '' } } },
          put: {
            summary: 'C',
            requestBody: { content: { 'application/json': { schema: { example: { on: true } } } } },
            responses: {
              '200': {
                description: '',
                content: { 'application/json': { schema: { type: 'object', properties: {}, example: {} } } },
              },
              '201': {
                description: '',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Gone' } } },
              },
              '202': {
                description: '',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      nullable: true,
                      allOf: [{ $ref: '#/components/schemas/Dto' }],
                      example: { a: 'x' },
                    },
                  },
                },
              },
              '404': { description: 'none' },
              '400': {
                description: '',
                content: { 'text/event-stream': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } },
              },
              '409': {
                description: '',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } },
              },
              '410': {
                description: '',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/WiderError' } } },
              },
              '422': {
                description: '',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Dto' } } },
              },
              '503': {
                description: '',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/LooseError' } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          ApiErrorBody: error,
          // Extends ApiErrorBody: fine.
          WiderError: { ...error, properties: { ...error.properties, rejected: { type: 'array' } } },
          // Takes ApiErrorBody's fields but leaves `message` optional: not one.
          LooseError: { ...error, required: ['statusCode', 'error'] },
          Dto: {
            type: 'object',
            properties: { a: { type: 'string', example: 'x' }, b: {}, c: { type: 'object', example: {} } },
          },
        },
      },
    } as unknown as OpenAPIObject;
    expect(incompleteOperations(incomplete)).toEqual([
      'POST /v1/a: no summary (@ApiOperation({ summary }))',
      'POST /v1/a: no example of its 201 answer',
      'POST /v1/a: its 201 answer (application/json) has a schema without a type (an example alone types as unknown): type it with a DTO class or a schema',
      'POST /v1/a: no error answer documented',
      'POST /v1/a: API-key errors 401, 403, 429, 503 not documented (@ApiKeyErrors())',
      'POST /v1/a: no 400 documented, though it takes a body (@ApiError(400, …))',
      'POST /v1/a: no Idempotency-Key header documented (@ApiPost())',
      'POST /v1/a: no example of its request body',
      'POST /v1/a: a JSON body, but no 413, 415 documented (@ApiJsonBodyErrors())',
      'GET /b: its 200 answer (application/json) has no schema: type it with a DTO class or a schema',
      'GET /b: its 404 answer has no body documented: document it with @ApiError()',
      'PUT /b: its 200 answer (application/json) is an empty object: type it with a DTO class or a schema',
      'PUT /b: no example of its 201 answer',
      'PUT /b: its 201 answer (application/json) names a schema the document lacks (#/components/schemas/Gone): type it with a DTO class or a schema',
      'PUT /b: its 400 answer is documented as text/event-stream, but errors are answered as application/json: document it with @ApiError()',
      'PUT /b: its 404 answer has no body documented: document it with @ApiError()',
      'PUT /b: its 422 answer is not an ApiErrorBody (nor extends it): document it with @ApiError()',
      'PUT /b: its 503 answer is not an ApiErrorBody (nor extends it): document it with @ApiError()',
      'PUT /b: its request body (application/json) has a schema without a type (an example alone types as unknown): type it with a DTO class or a schema',
      'PUT /b: a JSON body, but no 413, 415 documented (@ApiJsonBodyErrors())',
      'DELETE /b: its 404 answer has no body documented: document it with @ApiError()',
      'components.schemas.Dto.properties.c: an object with no properties types as Record<string, never> (give its type)',
    ]);
  });

  it('holds operations to the 400 their input can be refused with, and admin routes to their errors', () => {
    const error = {
      description: '',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } },
    };
    const ok = {
      description: '',
      content: { 'application/json': { schema: { type: 'string' }, example: 'x' } },
    };
    const answers = { '200': ok, '401': error, '503': error };
    const uuid = { in: 'path', name: 'id', schema: { type: 'string', format: 'uuid' } };
    const name = { in: 'path', name: 'name', schema: { type: 'string', enum: ['snov'] } };
    const body = { content: { 'application/json': { schema: { type: 'string' }, example: 'x' } } };
    const admin = [{ admin: [] }];
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a/{id}': {
          get: { summary: 'A', security: admin, parameters: [uuid], responses: answers },
          delete: {
            summary: 'A',
            security: admin,
            parameters: [uuid],
            responses: { ...answers, '400': error },
          },
        },
        '/b/{name}': {
          get: { summary: 'B', security: admin, parameters: [name], responses: answers },
          put: { summary: 'B', security: admin, parameters: [name], requestBody: body, responses: answers },
        },
        '/c': {
          get: {
            summary: 'C',
            security: admin,
            parameters: [{ in: 'query', name: 'limit' }],
            responses: answers,
          },
          post: { summary: 'C', security: admin, responses: { '200': ok } },
        },
      },
      components: {
        schemas: { ApiErrorBody: { type: 'object', properties: { message: { type: 'string' } } } },
      },
    } as unknown as OpenAPIObject;
    expect(incompleteOperations(document)).toEqual([
      'GET /a/{id}: no 400 documented, though its path parameter id is a UUID (@ApiError(400, …))',
      'PUT /b/{name}: no 400 documented, though it takes a body (@ApiError(400, …))',
      'PUT /b/{name}: a JSON body, but no 413, 415 documented (@ApiJsonBodyErrors())',
      'GET /c: no 400 documented, though it takes query parameters (limit) (@ApiError(400, …))',
      'POST /c: admin errors 401, 503 not documented (@AdminErrors())',
    ]);
  });

  it("reads what the routes' pipes and guards refuse off their controllers", () => {
    @Injectable()
    class KeyGuard {
      canActivate(): boolean {
        return true;
      }
    }
    @ApiBearerAuth()
    @UseGuards(KeyGuard)
    @Controller('v1/things')
    class ThingsController {
      @Get(':id')
      one(@Param('id', new ParseUUIDPipe()) id: string): string {
        return id;
      }

      @Get(':id/parts/:part')
      part(@Param('id', new ParseUUIDPipe()) id: string, @Param('part', ParseIntPipe) part: number): string {
        return `${id}${part}`;
      }

      @Get()
      list(@Query('page', ParseIntPipe) page: number): number {
        return page;
      }
    }
    @UseGuards(KeyGuard)
    @Controller('v1/other')
    class UndeclaredController {
      @Get()
      list(): string {
        return '';
      }
    }
    @ApiExcludeController()
    @UseGuards(KeyGuard)
    @Controller('hidden/:id')
    class HiddenController {
      @Get()
      show(@Param('id', new ParseUUIDPipe()) id: string): string {
        return id;
      }
    }
    const uuid = { in: 'path', name: 'id', schema: { type: 'string', format: 'uuid' } };
    const answers = { '200': { description: '' } };
    const bearer = [{ bearer: [] }];
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/v1/things/{id}': {
          get: { security: bearer, parameters: [uuid], responses: { ...answers, '400': {} } },
        },
        '/v1/things/{id}/parts/{part}': {
          get: {
            security: bearer,
            parameters: [{ in: 'path', name: 'id', schema: { type: 'string' } }],
            responses: answers,
          },
        },
        '/v1/other': { get: { responses: answers } },
      },
    } as unknown as OpenAPIObject;
    expect(
      undocumentedRouteChecks(document, [ThingsController, UndeclaredController, HiddenController], {
        bearer: KeyGuard,
      }),
    ).toEqual([
      'GET /v1/things/{id}/parts/{part}: id, part parsed by a pipe, but no 400 documented (@ApiError(400, …))',
      'GET /v1/things/{id}/parts/{part}: path parameter id is parsed by ParseUUIDPipe, but not declared format: uuid (@ApiUuidParam())',
      'GET /v1/things (ThingsController.list): not in the document',
      'GET /v1/other: behind KeyGuard, but does not declare the security scheme bearer',
    ]);
  });
});
