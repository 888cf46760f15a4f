import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { In } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import type { CallCounts } from '../support/pipeline';
import { busiestWindow } from '../support/rate-window';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

const LIMIT = 6;
const RESULT = 'GET /v2/emails-by-domain-by-name/result';

interface Context {
  stack: Stack;
  db: TestDatabase;
  apiKey: string;
  /** People Snov.io finds an address for. */
  people: WorldPerson[];
}

/**
 * A stack for the enclosing describe block whose one e-mail finder is Snov.io, under `snovLimit`
 * calls a minute in Sluice's window, with `env` besides.
 */
function snovOnly(snovLimit: number, env: Record<string, string> = {}): () => Context {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let ctx: Context | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      env: {
        PROVIDER_OVERRIDES: JSON.stringify({
          apollo: { enabled: false },
          rocketreach: { enabled: false },
          snov: { rateLimits: [{ name: 'minute', limit: snovLimit, windowMs: 60_000 }] },
        }),
        ...env,
      },
    });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Snov Limits Co');
    const world = await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300');
    ctx = { stack, db, apiKey, people: world.body.filter((p) => p.emails.snov) };
  });
  afterAll(async () => {
    await ctx?.stack.close();
    await ctx?.db.drop();
    await deletePrefix(redisUrl, prefix);
  });
  return () => ctx as Context;
}

async function snovCalls(stack: Stack): Promise<CallCounts> {
  return (await call<CallCounts>(stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/calls')).body;
}

async function limitSandbox(stack: Stack, settings: Record<string, unknown>): Promise<void> {
  const patched = await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/snov', { body: settings });
  expect(patched.status).toBe(200);
}

/** Asks for each person's work e-mail; answers the jobs' ids. */
async function askEmails(ctx: Context, people: readonly WorldPerson[]): Promise<string[]> {
  const ids: string[] = [];
  for (const p of people) {
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: ctx.apiKey,
      body: {
        type: 'person.email',
        input: { first_name: p.first_name, last_name: p.last_name, domain: p.domain },
        priority: 'bulk',
      },
    });
    expect(created.status).toBe(202);
    ids.push(created.body.id);
  }
  return ids;
}

/**
 * An asynchronous provider counts every request against its limit: the start of a task, each poll
 * for its result, the OAuth token fetched first (Snov.io: 60 a minute per account, whatever the
 * endpoint). Each takes a slot in the provider's shared window, not only the start.
 */
describe('a rate limit of an asynchronous provider', () => {
  const context = snovOnly(LIMIT);

  it('counts each poll for a task’s result and the token fetch against it, and answers within it', async () => {
    const ctx = context();
    // The provider refuses what passes its limit, as Snov.io would.
    await limitSandbox(ctx.stack, { rate_limit: { limit: LIMIT, window_seconds: 60 } });
    expect(ctx.people.length).toBeGreaterThanOrEqual(10);
    const ids = await askEmails(ctx, ctx.people.slice(0, 10));
    await eventually(async () => (await snovCalls(ctx.stack)).total >= LIMIT || undefined, {
      timeoutMs: 20_000,
      what: `${LIMIT} Snov.io calls`,
    });
    // Time for the polls of every started task, and for further starts the window must refuse.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const counts = await snovCalls(ctx.stack);
    // Every call counted: the token, any balance read, each start and each poll.
    expect(counts.by_endpoint['POST /v1/oauth/access_token']).toBe(1);
    expect(counts.by_endpoint[RESULT]).toBeGreaterThanOrEqual(1);
    expect(counts.total).toBe(LIMIT);
    expect(busiestWindow(counts.recent, 60_000)).toBeLessThanOrEqual(LIMIT);
    // None refused: every call Sluice made was inside the limit.
    expect(counts.rate_limited).toEqual({});
    // The tasks started inside the window were polled inside it and answered: found by Snov.io,
    // none failed.
    const polled = counts.by_endpoint[RESULT] ?? 0;
    const steps = ctx.db.dataSource.getRepository(EnrichmentStep);
    await eventually(
      async () =>
        (await steps.countBy({ requestId: In(ids), provider: 'snov', state: 'completed' })) >= 1 || undefined,
      { timeoutMs: 20_000, what: 'a Snov.io step completed' },
    );
    const snovSteps = await steps.findBy({ requestId: In(ids), provider: 'snov' });
    expect(snovSteps.filter((s) => s.state === 'failed')).toEqual([]);
    expect(snovSteps.filter((s) => s.state === 'completed').length).toBeLessThanOrEqual(polled);
    const answered = await ctx.db.dataSource
      .getRepository(EnrichmentRequest)
      .findBy({ id: In(ids), status: 'completed' });
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(
      answered.every((r) => (r.result as { email?: { source?: string } })?.email?.source === 'snov'),
    ).toBe(true);
  });
});

/**
 * A provider may answer 429 to a poll all the same (calls made outside Sluice on the same account):
 * the step waits as long as it asks before polling again, instead of drawing a 429 at every poll.
 */
