import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { EnrichmentRequest } from '@sluice/db';
import { Redis } from 'ioredis';
import { AuditLog } from '../../apps/gateway/src/audit/audit-log.service';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import {
  answerKey,
  calls,
  finished,
  people,
  PERSON_PROVIDERS,
  personInput,
  personProviderCalls,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { WorldCompany, WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

interface EnrichAnswer {
  job_id: string;
  status: string;
  cached: boolean;
  data: Record<string, unknown>;
  sources: Record<string, string>;
  confidence: Record<string, number>;
  attribution: string[];
  sandbox: boolean;
  notice?: string;
  poll?: string;
  unresolved?: { goal: string; reason: string; retry_later?: { provider: string; reason: string }[] }[];
}

describe('real-time enrichment (POST /v1/enrich)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Realtime Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const enrich = (body: Record<string, unknown>, token = apiKey) =>
    call<EnrichAnswer>(ctx.stack.gatewayUrl, 'POST', '/v1/enrich', { token, body });

  const totalCalls = (): Promise<number> => personProviderCalls(ctx.stack.sandboxUrl);

  it('answers every field asked, with its source and confidence, attributed and marked as sandbox data', async () => {
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    const fields = ['business_email', 'industry', 'company_size', 'zip_code'];
    const answer = await enrich({ ...personInput(person), enrich: fields, timeout_ms: 15_000 });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('completed');
    expect(answer.body.cached).toBe(false);
    expect(Object.keys(answer.body.data).sort()).toEqual([...fields].sort());
    expect(answer.body.data.business_email).toBe(person.email);
    expect(answer.body.sources.business_email).toBe('snov');
    // Firmographics come from RocketReach, whose data must carry its attribution.
    expect(answer.body.data.industry).toEqual(expect.any(String));
    expect(answer.body.sources.industry).toBe('rocketreach');
    expect(answer.body.attribution).toContain('Powered by RocketReach');
    for (const field of Object.keys(answer.body.sources)) {
      expect(answer.body.data[field]).not.toBeNull();
      expect(answer.body.confidence[field]).toBeGreaterThan(0);
      expect(answer.body.confidence[field]).toBeLessThanOrEqual(1);
    }
    // The zip code is the company's head office's, from the same company lookup.
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    const company = companies.find((c) => c.domain === person.domain) as WorldCompany;
    expect(answer.body.data.zip_code).toBe(company.postal_code);
    expect(answer.body.sources.zip_code).toBe('rocketreach');
    expect(answer.body.sandbox).toBe(true);
    expect(answer.body.notice).toMatch(/sandbox/i);

    // The same question again (identifiers written differently): from the cache, no provider touched.
    const before = await totalCalls();
    const again = await enrich({
      first_name: person.first_name.toUpperCase(),
      last_name: ` ${person.last_name} `,
      domain: person.domain.toUpperCase(),
      enrich: [...fields].reverse(),
    });
    expect(again.status).toBe(200);
    expect(again.body.cached).toBe(true);
    expect(again.body.job_id).toBe(answer.body.job_id);
    expect(again.body.data).toEqual(answer.body.data);
    expect(await totalCalls()).toBe(before);

    // Another workspace does not get this workspace's answer (nor its job id).
    const other = (await createWorkspace(ctx.stack.gatewayUrl, 'Other Co')).apiKey;
    const theirs = await enrich({ ...personInput(person), enrich: fields, timeout_ms: 15_000 }, other);
    expect(theirs.body.cached).toBe(false);
    expect(theirs.body.job_id).not.toBe(answer.body.job_id);
  });

  it('serves cached answers under the same key scopes, rate limit, audit, metrics and headers as any request', async () => {
    const { stack, db } = ctx;
    const admin = (method: string, path: string, body?: unknown) =>
      call<Record<string, unknown>>(stack.gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });
    const { id: workspaceId, apiKey: key } = await createWorkspace(stack.gatewayUrl, 'Cached Co');
    const person = world.find((p) => p.emails.snov === p.email && p !== world[0]) as WorldPerson;
    const question = { ...personInput(person), enrich: ['business_email'] };
    const first = await enrich({ ...question, timeout_ms: 15_000 }, key);
    expect(first.body.cached).toBe(false);
    expect(
      (await admin('PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, { per_minute: 4 })).status,
    ).toBe(200);

    // Three cached answers use the minute's last three requests, each with its headers.
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const cached = await call<EnrichAnswer>(stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: key,
        body: question,
        headers: { 'x-request-id': `cached-read-${i}` },
      });
      expect(cached.status).toBe(200);
      expect(cached.body.cached).toBe(true);
      expect(cached.body.data.business_email).toBe(person.email);
      expect(cached.headers.get('x-request-id')).toBe(`cached-read-${i}`);
      expect(cached.headers.get('content-type')).toMatch(/^application\/json/);
      remaining.push(String(cached.headers.get('ratelimit-remaining')));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    // The fifth request of the minute is refused, cached answer or not, and takes no slot.
    const refused = await call<{ code: string }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: key,
      body: question,
    });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    await admin('PATCH', `/v1/admin/workspaces/${workspaceId}/limits`, { per_minute: null });

    // Each cached read is audited with the key that made it (in a batch written shortly after).
    const audited = async (): Promise<number> =>
      (
        await db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_events
            WHERE workspace_id = $1 AND action = 'enrich.read' AND details->>'cached' = 'true'`,
          [workspaceId],
        )
      )[0]?.n ?? 0;
    await eventually(async () => (await audited()) >= 3 || undefined, { what: 'the cached reads audited' });
    expect(await audited()).toBe(3);

    // A key without the enrich scope is refused even for a cached answer; no key at all is a 401.
    const reader = await admin('POST', `/v1/admin/workspaces/${workspaceId}/keys`, {
      name: 'reader',
      scopes: ['jobs:read'],
    });
    const forbidden = await enrich(question, String(reader.body.api_key));
    expect(forbidden.status).toBe(403);
    const anonymous = await call(stack.gatewayUrl, 'POST', '/v1/enrich', { body: question });
    expect(anonymous.status).toBe(401);
    // A bad body is still named, whatever the cache holds.
    const bad = await enrich({ ...question, colour: 'red' }, key);
    expect(bad.status).toBe(400);

    // An Idempotency-Key replays its first answer.
    const keyed = (body: unknown) =>
      call<EnrichAnswer>(stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: key,
        body,
        headers: { 'idempotency-key': 'cached-read-once' },
      });
    const once = await keyed(question);
    expect(once.status).toBe(200);
    const twice = await keyed(question);
    expect(twice.headers.get('idempotent-replayed')).toBe('true');
    expect(twice.body.job_id).toBe(once.body.job_id);

    // Cached answers are timed under their route like every other request.
    const metrics = await fetch(`${stack.gatewayUrl}/metrics`).then((response) => response.text());
    const served =
      /sluice_http_request_duration_seconds_count\{[^}]*route="\/v1\/enrich",status="200"[^}]*\} (\d+)/.exec(
        metrics,
      );
    expect(Number(served?.[1])).toBeGreaterThanOrEqual(5);
  });

  it('reads the body of a cached request as the JSON parser does, however it is sent', async () => {
    const { id: workspaceId, apiKey: key } = await createWorkspace(ctx.stack.gatewayUrl, 'Bodies Co');
    const person = world.find(
      (p) => p.emails.snov === p.email && p !== world[0] && p !== world[1],
    ) as WorldPerson;
    const question = { ...personInput(person), enrich: ['business_email'] };
    expect((await enrich({ ...question, timeout_ms: 15_000 }, key)).body.cached).toBe(false);
    const { port } = new URL(ctx.stack.gatewayUrl);
    const send = (
      headers: Record<string, string>,
      body: Buffer,
      options: { chunked?: boolean } = {},
    ): Promise<{ status: number; body: Record<string, unknown>; poweredBy: unknown }> =>
      new Promise((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port: Number(port),
            method: 'POST',
            path: '/v1/enrich',
            headers: {
              authorization: `Bearer ${key}`,
              ...(options.chunked ? {} : { 'content-length': String(body.length) }),
              ...headers,
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                poweredBy: response.headers['x-powered-by'],
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
              }),
            );
          },
        );
        request.on('error', reject);
        if (options.chunked) {
          // Two chunks, no Content-Length: Express's parser reads it.
          request.write(body.subarray(0, 10));
          request.end(body.subarray(10));
        } else {
          request.end(body);
        }
      });
    const json = Buffer.from(JSON.stringify(question));
    const cachedWith = async (
      headers: Record<string, string>,
      body: Buffer,
      chunked = false,
    ): Promise<'ahead of Express' | 'Express'> => {
      const answer = await send(headers, body, { chunked });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ cached: true, data: { business_email: person.email } });
      // Express marks every answer it writes; the path ahead of it writes with Node's own.
      return answer.poweredBy === 'Express' ? 'Express' : 'ahead of Express';
    };
    // The same cached answer, whether the fast path reads the body or Express's parser does.
    expect(await cachedWith({ 'content-type': 'application/json' }, json)).toBe('ahead of Express');
    expect(
      await cachedWith(
        { 'content-type': 'application/json; charset=utf-8' },
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]),
      ),
    ).toBe('ahead of Express');
    expect(await cachedWith({ 'content-type': 'application/json' }, json, true)).toBe('Express');
    expect(
      await cachedWith({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(json)),
    ).toBe('Express');
    expect(await cachedWith({ 'content-type': 'application/merge-patch+json' }, json)).toBe(
      'ahead of Express',
    );

    // Bad bodies get the same 4xx, naming the problem, and are neither counted nor audited.
    const malformed = await send({ 'content-type': 'application/json' }, Buffer.from('{"email": "ada@'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^Malformed JSON body: /);
    const nul = await send(
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ ...question, first_name: 'A\u0000da' })),
    );
    expect(nul.status).toBe(400);
    expect(nul.body.message).toContain('first_name contains a NUL');
    const large = await send(
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ ...question, pad: 'x'.repeat(1_100_000) })),
    );
    expect(large.status).toBe(413);
    const text = await send({ 'content-type': 'text/plain' }, json);
    expect(text.status).toBe(415);
    expect(text.body.message).toMatch(/The body must be JSON.*came as text\/plain/);
    const latin1 = await send({ 'content-type': 'application/json; charset=latin1' }, json);
    expect(latin1.status).toBe(415);

    // Five served from the cache, each audited once; the refused ones left no row.
    await ctx.stack.gateway.get(AuditLog).flush();
    const rows = await ctx.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE workspace_id = $1 AND action = 'enrich.read'`,
      [workspaceId],
    );
    expect(rows[0]?.n).toBe(5 + 1);
  });

  it('serves a cached answer only to a query whose max_age_days it is young enough for; never with 0', async () => {
    const { id: workspaceId, apiKey: key } = await createWorkspace(ctx.stack.gatewayUrl, 'Fresh Answers Co');
    const person = world.filter((p) => p.emails.snov === p.email)[6];
    const question = { ...personInput(person), enrich: ['business_email'], timeout_ms: 15_000 };
    const ask = async (options?: Record<string, unknown>) => {
      const answer = await enrich(options ? { ...question, options } : question, key);
      expect(answer.status).toBe(200);
      expect(answer.body.data.business_email).toBe(person.email);
      return answer.body;
    };

    expect((await ask()).cached).toBe(false);
    let before = await totalCalls();
    // Without max_age_days: from the cache, no provider touched.
    expect((await ask()).cached).toBe(true);
    expect(await totalCalls()).toBe(before);

    // max_age_days: 0 asks the provider, every time: its answer is never served from the cache.
    for (let i = 0; i < 2; i += 1) {
      const fresh = await ask({ max_age_days: 0 });
      expect(fresh.cached).toBe(false);
      const now = await totalCalls();
      expect(now).toBeGreaterThan(before);
      before = now;
    }

    // An answer made of the provider cache's (of an age the job does not tell) is not kept for a
    // query with max_age_days: the next one is a new job, which the provider cache answers again.
    const fromCache = await ask({ max_age_days: 1 });
    expect(fromCache.cached).toBe(false);
    before = await totalCalls();
    const again = await ask({ max_age_days: 1 });
    expect(again.cached).toBe(false);
    expect(await totalCalls()).toBe(before);

    // max_age_days: 1 is served an answer its job paid for a moment ago, not one made two days ago.
    const other = world.filter((p) => p.emails.snov === p.email)[7];
    const otherQuestion = { ...personInput(other), enrich: ['business_email'], timeout_ms: 15_000 };
    const askOther = async (options?: Record<string, unknown>) => {
      const answer = await enrich(options ? { ...otherQuestion, options } : otherQuestion, key);
      expect(answer.status).toBe(200);
      expect(answer.body.data.business_email).toBe(other.email);
      return answer.body;
    };
    expect((await askOther({ max_age_days: 1 })).cached).toBe(false);
    before = await totalCalls();
    const recent = await askOther({ max_age_days: 1 });
    expect(recent.cached).toBe(true);
    expect(await totalCalls()).toBe(before);
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keys = await redis.keys(`${ctx.prefix}:enrich:answer:${workspaceId}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const entryKey of keys) {
        const entry = JSON.parse((await redis.get(entryKey)) as string) as Record<string, unknown>;
        expect(entry.cached_at).toEqual(expect.any(Number));
        const twoDaysAgo = Date.now() - 2 * 24 * 3600 * 1000;
        await redis.set(entryKey, JSON.stringify({ ...entry, cached_at: twoDaysAgo }), 'KEEPTTL');
      }
      // Two days on, the markers of the jobs that made them (kept for seconds) are long gone too.
      const markers = await redis.keys(`${ctx.prefix}:enrich:inflight:${workspaceId}:*`);
      expect(markers.length).toBeGreaterThan(0);
      await redis.del(...markers);
    } finally {
      redis.disconnect();
    }
    const refetched = await askOther({ max_age_days: 1 });
    expect(refetched.cached).toBe(false);
    // A new job: the provider cache and the store answer it as max_age_days allows (fetched today).
    expect(refetched.job_id).not.toBe(recent.job_id);
    // The two-day-old answer still serves a query that accepts it.
    before = await totalCalls();
    expect((await ask()).cached).toBe(true);
    expect(await totalCalls()).toBe(before);
  });

  it('neither caches nor joins an answer a provider could not give for a reason that passes, and says why', async () => {
    // Someone only Apollo knows the address of; Apollo paused by an operator (as for credits).
    const person = [...world]
      .reverse()
      .find((p) => Object.keys(p.emails).join() === 'apollo' && p.emails.apollo === p.email) as WorldPerson;
    expect(person).toBeDefined();
    const question = { ...personInput(person), enrich: ['business_email'], timeout_ms: 15_000 };
    const admin = (action: string) =>
      call(ctx.stack.gatewayUrl, 'POST', `/v1/admin/providers/apollo/${action}`, { token: TEST_ADMIN_TOKEN });
    expect((await admin('pause')).status).toBe(200);
    let held: EnrichAnswer;
    try {
      const answer = await enrich(question);
      expect(answer.status).toBe(200);
      held = answer.body;
    } finally {
      expect((await admin('resume')).status).toBe(200);
    }
    expect(held.data.business_email).toBeNull();
    expect(held.unresolved).toEqual([
      {
        goal: 'email',
        reason: expect.any(String) as string,
        retry_later: [{ provider: 'apollo', reason: 'paused_by_operator' }],
      },
    ]);
    // Asked again at once (its job's in-flight marker still there): a new job, which asks Apollo.
    const again = await enrich(question);
    expect(again.status).toBe(200);
    expect(again.body.cached).toBe(false);
    expect(again.body.job_id).not.toBe(held.job_id);
    expect(again.body.data.business_email).toBe(person.email);
    expect(again.body.sources.business_email).toBe('apollo');
    expect(again.body.unresolved).toBeUndefined();
    // That answer is whole: the next is served from the answer cache.
    expect((await enrich(question)).body.cached).toBe(true);
  });

  it("answers a person it cannot find with none of the company's data as theirs", async () => {
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    // A company no other test here asks about (its answers would be cached).
    const company = companies[companies.length - 1];
    const answer = await enrich({
      first_name: 'Nobody',
      last_name: 'Zzyzx-Unknown',
      domain: company.domain,
      enrich: ['linkedin_url', 'city', 'country', 'location', 'industry', 'zip_code'],
      timeout_ms: 15_000,
    });
    expect(answer.status).toBe(200);
    // The company's LinkedIn page and head office are the company's, not the person's.
    expect(answer.body.data).toEqual({
      linkedin_url: null,
      city: null,
      country: null,
      location: null,
      industry: company.firmographics.industry,
      zip_code: company.postal_code,
    });
    expect(Object.keys(answer.body.sources).sort()).toEqual(['industry', 'zip_code']);
    expect(answer.body.unresolved).toEqual(
      expect.arrayContaining([expect.objectContaining({ goal: 'profile' })]),
    );
  });

  it('looks up the firmographics of the company the profile names when the caller gives only an e-mail', async () => {
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    // At a company the first test has not had RocketReach look up (its answer would be cached).
    const firstCompany = world.find((p) => p.emails.snov === p.email)?.domain;
    const person = world.find(
      (p) =>
        p.emails.apollo === p.email &&
        p.emails.rocketreach === p.email &&
        p !== world[0] &&
        p.domain !== firstCompany,
    ) as WorldPerson;
    const company = companies.find((c) => c.domain === person.domain) as WorldCompany;
    const answer = await enrich({
      email: person.email,
      enrich: ['industry', 'company_size', 'country'],
      timeout_ms: 15_000,
    });
    expect(answer.status).toBe(200);
    // The firmographics step asks by the domain the person's profile gave, not by nothing at all:
    // Apollo's match returned the person's organization with the profile, which answers it (Apollo
    // writes industries in lower case), so RocketReach's company lookup is not bought. Apollo names
    // the country (`United Kingdom`); the answer gives its ISO code, as for every provider.
    expect(answer.body.data).toEqual({
      industry: company.firmographics.industry.toLowerCase(),
      company_size: company.firmographics.employees,
      country: 'GB',
    });
    expect(answer.body.sources).toEqual({ industry: 'apollo', company_size: 'apollo', country: 'apollo' });
    const view = await finished(ctx.stack, apiKey, answer.body.job_id);
    expect(view.steps.find((step) => step.goal === 'firmographics')).toMatchObject({
      provider: 'rocketreach',
      state: 'completed',
      reason: null,
      cached: true,
      credits: 0,
    });
    expect(view.result?.credits_spent).toBe(1);
  });

  it('replays an Idempotency-Key with the status of the first answer: 200, or 202 for a job still running', async () => {
    const [done, slow, queued] = world.filter((p) => p.emails.snov === p.email).slice(3, 6);
    const keyed = (path: string, key: string, body: unknown) =>
      call<Record<string, unknown>>(ctx.stack.gatewayUrl, 'POST', path, {
        token: apiKey,
        body,
        headers: { 'idempotency-key': key },
      });
    const answered = { ...personInput(done), enrich: ['business_email'], timeout_ms: 15_000 };
    const unfinished = { ...personInput(slow), enrich: ['business_email'], timeout_ms: 0 };
    const records = { records: [personInput(queued)], enrich: ['business_email'] };
    for (const [path, key, body, status] of [
      ['/v1/enrich', 'replay-200', answered, 200],
      ['/v1/enrich', 'replay-202', unfinished, 202],
      ['/v1/enrich/enqueue', 'replay-enqueue', records, 202],
    ] as const) {
      const first = await keyed(path, key, body);
      expect(first.status).toBe(status);
      const again = await keyed(path, key, body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.status).toBe(status);
      expect(again.body).toEqual(first.body);
    }
  });

  it('answers 202 with the job id at the timeout when a provider is slow, and the job still finishes', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 4_000 });
    try {
      const person = world[5];
      const started = Date.now();
      const answer = await enrich({ domain: person.domain, enrich: ['industry'], timeout_ms: 300 });
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(202);
      expect(answer.body.job_id).toEqual(expect.any(String));
      expect(answer.body.poll).toBe(`/v1/jobs/${answer.body.job_id}`);
      // It answered at its timeout, not when the provider did (a loose bound on a busy machine).
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(3_500);
      const view = await finished(ctx.stack, apiKey, answer.body.job_id, 30_000);
      expect(view.status).toBe('completed');
      expect(typeof (view.result?.data as Record<string, unknown> | undefined)?.industry).toBe('string');
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 0 });
    }
  });

  it('gives an identical query a new job once the one it would join was cancelled, and joins one still running', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 4_000 });
    try {
      const query = { domain: (world.at(-1) as WorldPerson).domain, enrich: ['industry'], timeout_ms: 200 };
      const first = await enrich(query);
      expect(first.status).toBe(202);
      const cancel = await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${first.body.job_id}/cancel`, {
        token: apiKey,
      });
      expect(cancel.status).toBe(200);
      // Within the in-flight marker's life: the cancelled job is not handed back.
      const second = await enrich(query);
      expect(second.status).toBe(202);
      expect(second.body.job_id).not.toBe(first.body.job_id);
      // A third, while the second runs, joins it.
      const third = await enrich(query);
      expect(third.body.job_id).toBe(second.body.job_id);
      const view = await finished(ctx.stack, apiKey, second.body.job_id, 30_000);
      expect(view.status).toBe('completed');
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 0 });
    }
  });

  it('makes one job for identical queries that arrive together, and every one of them is answered from it', async () => {
    for (let round = 0; round < 3; round += 1) {
      // An address nobody has asked about yet: nothing cached, nothing in flight.
      const query = {
        email: `together-${round}-${Date.now()}@example.com`,
        enrich: ['email_status'],
        timeout_ms: 0,
      };
      const answers = await Promise.all(Array.from({ length: 8 }, () => enrich(query)));
      const ids = new Set(answers.map((answer) => answer.body.job_id));
      // 202 while the job runs, 200 for those that joined it once it had finished: one job either way.
      expect({
        round,
        refused: answers.filter((a) => a.status !== 200 && a.status !== 202),
        jobs: ids.size,
      }).toEqual({ round, refused: [], jobs: 1 });
      const rows = await ctx.db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM enrichment_requests WHERE input->>'email' = $1`,
        [query.email],
      );
      expect(rows[0].n).toBe(1);
    }
  });

  it('refuses bad input with a 400 naming the problem, and writes nothing', async () => {
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    const before = await requests.count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: 'ada@acme.com', enrich: ['shoe_size'] }, /unknown field.*shoe_size/],
      [{ enrich: ['title'] }, /no identifier/],
      [{ email: 'not-an-email', enrich: ['title'] }, /email "not-an-email" is not an e-mail address/],
      [{ domain: 'acme.com', enrich: ['title'] }, /title cannot be looked up.*linkedin_url/],
      [{ email: 'ada@acme.com' }, /enrich must be a non-empty list/],
      [{ email: 'ada@acme.com', enrich: ['title'], colour: 'red' }, /unknown member.*colour/],
      [{ email: 'ada@acme.com', enrich: ['title'], timeout_ms: -1 }, /timeout_ms/],
      [{ email: 'ada@acme.com', enrich: ['title'], options: { phone_type: 'fax' } }, /phone_type/],
    ];
    for (const [body, message] of cases) {
      const answer = await enrich(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(String((answer.body as unknown as { message: unknown }).message)).toMatch(message);
    }
    expect(await requests.count()).toBe(before);
  });

  it('enqueues records in bulk, reports the bad ones by index, and answers each with the fields asked', async () => {
    const [a, b] = world.filter((p) => p.emails.snov === p.email);
    const answer = await call<{
      accepted: { index: number; id: string }[];
      rejected: { index: number; errors: string[] }[];
    }>(ctx.stack.gatewayUrl, 'POST', '/v1/enrich/enqueue', {
      token: apiKey,
      body: {
        records: [personInput(a), { email: 'nope' }, personInput(b), { shoe: 1 }],
        enrich: ['business_email', 'company_name'],
      },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted.map((entry) => entry.index)).toEqual([0, 2]);
    expect(answer.body.rejected.map((entry) => entry.index)).toEqual([1, 3]);
    expect(answer.body.rejected[0]?.errors.join(' ')).toMatch(/email/);
    expect(answer.body.rejected[1]?.errors.join(' ')).toMatch(/unknown identifier.*shoe/);
    for (const [i, person] of [a, b].entries()) {
      const view = await finished(ctx.stack, apiKey, (answer.body.accepted[i] as { id: string }).id, 30_000);
      expect(view.status).toBe('completed');
      const data = view.result?.data as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(['business_email', 'company_name']);
      expect(data.business_email).toBe(person?.email);
      expect(typeof data.company_name).toBe('string');
    }
  });

  it('refuses a callback_url that POST /v1/jobs refuses, with its message, and writes nothing', async () => {
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    const before = await requests.count();
    const person = personInput(world[0]);
    const long = `https://crm.example.com/hooks/${'a'.repeat(5_020 - 30)}`;
    expect(long).toHaveLength(5_020);
    for (const [url, message] of [
      [long, 'callback_url must be shorter than or equal to 2048 characters'],
      // An underscore in the host name: new URL() takes it, POST /v1/jobs does not.
      ['https://crm_hooks/sluice', 'callback_url must be an http(s) URL'],
    ] as const) {
      const enqueued = await call<{ message: unknown }>(ctx.stack.gatewayUrl, 'POST', '/v1/enrich/enqueue', {
        token: apiKey,
        body: { records: [person], enrich: ['business_email'], callback_url: url },
      });
      expect({ url: url.slice(0, 40), status: enqueued.status, message: enqueued.body.message }).toEqual({
        url: url.slice(0, 40),
        status: 400,
        message,
      });
      const job = await call<{ message: unknown }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'enrich', input: person, options: { fields: ['business_email'] }, callback_url: url },
      });
      expect(job.status).toBe(400);
      expect(job.body.message).toEqual([message]);
      const stored = await ctx.db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM enrichment_requests WHERE callback_url = $1',
        [url],
      );
      expect(stored[0]?.n).toBe(0);
    }
    expect(await requests.count()).toBe(before);
  });

  it('buys no work e-mail and no firmographics that the profile lookup already paid for, and verifies the profile’s address', async () => {
    // A workspace of its own: nothing earlier tests stored or cached answers for it.
    const token = (await createWorkspace(ctx.stack.gatewayUrl, 'Profile First Co')).apiKey;
    // Named at a company by its name only. Apollo's match gives the profile with the work address
    // and the organization (its industry among the firmographics).
    const person = world.find(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    ) as WorldPerson;
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          PERSON_PROVIDERS.map(async (provider) => [
            provider,
            (await calls(ctx.stack.sandboxUrl, provider)).total,
          ]),
        ),
      ) as Record<string, number>;
    const before = await counts();
    const answer = await enrich(
      {
        first_name: person.first_name,
        last_name: person.last_name,
        company_name: person.company_name,
        enrich: ['title', 'business_email', 'email_status', 'industry'],
        timeout_ms: 15_000,
      },
      token,
    );
    expect(answer.body.status).toBe('completed');
    expect(answer.body.data).toMatchObject({ business_email: person.email, email_status: 'valid' });
    expect(answer.body.sources).toMatchObject({
      business_email: 'apollo',
      email_status: 'email-verifier',
      industry: 'apollo',
    });
    expect(answer.body.data.industry).toEqual(expect.any(String));
    const view = await finished(ctx.stack, token, answer.body.job_id);
    // One paid lookup: the e-mail goal bought nothing, the firmographics came from the store (the
    // organization Apollo's match returned, asked at the domain the profile gave).
    expect(view.steps.map((s) => [s.goal, s.provider, s.state, s.cached, Number(s.credits) > 0])).toEqual([
      ['profile', 'apollo', 'completed', false, true],
      ['verify', 'email-verifier', 'completed', false, true],
      ['firmographics', 'rocketreach', 'completed', true, false],
    ]);
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    expect(view.result?.verification).toMatchObject({ email: person.email, source: 'email-verifier' });
    const after = await counts();
    expect(
      Object.fromEntries(PERSON_PROVIDERS.map((provider) => [provider, after[provider] - before[provider]])),
    ).toEqual({
      snov: 0,
      apollo: 1,
      rocketreach: 0,
      'orion-connect': 0,
      'astra-dialer': 0,
      'nimbus-lookup': 0,
      'email-verifier': 1,
    });
  });

  it('asks each e-mail finder in turn when the profile’s address was refused, instead of answering it with that refusal', async () => {
    const token = (await createWorkspace(ctx.stack.gatewayUrl, 'Refused Address Co')).apiKey;
    // RocketReach's profile gives the work address, which the goal refuses (invalid, or catch-all
    // without accept_catch_all); Apollo does not know the person, Snov.io does.
    const person = world.find(
      (p) =>
        ['invalid', 'catch_all'].includes(p.email_status) &&
        !p.emails.apollo &&
        p.emails.rocketreach === p.email &&
        p.emails.snov,
    ) as WorldPerson;
    expect(person).toBeDefined();
    const before = await calls(ctx.stack.sandboxUrl, 'snov');
    const answer = await enrich(
      { ...personInput(person), enrich: ['title', 'business_email'], timeout_ms: 15_000 },
      token,
    );
    expect(answer.body.status).toBe('completed');
    const view = await finished(ctx.stack, token, answer.body.job_id);
    expect(view.steps.filter((s) => s.goal === 'profile').map((s) => [s.provider, s.state])).toEqual([
      ['apollo', 'failed'],
      ['rocketreach', 'completed'],
    ]);
    // Snov.io, first of the finders, was asked for itself: the stored answer of RocketReach's
    // profile, refused, did not stand for its own (it would have been the step's answer, refused
    // again, without a call).
    const email = view.steps.filter((s) => s.goal === 'email');
    // RocketReach, whose profile it is, is not asked again: its lookup returns the same profile.
    expect(email[0]).toMatchObject({ provider: 'rocketreach', state: 'skipped', reason: 'same_profile' });
    expect(email.find((s) => s.state !== 'skipped')).toMatchObject({ provider: 'snov', cached: false });
    expect((await calls(ctx.stack.sandboxUrl, 'snov')).total).toBeGreaterThan(before.total);
  });

  it('takes enrich jobs through POST /v1/jobs too, and requires their fields', async () => {
    const missing = await call(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'enrich', input: { email: 'ada@acme.com' } },
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/options\.fields/);
    const misplaced = await call(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'ada@acme.com' }, options: { fields: ['title'] } },
    });
    expect(misplaced.status).toBe(400);
    expect(JSON.stringify(misplaced.body)).toMatch(/enrich only/);
  });
});

describe('a person whose profile one provider gave, without a work e-mail', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // RocketReach alone finds e-mails and profiles here.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('is not looked up again at that provider for the e-mail: the same lookup gives the same profile', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Profile Only Co');
    // Known to RocketReach (a number on its profile) but without a work address there.
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => p.phones.rocketreach && !p.emails.rocketreach,
    ) as WorldPerson;
    expect(person).toBeDefined();
    const answer = await call<{ job_id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: apiKey,
      body: {
        first_name: person.first_name,
        last_name: person.last_name,
        domain: person.domain,
        linkedin_url: person.linkedin_url,
        enrich: ['title', 'business_email'],
        timeout_ms: 0,
      },
    });
    expect([200, 202]).toContain(answer.status);
    const job = await finished(ctx.stack, apiKey, answer.body.job_id);
    const atRocketReach = job.steps.filter((s) => s.provider === 'rocketreach');
    expect(atRocketReach.map((s) => [s.goal, s.provider, s.state, s.reason])).toEqual([
      ['profile', 'rocketreach', 'completed', null],
      ['email', 'rocketreach', 'skipped', 'same_profile'],
    ]);
    const lookups = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    expect(lookups.by_endpoint['GET /person/lookup']).toBe(1);
  });
});
