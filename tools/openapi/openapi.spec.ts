import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { JOB_LIST_PARAMS } from '../../apps/gateway/src/jobs/job-list';
import { previewGatewayDocument } from '../../apps/gateway/src/openapi/document';
import { incompleteOperations } from './completeness';

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

  it('reports each kind of gap it looks for', () => {
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
        },
      },
      components: {
        schemas: {
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
      'POST /v1/a: no error answer documented',
      'POST /v1/a: API-key errors 401, 403, 429, 503 not documented (@ApiKeyErrors())',
      'POST /v1/a: no Idempotency-Key header documented (@ApiPost())',
      'POST /v1/a: no example of its request body',
      'components.schemas.Dto.properties.c: an object with no properties types as Record<string, never> (give its type)',
    ]);
  });
});