describe('a poll the provider answers 429', () => {
  // Sluice's own window leaves room; the provider's does not (others use the account too). Polled
  // ten times a second, and no callback to wake the step.
  const context = snovOnly(1000, { ASYNC_POLL_INTERVAL_MS: '100', WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9' });

  it('waits the Retry-After it was given before polling again, then answers', async () => {
    const ctx = context();
    const [person] = ctx.people;
    expect(person).toBeDefined();
    // The start-up balance reading is done before the window is set.
    await eventually(
      async () => ((await snovCalls(ctx.stack)).by_endpoint['GET /v1/get-balance'] ?? 0) >= 1 || undefined,
      { what: 'the start-up balance reading' },
    );
    // Two calls in 4 s: the search's start and its first poll fit; the next poll does not.
    await limitSandbox(ctx.stack, { rate_limit: { limit: 2, window_seconds: 4 }, task_delay_ms: 300 });
    const [id] = await askEmails(ctx, [person]);
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    await eventually(async () => (await requests.countBy({ id, status: 'completed' })) === 1 || undefined, {
      timeoutMs: 20_000,
      what: 'the request completed',
    });
    const done = await requests.findOneByOrFail({ id });
    expect((done.result as { email?: { email?: string } }).email?.email).toBe(person.email);
    const counts = await snovCalls(ctx.stack);
    // One poll found the task unfinished, the next was refused, and the one after the wait answered:
    // no stream of 429s while the window was closed (at ten polls a second, some thirty of them).
    expect(counts.rate_limited[RESULT] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts.rate_limited[RESULT]).toBeLessThanOrEqual(2);
  });

  it('holds the other tasks’ polls too, instead of drawing a 429 for each', async () => {
    const ctx = context();
    const people = ctx.people.slice(1, 17);
    expect(people).toHaveLength(16);
    const START = 'POST /v2/emails-by-domain-by-name/start';
    const started = (await snovCalls(ctx.stack)).by_endpoint[START] ?? 0;
    // Sixteen tasks that run for 5 s, polled ten times a second meanwhile.
    await limitSandbox(ctx.stack, { rate_limit: { limit: 10_000, window_seconds: 4 }, task_delay_ms: 5000 });
    const ids = await askEmails(ctx, people);
    await eventually(
      async () => ((await snovCalls(ctx.stack)).by_endpoint[START] ?? 0) - started === 16 || undefined,
      { timeoutMs: 10_000, what: 'the sixteen tasks started' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Others fill the account's window: every further request is refused for up to 4 s.
    const before = await snovCalls(ctx.stack);
    await limitSandbox(ctx.stack, { rate_limit: { limit: 1, window_seconds: 4 } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await snovCalls(ctx.stack);
    const refused = (after.rate_limited[RESULT] ?? 0) - (before.rate_limited[RESULT] ?? 0);
    // The first 429 holds the queue for the wait it names; a poll already under way may draw one
    // too. Left to themselves, the sixteen tasks' next polls drew one each (12 in 2 s before).
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(5);
    await limitSandbox(ctx.stack, { rate_limit: { limit: 10_000, window_seconds: 4 } });
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () => (await requests.countBy({ id: In(ids), status: 'completed' })) === ids.length || undefined,
      { timeoutMs: 30_000, what: 'every search answered' },
    );
  });
});

/**
 * A call may make requests of its own beyond those counted before it: Snov.io's adapter, its token
 * refused (revoked, or expired early), fetches a new one and repeats the request. Each is a call the
 * provider counts, so each takes a slot before it is sent.
 */
describe('a token renewed after a 401', () => {
  // One Snov.io call at a time, so that one request meets the revoked token before the next is sent.
  // With more, every request already on its way meets it too: each 401 takes a slot, and on a busy
  // machine they could fill the window before the new token could be fetched, leaving nothing of
  // the renewal to observe.
  const context = snovOnly(LIMIT, { WORKER_LOW_CONCURRENCY: '1' });

  it('takes a slot for the new token and for the repeated request', async () => {
    const ctx = context();
    await limitSandbox(ctx.stack, { rate_limit: { limit: LIMIT, window_seconds: 60 } });
    expect(ctx.people.length).toBeGreaterThanOrEqual(11);
    const [first] = await askEmails(ctx, ctx.people.slice(0, 1));
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () => (await requests.countBy({ id: first, status: 'completed' })) === 1 || undefined,
      {
        timeoutMs: 20_000,
        what: 'the first search answered',
      },
    );
    // Snov.io forgets the token Sluice holds: the next request meets a 401.
    const revoked = await call(ctx.stack.sandboxUrl, 'POST', '/_sandbox/providers/snov/revoke-tokens');
    expect(revoked.status).toBe(200);
    await askEmails(ctx, ctx.people.slice(1, 11));
    await eventually(async () => (await snovCalls(ctx.stack)).total >= LIMIT || undefined, {
      timeoutMs: 20_000,
      what: `${LIMIT} Snov.io calls`,
    });
    // Time for any request the window should have held back.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const counts = await snovCalls(ctx.stack);
    // The token was fetched again after the 401 ...
    expect(counts.by_endpoint['POST /v1/oauth/access_token']).toBe(2);
    // ... and nothing passed the limit: not the new token, not the request repeated with it.
    expect(counts.rate_limited).toEqual({});
    expect(counts.total).toBe(LIMIT);
    expect(busiestWindow(counts.recent, 60_000)).toBeLessThanOrEqual(LIMIT);
  });
});
