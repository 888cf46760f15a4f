import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PROVIDER_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { AuditLog } from '../../apps/gateway/src/audit/audit-log.service';
import { createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, TEST_ADMIN_TOKEN, type Stack } from '../support/stack';

/**
 * Property-based: every route that takes input (body, path, query, headers) gets arbitrary and
 * hostile input. Whatever it is, the answer is never a 5xx; a 4xx names the problem; and a refused
 * request writes nothing (no row in any table the API writes, no queued job, no prototype
 * pollution). Seeded: a failure prints the seed and the input; rerun with FC_SEED=<seed>.
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FC_RUNS ?? 60);
/**
 * Generated path segments and query values stay under this many characters: Node's HTTP parser
 * itself answers 431 (with no body, before any of our code runs) to a request line over 16 KB, and
 * percent-encoding can make one character 12 bytes.
 */
const URL_PART_CHARS = 200;
/** The first URL_PART_CHARS code points (slicing UTF-16 units could split a pair, which no URL can hold). */
const urlPart = (s: string): string => Array.from(s).slice(0, URL_PART_CHARS).join('');
/** Small enough to reach with a generated body, so "too large" is exercised too. */
const BODY_LIMIT = 64 * 1024;

// ---- arbitraries -------------------------------------------------------------------------------

/** Strings that break naive code: NUL, lone surrogates' replacements, RTL, emoji, SQL and path bits. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFFFD',
  '\u202Egnp.exe',
  '👩‍👩‍👧‍👦',
  'Ω≈ç√∫',
  "'; DROP TABLE workspaces; --",
  '../../etc/passwd',
  '%00',
  '%',
  '%E0%A4%A',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x1F',
  '__proto__',
  'constructor',
  '{}',
  '[]',
  'true',
  '2026-02-30',
  '9999-99-99T99:99:99Z',
  '00000000-0000-0000-0000-000000000000',
];
const nasty = fc.constantFrom(...NASTY);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: nasty },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }), fc.nat(20_000))
      .map(([s, n]) => s.repeat(n)),
  },
);
const hostileKey = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
);
/** Nested n levels deep, as JSON text (building it as an object would only test this process). */
const deepJson = fc
  .tuple(fc.integer({ min: 10, max: 20_000 }), fc.constantFrom('object', 'array'))
  .map(([depth, kind]) =>
    kind === 'object'
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}1${']'.repeat(depth)}`,
  );
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: text },
  {
    weight: 2,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], {
      a: null,
    }),
  },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
);

type Json = Record<string, unknown>;

/** The valid body with one field replaced, removed or one field added, or a nested field replaced. */
function mutated(valid: Json): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const nested = keys.filter(
    (key) => typeof valid[key] === 'object' && valid[key] !== null && !Array.isArray(valid[key]),
  );
  const variants: fc.Arbitrary<string>[] = [
    fc.tuple(fc.constantFrom(...keys), value).map(([key, v]) => JSON.stringify({ ...valid, [key]: v })),
    fc
      .constantFrom(...keys)
      .map((key) => JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)))),
    // A computed key makes `__proto__` an own property, so it is really sent.
    fc.tuple(hostileKey, value).map(([key, v]) => JSON.stringify({ ...valid, [key]: v })),
    // The valid body with one field nested thousands of levels deep.
    fc.tuple(fc.constantFrom(...keys), deepJson).map(([key, deep]) => {
      const rest = JSON.stringify({ ...valid, [key]: 0 });
      return rest.replace(`"${key}":0`, `"${key}":${deep}`);
    }),
  ];
  if (nested.length > 0) {
    variants.push(
      fc
        .tuple(fc.constantFrom(...nested), hostileKey, value)
        .map(([outer, key, v]) =>
          JSON.stringify({ ...valid, [outer]: { ...(valid[outer] as Json), [key]: v } }),
        ),
    );
  }
  if (Array.isArray(valid.jobs)) {
    const [job] = valid.jobs as Json[];
    variants.push(
      fc
        .array(
          fc.oneof(
            value,
            fc.tuple(fc.constantFrom(...Object.keys(job ?? {})), value).map(([k, v]) => ({ ...job, [k]: v })),
          ),
          {
            maxLength: 5,
          },
        )
        .map((jobs) => JSON.stringify({ jobs })),
    );
  }
  return fc.oneof(...variants);
}

const malformed = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '{',
    '{"a":',
    '{"a" 1}',
    "{'a':1}",
    '[1,]',
    '{"a":1}garbage',
    'null',
    '"just a string"',
    '12',
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '\u0000',
    '\uFEFF{}',
  ),
  deepJson,
  fc.nat(BODY_LIMIT * 2).map((n) => JSON.stringify({ padding: 'x'.repeat(n) })),
);

function body(valid: Json | null): fc.Arbitrary<string | undefined> {
  const arbitraries: fc.WeightedArbitrary<string | undefined>[] = [
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: malformed },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ];
  if (valid) {
    arbitraries.push({ weight: 6, arbitrary: mutated(valid) });
  }
  return fc.oneof(...arbitraries);
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=utf-16',
      'application/json; charset=nope',
      'application/merge-patch+json',
      'application/xml',
      'application/octet-stream',
      '*/*',
      'application/json; charset=utf-8; x=""',
    ),
  },
);

/** A printable header value (fetch refuses others before sending). */
const headerValue = fc.oneof(
  fc.string({ unit: 'binary-ascii' }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', 'x'.repeat(300), 'order-42', '\t', '%00', '"quoted"'),
);

/** Path segments: well-formed ids, hostile strings (percent-encoded), and raw malformed escapes. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: text.map((s) => encodeURIComponent(urlPart(s))) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '%2F', '..', '%2e%2e', 'a%20b', '%FF') },
);

function query(known: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(known.length > 0 ? known : ['q'])) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string(),
        fc.constantFrom(
          '__proto__',
          'constructor',
          'a[b]',
          'a[]',
          `${known[0] ?? 'q'}[]`,
          `${known[0] ?? 'q'}[x]`,
        ),
      ),
    },
  );
  const val = fc.oneof(
    text.map(urlPart),
    fc.constantFrom(
      '1',
      '0',
      '-1',
      '201',
      '1.5',
      '2026-12-01',
      '2026-12-01T00:00:00Z',
      'failed',
      'company.profile',
    ),
  );
  return fc.array(fc.tuple(key, val), { maxLength: 5 }).map((pairs) => {
    const params = new URLSearchParams();
    for (const [k, v] of pairs) {
      params.append(k, v);
    }
    return params.toString();
  });
}

// ---- the routes --------------------------------------------------------------------------------

interface Ids {
  /** The workspace the admin routes change (not the one whose key calls the API). */
  victim: string;
  provider: fc.Arbitrary<string>;
  workspace: fc.Arbitrary<string>;
  /** A batch of the calling workspace, or a generated segment. */
  batch: fc.Arbitrary<string>;
}

/**
 * Every route that takes input. `path` builds the path from generated segments; `body` is a valid
 * body that mutations start from (null: the route reads no body, but gets one anyway); `query` the
 * parameters it knows. Add new routes here.
 */
interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  auth: 'key' | 'admin';
  segments: (ids: Ids) => fc.Arbitrary<string>[];
  path: (segments: string[]) => string;
  body?: Json | null;
  query?: string[];
}

const providerSegment = (): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...PROVIDER_NAMES), segment);

const ROUTES: Route[] = [
  {
    name: 'POST /v1/jobs',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/jobs',
    body: {
      type: 'company.profile',
      input: { company_number: '07798925' },
      priority: 'bulk',
      max_credits: 5,
      options: { verify: true },
      callback_url: 'https://crm.example.com/hooks/sluice',
    },
  },
  {
    name: 'POST /v1/jobs/bulk',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/jobs/bulk',
    body: { jobs: [{ type: 'company.profile', input: { company_number: '07798925' } }] },
  },
  {
    name: 'GET /v1/jobs',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/jobs',
    query: ['status', 'type', 'created_after', 'created_before', 'limit', 'cursor'],
  },
  ...(['', '/events', '/callback/deliveries'] as const).map((suffix): Route => ({
    name: `GET /v1/jobs/{id}${suffix}`,
    method: 'GET',
    auth: 'key',
    segments: () => [segment],
    path: ([id]) => `/v1/jobs/${id}${suffix}`,
  })),
  ...(['/cancel', '/retry', '/callback/redeliver'] as const).map((suffix): Route => ({
    name: `POST /v1/jobs/{id}${suffix}`,
    method: 'POST',
    auth: 'key',
    segments: () => [segment],
    path: ([id]) => `/v1/jobs/${id}${suffix}`,
    body: null,
  })),
  {
    name: 'POST /v1/webhook-secret/rotate',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/webhook-secret/rotate',
    body: null,
  },
  {
    name: 'GET /v1/credits',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/credits',
    query: [],
  },
  {
    name: 'GET /v1/credits/usage',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/credits/usage',
    query: ['from', 'to'],
  },
  {
    name: 'GET /v1/alerts',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/alerts',
    query: ['limit'],
  },
  {
    name: 'POST /v1/enrich',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/enrich',
    // timeout_ms 0: no worker runs here, so the answer is the 202 at once.
    body: {
      first_name: 'Ada',
      last_name: 'Lovelace',
      domain: 'acme.com',
      enrich: ['business_email', 'title'],
      timeout_ms: 0,
      options: { accept_catch_all: true },
      max_credits: 5,
    },
  },
  {
    name: 'POST /v1/enrich/enqueue',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/enrich/enqueue',
    body: {
      records: [{ email: 'ada@acme.com' }, { linkedin_url: 'https://www.linkedin.com/in/grace-hopper' }],
      enrich: ['business_email', 'phone'],
      priority: 'bulk',
      options: { accept_catch_all: true },
      callback_url: 'https://crm.example.com/hooks/sluice',
      max_credits: 5,
    },
  },
  {
    name: 'GET /v1/providers',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/providers',
    query: [],
  },
  {
    name: 'PUT /v1/providers/{name}/credentials',
    method: 'PUT',
    auth: 'key',
    segments: (ids) => [ids.provider],
    path: ([name]) => `/v1/providers/${name}/credentials`,
    body: { api_key: 'matrix-apollo-key-0001' },
  },
  {
    name: 'DELETE /v1/providers/{name}/credentials',
    method: 'DELETE',
    auth: 'key',
    segments: (ids) => [ids.provider],
    path: ([name]) => `/v1/providers/${name}/credentials`,
  },
  {
    name: 'POST /v1/batches',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/batches',
    body: {
      name: 'Matrix batch',
      records: [
        {
          external_id: 'deal-1',
          first_name: 'Ada',
          last_name: 'Lovelace',
          domain: 'acme.com',
          occurred_at: '2026-11-20',
        },
        { external_id: 'deal-2', email: 'grace@navy.example', occurred_at: '2026-10-02T14:00:00Z' },
      ],
      enrich: ['business_email', 'industry'],
      since_days: 365,
      limit: 10,
      max_credits: 10,
      schedule: { every_days: 30 },
    },
  },
  {
    name: 'GET /v1/batches',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/batches',
    query: ['limit', 'offset', 'cursor'],
  },
  {
    name: 'GET /v1/batches/{id}',
    method: 'GET',
    auth: 'key',
    segments: (ids) => [ids.batch],
    path: ([id]) => `/v1/batches/${id}`,
    query: ['limit', 'after'],
  },
  {
    name: 'POST /v1/exports',
    method: 'POST',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/exports',
    body: { format: 'csv', status: 'completed', type: 'person.email', created_after: '2026-12-01T00:00:00Z' },
  },
  {
    name: 'GET /v1/exports/{id}',
    method: 'GET',
    auth: 'key',
    segments: () => [segment],
    path: ([id]) => `/v1/exports/${id}`,
    query: ['format'],
  },
  {
    name: 'GET /v1/imports/{id}',
    method: 'GET',
    auth: 'key',
    segments: () => [segment],
    path: ([id]) => `/v1/imports/${id}`,
  },
  {
    name: 'GET /v1/batches/{id}/summary',
    method: 'GET',
    auth: 'key',
    segments: (ids) => [ids.batch],
    path: ([id]) => `/v1/batches/${id}/summary`,
  },
  {
    name: 'POST /v1/batches/{id}/cancel',
    method: 'POST',
    auth: 'key',
    segments: (ids) => [ids.batch],
    path: ([id]) => `/v1/batches/${id}/cancel`,
    body: null,
  },
  {
    name: 'PUT /v1/batches/{id}/schedule',
    method: 'PUT',
    auth: 'key',
    segments: (ids) => [ids.batch],
    path: ([id]) => `/v1/batches/${id}/schedule`,
    body: { every_days: 30 },
  },
  {
    name: 'DELETE /v1/batches/{id}/schedule',
    method: 'DELETE',
    auth: 'key',
    segments: (ids) => [ids.batch],
    path: ([id]) => `/v1/batches/${id}/schedule`,
  },
  {
    name: 'POST /v1/admin/workspaces',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/workspaces',
    body: { name: 'Matrix Co', tier: 'standard' },
  },
  {
    name: 'POST /v1/admin/workspaces/{workspace}/keys',
    method: 'POST',
    auth: 'admin',
    segments: (ids) => [ids.workspace],
    path: ([ws]) => `/v1/admin/workspaces/${ws}/keys`,
    body: { name: 'matrix', scopes: ['enrich', 'jobs:read'] },
  },
  {
    name: 'GET /v1/admin/workspaces/{workspace}/keys',
    method: 'GET',
    auth: 'admin',
    segments: (ids) => [ids.workspace],
    path: ([ws]) => `/v1/admin/workspaces/${ws}/keys`,
  },
  {
    name: 'DELETE /v1/admin/workspaces/{workspace}/keys/{key}',
    method: 'DELETE',
    auth: 'admin',
    segments: (ids) => [ids.workspace, segment],
    path: ([ws, key]) => `/v1/admin/workspaces/${ws}/keys/${key}`,
  },
  {
    name: 'PATCH /v1/admin/workspaces/{workspace}/limits',
    method: 'PATCH',
    auth: 'admin',
    segments: (ids) => [ids.workspace],
    path: ([ws]) => `/v1/admin/workspaces/${ws}/limits`,
    body: { per_minute: 300, per_hour: 5000, per_day: 50000 },
  },
  {
    name: 'GET /v1/admin/workspaces/{workspace}/quotas',
    method: 'GET',
    auth: 'admin',
    segments: (ids) => [ids.workspace],
    path: ([ws]) => `/v1/admin/workspaces/${ws}/quotas`,
  },
  {
    name: 'PUT /v1/admin/workspaces/{workspace}/quotas/{provider}',
    method: 'PUT',
    auth: 'admin',
    segments: (ids) => [ids.workspace, ids.provider],
    path: ([ws, provider]) => `/v1/admin/workspaces/${ws}/quotas/${provider}`,
    body: { monthly_credits: 500, policy: 'refuse' },
  },
  {
    name: 'DELETE /v1/admin/workspaces/{workspace}/quotas/{provider}',
    method: 'DELETE',
    auth: 'admin',
    segments: (ids) => [ids.workspace, ids.provider],
    path: ([ws, provider]) => `/v1/admin/workspaces/${ws}/quotas/${provider}`,
  },
  {
    name: 'GET /v1/admin/providers/settings',
    method: 'GET',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/providers/settings',
  },
  {
    name: 'PUT /v1/admin/providers/{name}/settings',
    method: 'PUT',
    auth: 'admin',
    segments: (ids) => [ids.provider],
    path: ([name]) => `/v1/admin/providers/${name}/settings`,
    body: {
      enabled: false,
      priority: 5,
      minimum_tier: 'pro',
      rate_limits: [{ name: 'minute', limit: 30, window_ms: 60000, tier: 'free' }],
      poll_interval_ms: 15000,
      credit_warning: 100,
      credit_critical: 10,
    },
  },
  {
    name: 'DELETE /v1/admin/providers/{name}/settings',
    method: 'DELETE',
    auth: 'admin',
    segments: (ids) => [ids.provider],
    path: ([name]) => `/v1/admin/providers/${name}/settings`,
  },
  ...(['pause', 'resume'] as const).map((action): Route => ({
    name: `POST /v1/admin/providers/{name}/${action}`,
    method: 'POST',
    auth: 'admin',
    segments: (ids) => [ids.provider],
    path: ([name]) => `/v1/admin/providers/${name}/${action}`,
    body: null,
  })),
  {
    name: 'GET /v1/audit',
    method: 'GET',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/audit',
    query: ['action', 'from', 'to', 'limit', 'cursor'],
  },
  {
    name: 'GET /v1/admin/audit',
    method: 'GET',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/audit',
    query: ['workspace_id', 'action', 'from', 'to', 'limit', 'cursor'],
  },
  {
    name: 'GET /v1/admin/data-quality',
    method: 'GET',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/data-quality',
    query: ['from', 'to', 'workspace_id', 'segment'],
  },
  {
    name: 'GET /v1/admin/compliance',
    method: 'GET',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/compliance',
    query: [],
  },
  {
    name: 'POST /v1/admin/cache/clear',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/cache/clear',
    body: { provider: 'snov', operation: 'person.email' },
  },
  {
    name: 'POST /v1/admin/jobs/retry-failed',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/jobs/retry-failed',
    body: { limit: 10, type: 'company.profile', since: '2026-01-01T00:00:00Z' },
  },
  {
    name: 'POST /v1/admin/reports/usage',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/reports/usage',
    body: { day: '2026-11-30' },
  },
  {
    // The ops dashboard's login: the admin token in the body, whatever the Authorization header.
    name: 'POST /dashboard/login',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/dashboard/login',
    body: { token: TEST_ADMIN_TOKEN },
  },
  {
    name: 'GET /dashboard/static/{file}',
    method: 'GET',
    auth: 'admin',
    segments: () => [fc.oneof(fc.constantFrom('dashboard.js', 'chart.umd.min.js', '__proto__'), segment)],
    path: ([file]) => `/dashboard/static/${file}`,
  },
  {
    name: 'DELETE /v1/persons',
    method: 'DELETE',
    auth: 'key',
    segments: () => [],
    path: () => '/v1/persons',
    query: ['email', 'linkedin_url'],
  },
  {
    name: 'POST /v1/admin/retention/runs',
    method: 'POST',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/retention/runs',
    body: null,
  },
  {
    name: 'GET /v1/admin/retention/runs',
    method: 'GET',
    auth: 'admin',
    segments: () => [],
    path: () => '/v1/admin/retention/runs',
    query: ['limit'],
  },
];

// ---- the suite ---------------------------------------------------------------------------------

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe(`validation matrix (seed ${SEED}: rerun with FC_SEED=${SEED})`, () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let apiKey: string;
  let victim: string;
  let batchId: string;
  let redis: Redis;
  let queue: Queue;
  let monitorQueue: Queue;
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    // The seed is what makes a failure reproducible.
    console.log(
      `validation matrix: fast-check seed ${SEED}, ${RUNS} runs per route (FC_SEED / FC_RUNS to change)`,
    );
    db = await createTestDatabase();
    // No worker: a job that got through stays visible in the queue.
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      worker: false,
      // No worker answers an enrichment: POST /v1/enrich answers its 202 at once, whatever timeout_ms.
      // A master key: PUT /v1/providers/{name}/credentials gets past "not enabled" to its own checks.
      env: {
        HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
        ENRICH_TIMEOUT_MS: '0',
        ENRICH_TIMEOUT_MAX_MS: '0',
        CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'),
      },
    });
    apiKey = (await createWorkspace(stack.gatewayUrl, 'Matrix Caller')).apiKey;
    victim = (await createWorkspace(stack.gatewayUrl, 'Matrix Victim')).id;
    // A batch of the caller's, so the batch routes are reached past their 404 too.
    const batch = await fetch(`${stack.gatewayUrl}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Matrix target',
        records: [{ email: 'ada@acme.com' }],
        enrich: ['title'],
      }),
    });
    expect(batch.status).toBe(201);
    batchId = ((await batch.json()) as { batch: { id: string } }).batch.id;
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue('enrichment', { connection: redis, prefix });
    monitorQueue = new Queue(QUEUE_NAMES.creditMonitor, { connection: redis, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await monitorQueue?.close();
    redis?.disconnect();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  /** Everything a request could leave behind: rows of every table the API writes, limits, queued jobs. */
  async function footprint(): Promise<string> {
    // Reads of person data are audited in a batch written within 50 ms of their answer: an accepted
    // read just before a refusal must not count as written by it.
    await stack.gateway.get(AuditLog).flush();
    const [row] = await db.dataSource.query<Record<string, string>[]>(
      `SELECT (SELECT count(*) FROM workspaces) AS workspaces,
              (SELECT md5(COALESCE(string_agg(COALESCE(rate_limits::text, '-'), ',' ORDER BY id), '')) FROM workspaces) AS limits,
              (SELECT count(*) FROM api_keys) AS api_keys,
              (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL) AS revoked,
              (SELECT count(*) FROM enrichment_requests) AS requests,
              (SELECT count(*) FROM enrichment_steps) AS steps,
              (SELECT count(*) FROM workspace_quotas) AS quotas,
              (SELECT md5(COALESCE(string_agg(workspace_id::text || provider || monthly_credits::text || policy, ',' ORDER BY workspace_id, provider), '')) FROM workspace_quotas) AS quota_values,
              (SELECT count(*) FROM workspace_webhook_secrets) AS secrets,
              (SELECT count(*) FROM callback_deliveries) AS deliveries,
              (SELECT count(*) FROM batches) AS batches,
              (SELECT md5(COALESCE(string_agg(id::text || COALESCE(schedule::text, '-'), ',' ORDER BY id), '')) FROM batches) AS schedules,
              (SELECT count(*) FROM batch_records) AS batch_records,
              (SELECT md5(COALESCE(string_agg(status, ',' ORDER BY id), '')) FROM enrichment_requests) AS request_states,
              (SELECT count(*) FROM workspace_provider_credentials) AS credentials,
              (SELECT count(*) FROM exports) AS exports,
              (SELECT count(*) FROM audit_events) AS audit_events,
              (SELECT count(*) FROM suppressions) AS suppressions,
              (SELECT count(*) FROM persons) AS persons,
              (SELECT count(*) FROM retention_runs) AS retention_runs,
              (SELECT md5(COALESCE(string_agg(provider || overrides::text || updated_by || updated_at::text, ',' ORDER BY provider), '')) FROM provider_settings) AS provider_settings,
              (SELECT md5(COALESCE(string_agg(workspace_id::text || provider || fingerprint || updated_at::text, ',' ORDER BY workspace_id, provider), '')) FROM workspace_provider_credentials) AS credential_values`,
    );
    return JSON.stringify({ ...row, queued: await queue.count() });
  }

  async function send(request: Sent): Promise<{ status: number; text: string }> {
    const response = await fetch(`${stack.gatewayUrl}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, text: await response.text() };
  }

  function messageOf(text: string): unknown {
    try {
      return (JSON.parse(text) as { message?: unknown }).message;
    } catch {
      return undefined;
    }
  }

  it('answers the inputs the matrix once found 500s for with a 400 naming the problem', async () => {
    const before = await footprint();
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const [path, token, raw, problem] of [
      [
        '/v1/jobs',
        apiKey,
        '{"type":"company.profile","input":{"company_number":"07798925"},"options":null}',
        /options must be an object/,
      ],
      [
        '/v1/jobs/bulk',
        apiKey,
        '{"jobs":[{"type":"company.profile","input":{"company_number":"07798925"},"options":null}]}',
        /options must be an object/,
      ],
      [
        '/v1/admin/workspaces',
        TEST_ADMIN_TOKEN,
        '{"name":"Null Tier Co","tier":null}',
        /tier must be one of/,
      ],
      [
        '/v1/jobs',
        apiKey,
        `{"type":"company.profile","input":{"company_number":"07798925"},"options":{"a":${deep}}}`,
        /nested deeper than 32 levels/,
      ],
      ['/v1/webhook-secret/rotate', apiKey, deep, /nested deeper than 32 levels/],
      ['/v1/admin/workspaces', TEST_ADMIN_TOKEN, `{"name":${deep}}`, /nested deeper than 32 levels/],
      [
        '/v1/enrich',
        apiKey,
        '{"first_name":"Ada","last_name":"a\\u0000b","domain":"acme.com","enrich":["business_email"],"timeout_ms":0}',
        /last_name contains a NUL character/,
      ],
      [
        '/v1/jobs',
        apiKey,
        '{"type":"person.email","input":{"full_name":"Ada\\u0000","domain":"acme.com"}}',
        /input\.full_name contains a NUL character/,
      ],
      [
        '/v1/jobs/bulk',
        apiKey,
        '{"jobs":[{"type":"company.profile","input":{"company_number":"07798925","constructor":{"a":1}}}]}',
        /jobs\[0\]\.input uses the reserved key constructor;/,
      ],
      [
        '/v1/jobs',
        apiKey,
        '{"type":"company.profile","input":{"__proto__":{"company_number":"07798925"}}}',
        /input uses the reserved key __proto__;/,
      ],
      [
        '/v1/jobs',
        apiKey,
        '{"type":"email.verify","input":{"email":"erased.person\\u200b@example.com"}}',
        /input\.email .* is not an e-mail address: it holds an invisible or control character \(U\+200B\)/,
      ],
      [
        '/v1/jobs',
        apiKey,
        '{"type":"person.email","input":{"first_name":"A\\u200bb","last_name":"X","domain":"acme.com"}}',
        /input\.first_name .* holds an invisible or control character \(U\+200B\)/,
      ],
      [
        '/v1/enrich',
        apiKey,
        '{"first_name":"Ada","last_name":"Lee\\u0007","domain":"acme.com","enrich":["business_email"],"timeout_ms":0}',
        /last_name .* holds an invisible or control character \(U\+0007\)/,
      ],
      [
        '/v1/jobs',
        apiKey,
        '{"type":"person.email","input":{"linkedin_url":"linkedin.com/in/ada%zz"}}',
        /input\.linkedin_url .* is not a LinkedIn profile URL/,
      ],
    ] as const) {
      const answer = await send({
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'regression',
        },
        body: raw,
      });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.text).toMatch(problem);
    }
    expect(await footprint()).toBe(before);
  });

  it('refuses the impossible dates and unknown fields it once let through with a 400 naming them', async () => {
    const before = await footprint();
    const reportsBefore = await monitorQueue.count();
    const nobody = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, token, raw, problem] of [
      // Date.parse rolls 30 February over into 2 March: the report ran for another day.
      ['POST', '/v1/admin/reports/usage', TEST_ADMIN_TOKEN, '{"day":"2999-02-30"}', /day must be a date/],
      ['GET', '/v1/audit?from=2026-02-31', apiKey, undefined, /from must be an ISO 8601/],
      [
        'GET',
        '/v1/admin/audit?to=2026-04-31T00:00:00Z',
        TEST_ADMIN_TOKEN,
        undefined,
        /to must be an ISO 8601/,
      ],
      [
        'GET',
        '/v1/admin/data-quality?from=2026-02-30',
        TEST_ADMIN_TOKEN,
        undefined,
        /from must be an ISO 8601/,
      ],
      // ISO 8601 forms Date cannot read became an Invalid Date: a 500 (toISOString, or PostgreSQL).
      [
        'POST',
        '/v1/exports',
        apiKey,
        '{"format":"csv","created_after":"2026-W01-1"}',
        /created_after must be an ISO 8601/,
      ],
      [
        'POST',
        '/v1/exports',
        apiKey,
        '{"format":"csv","created_before":"2026-123"}',
        /created_before must be/,
      ],
      [
        'POST',
        '/v1/admin/jobs/retry-failed',
        TEST_ADMIN_TOKEN,
        '{"limit":1,"since":"2026-12-01T10"}',
        /since must be an ISO 8601/,
      ],
      // Date reads a negative year as a positive one: the export was saved from 1 January 2026.
      [
        'POST',
        '/v1/exports',
        apiKey,
        '{"format":"csv","created_after":"-2026-01-01"}',
        /created_after must be/,
      ],
      // PostgreSQL has no year 0: a cursor forged with one was a 500 (date/time field value out of range).
      ...(['/v1/jobs', '/v1/imports', '/v1/audit'] as const).map(
        (list) =>
          [
            'GET',
            `${list}?cursor=${Buffer.from(JSON.stringify(['0000-12-02 10:00:00+00', nobody])).toString('base64url')}`,
            apiKey,
            undefined,
            /cursor is not a next_cursor of this list/,
          ] as const,
      ),
      // A misspelt day ran yesterday's report instead.
      ['POST', '/v1/admin/reports/usage', TEST_ADMIN_TOKEN, '{"dya":"2026-11-30"}', /Unknown field\(s\) dya/],
      ['POST', `/v1/jobs/${nobody}/retry`, apiKey, '{"x":1}', /Unknown field\(s\) x/],
      ['POST', '/v1/webhook-secret/rotate', apiKey, '{"grace_s":0}', /Unknown field\(s\) grace_s/],
      // The other routes that take no body ignored one: a dry run deleted for real, a pause for 30
      // minutes lasted until resumed, a check of one provider read every balance.
      [
        'POST',
        '/v1/admin/retention/runs',
        TEST_ADMIN_TOKEN,
        '{"dry_run":true}',
        /Unknown field\(s\) dry_run/,
      ],
      [
        'POST',
        '/v1/admin/providers/snov/pause',
        TEST_ADMIN_TOKEN,
        '{"minutes":30}',
        /Unknown field\(s\) minutes/,
      ],
      ['POST', '/v1/admin/providers/snov/resume', TEST_ADMIN_TOKEN, '{"x":1}', /Unknown field\(s\) x/],
      [
        'POST',
        '/v1/admin/credits/check',
        TEST_ADMIN_TOKEN,
        '{"provider":"snov"}',
        /Unknown field\(s\) provider/,
      ],
      ['POST', `/v1/jobs/${nobody}/cancel`, apiKey, '{"reason":"dup"}', /Unknown field\(s\) reason/],
      [
        'POST',
        `/v1/jobs/${nobody}/callback/redeliver`,
        apiKey,
        '{"callback_url":"https://crm.example.com/hooks/new"}',
        /Unknown field\(s\) callback_url/,
      ],
      ['POST', `/v1/batches/${nobody}/cancel`, apiKey, '{"x":1}', /Unknown field\(s\) x/],
      ['GET', '/v1/batches?status=bogus', apiKey, undefined, /Unknown query parameter\(s\) status/],
      [
        'GET',
        `/v1/batches/${batchId}?status=failed`,
        apiKey,
        undefined,
        /Unknown query parameter\(s\) status/,
      ],
      ['GET', '/v1/credits/usage?bogus=1', apiKey, undefined, /Unknown query parameter\(s\) bogus/],
      ['GET', '/v1/alerts?severity=critical', apiKey, undefined, /Unknown query parameter\(s\) severity/],
      // Read by Number() once: 1e2, 0x10 and a leading space passed, where every other list refuses them.
      ['GET', '/v1/alerts?limit=1e2', apiKey, undefined, /limit must be a whole number from 1 to 500/],
      ['GET', '/v1/alerts?limit=0x10', apiKey, undefined, /limit must be a whole number from 1 to 500/],
      ['GET', '/v1/alerts?limit=%205', apiKey, undefined, /limit must be a whole number from 1 to 500/],
      // An erasure cannot be undone: it ran, and recorded the suppression, whatever else was asked.
      [
        'DELETE',
        '/v1/persons?email=ada@acme.com&dry_run=true',
        apiKey,
        undefined,
        /Unknown query parameter\(s\) dry_run/,
      ],
      [
        'DELETE',
        '/v1/persons?email=ada@acme.com&email=bob@acme.com',
        apiKey,
        undefined,
        /email may be given once\./,
      ],
      // Writes that read no query parameter ignored them: a dry run deleted for real, a pause for
      // 5 minutes lasted until resumed, a job was made and paid for.
      [
        'POST',
        '/v1/admin/retention/runs?dry_run=true',
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) dry_run; this route takes none/,
      ],
      [
        'POST',
        '/v1/admin/providers/snov/pause?minutes=5',
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) minutes/,
      ],
      [
        'POST',
        '/v1/jobs?dry_run=true',
        apiKey,
        '{"type":"company.profile","input":{"company_number":"07798925"}}',
        /Unknown query parameter\(s\) dry_run/,
      ],
      [
        'PUT',
        '/v1/admin/providers/snov/settings?reset=true',
        TEST_ADMIN_TOKEN,
        '{"credit_warning":50}',
        /Unknown query parameter\(s\) reset/,
      ],
      // Deletions that read no query parameter: a narrowing asked for was ignored and all went.
      [
        'DELETE',
        '/v1/admin/providers/snov/settings?only=credit_warning',
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) only/,
      ],
      [
        'DELETE',
        `/v1/admin/workspaces/${NIL_UUID}/keys/${NIL_UUID}?grace_days=7`,
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) grace_days/,
      ],
      [
        'DELETE',
        `/v1/admin/workspaces/${NIL_UUID}/quotas/snov?kind=refuse`,
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) kind/,
      ],
      [
        'DELETE',
        '/v1/providers/snov/credentials?force=true',
        apiKey,
        undefined,
        /Unknown query parameter\(s\) force/,
      ],
      [
        'DELETE',
        `/v1/batches/${NIL_UUID}/schedule?every_days=30`,
        apiKey,
        undefined,
        /Unknown query parameter\(s\) every_days/,
      ],
      [
        'GET',
        '/v1/admin/retention/runs?limt=5',
        TEST_ADMIN_TOKEN,
        undefined,
        /Unknown query parameter\(s\) limt/,
      ],
      // A critical threshold above the warning one: the warning would never be sent.
      [
        'PUT',
        '/v1/admin/providers/snov/settings',
        TEST_ADMIN_TOKEN,
        '{"credit_warning":5,"credit_critical":50}',
        /credit_critical \(50\) is above credit_warning \(5\)/,
      ],
    ] as const) {
      const answer = await send({
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(raw === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: raw,
      });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 400 });
      expect(answer.text).toMatch(problem);
    }
    expect(await footprint()).toBe(before);
    expect(await monitorQueue.count()).toBe(reportsBefore);
  });

  it('refuses a JSON body sent as another Content-Type with a 415 naming it, not as missing fields', async () => {
    const before = await footprint();
    const job = '{"type":"company.profile","input":{"company_number":"07798925"}}';
    for (const [path, contentType, problem] of [
      // What `curl -d` sends when not told otherwise: every field used to be "required".
      [
        '/v1/jobs',
        'application/x-www-form-urlencoded',
        /came as application\/x-www-form-urlencoded \(curl's -d/,
      ],
      ['/v1/jobs/bulk', 'text/plain', /came as text\/plain/],
      ['/v1/enrich', 'text/plain; charset=utf-8', /came as text\/plain/],
    ] as const) {
      const answer = await send({
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
        body: job,
      });
      expect({ path, status: answer.status }).toEqual({ path, status: 415 });
      expect(answer.text).toMatch(/The body must be JSON, sent with Content-Type: application\/json/);
      expect(answer.text).toMatch(problem);
    }
    expect(await footprint()).toBe(before);
  });

  it.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: never 5xx, 4xx names the problem, a refusal writes nothing',
    async (_name, route) => {
      const ids: Ids = {
        victim,
        provider: providerSegment(),
        workspace: fc.oneof({ weight: 2, arbitrary: fc.constant(victim) }, { weight: 1, arbitrary: segment }),
        batch: fc.oneof({ weight: 2, arbitrary: fc.constant(batchId) }, { weight: 1, arbitrary: segment }),
      };
      const sent = fc
        .record({
          segments: fc.tuple(...route.segments(ids)),
          query: route.query ? query(route.query) : fc.constant(''),
          body: route.body === undefined ? fc.constant(undefined) : body(route.body),
          contentType,
          idempotencyKey: route.method === 'POST' ? fc.option(headerValue, { freq: 3 }) : fc.constant(null),
          authorization: fc.oneof(
            { weight: 12, arbitrary: fc.constant<string | null>(null) },
            { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
            { weight: 1, arbitrary: headerValue },
          ),
        })
        .map(
          ({
            segments,
            query: search,
            body: payload,
            contentType: type,
            idempotencyKey,
            authorization,
          }): Sent => {
            const headers: Record<string, string> = {
              authorization: authorization ?? `Bearer ${route.auth === 'admin' ? TEST_ADMIN_TOKEN : apiKey}`,
            };
            if (payload !== undefined) {
              headers['content-type'] = type;
            }
            if (idempotencyKey !== null) {
              headers['idempotency-key'] = idempotencyKey;
            }
            const path = route.path(segments);
            return {
              method: route.method,
              path: search ? `${path}?${search}` : path,
              headers,
              body: payload,
            };
          },
        );

      await fc.assert(
        fc.asyncProperty(sent, async (request) => {
          const before = await footprint();
          const answer = await send(request);
          if (answer.status >= 500) {
            throw new Error(`${answer.status} ${answer.text.slice(0, 500)}`);
          }
          if (answer.status >= 400) {
            const message = messageOf(answer.text);
            const named =
              (typeof message === 'string' && message.trim().length > 0) ||
              (Array.isArray(message) &&
                message.length > 0 &&
                message.every((m) => typeof m === 'string' && m.trim().length > 0));
            if (!named) {
              throw new Error(
                `${answer.status} without a message naming the problem: ${answer.text.slice(0, 500)}`,
              );
            }
            const after = await footprint();
            if (after !== before) {
              throw new Error(`${answer.status} refused, yet something was written: ${before} -> ${after}`);
            }
          }
          if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeBefore.join()) {
            throw new Error('Object.prototype was polluted');
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
  );

  it('POST /v1/imports: no upload gives a 5xx, a refusal names its problem and leaves no live job', async () => {
    const csvText = fc.oneof(
      text,
      fc
        .tuple(
          fc.constantFrom(
            'company_number',
            'email',
            'Work Email,First',
            'first_name,last_name,domain',
            '',
            '"',
          ),
          fc.array(fc.oneof(text, fc.constantFrom('07798925', 'a@b.co', '"unclosed', ',,,', '\u0000')), {
            maxLength: 6,
          }),
        )
        .map(([header, rows]) => [header, ...rows].join('\n')),
    );
    const settings = fc.record(
      {
        type: fc.oneof(fc.constantFrom('company.profile', 'person.email', 'email.verify', 'enrich'), text),
        mapping: fc.oneof(
          fc.constantFrom('{"Work Email":"email"}', '{}', '[]', '{"a":"nope"}', 'null'),
          text,
        ),
        options: fc.oneof(fc.constantFrom('{"verify":true}', '{"fields":["title"]}', '1'), text),
        priority: fc.oneof(fc.constantFrom('bulk', 'interactive'), text),
      },
      { requiredKeys: [] },
    );
    const upload = fc.record({
      settings,
      csv: csvText,
      contentType: fc.constantFrom(
        'text/csv',
        'text/csv; charset=utf-8',
        'multipart/form-data; boundary=x',
        'application/json',
      ),
    });
    const live = async (): Promise<number> =>
      Number(
        (
          await db.dataSource.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM enrichment_requests WHERE status <> 'cancelled'`,
          )
        )[0]?.n,
      );
    await fc.assert(
      fc.asyncProperty(upload, async ({ settings: given, csv, contentType: type }) => {
        const before = await live();
        const search = new URLSearchParams(
          Object.entries(given).map(([k, v]): [string, string] => [k, urlPart(String(v))]),
        );
        const answer = await send({
          method: 'POST',
          path: `/v1/imports?${search.toString()}`,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': type },
          body: csv,
        });
        if (answer.status >= 500) {
          throw new Error(`${answer.status} ${answer.text.slice(0, 500)}`);
        }
        if (answer.status >= 400) {
          const message = messageOf(answer.text);
          if (
            !(typeof message === 'string' && message.trim()) &&
            !(Array.isArray(message) && message.length > 0)
          ) {
            throw new Error(
              `${answer.status} without a message naming the problem: ${answer.text.slice(0, 500)}`,
            );
          }
          // A refused file leaves no job to run (one refused part-way cancels what it had queued).
          if ((await live()) !== before) {
            throw new Error(
              `${answer.status} refused, yet jobs were left to run: ${answer.text.slice(0, 300)}`,
            );
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
