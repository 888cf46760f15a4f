import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { In } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

interface CallCounts {
  total: number;
  by_endpoint: Record<string, number>;
  recent: number[];
  rate_limited: Record<string, number>;
}

const LIMIT = 6;
const RESULT = 'GET /v2/emails-by-domain-by-name/result';

/** Most calls inside any window of `windowMs`, from the call timestamps. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) {
      start += 1;
    }
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * An asynchronous provider counts every request against its limit: the start of a task, each poll
 * for its result, the OAuth token fetched first (Snov.io: 60 a minute per account, whatever the
 * endpoint). Each takes a slot in the provider's shared window, not only the start.
 */
describe('a rate limit of an asynchronous provider', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      env: {
        // Snov.io the only e-mail finder, at LIMIT calls a minute.
        PROVIDER_OVERRIDES: JSON.stringify({
          apollo: { enabled: false },
          rocketreach: { enabled: false },
          snov: { rateLimits: [{ name: 'minute', limit: LIMIT, windowMs: 60_000 }] },
        }),
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('counts each poll for a task’s result and the token fetch against it, and answers within it', async () => {
    // The provider refuses what passes its limit, as Snov.io would.
    const limited = await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/snov', {
      body: { rate_limit: { limit: LIMIT, window_seconds: 60 } },
    });
    expect(limited.status).toBe(200);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Async Limits Co');
    const people = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300'))
      .body;
    const world = people.filter((p) => p.emails.snov).slice(0, 10);
    expect(world).toHaveLength(10);
    const ids: string[] = [];
    for (const p of world) {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: {
          type: 'person.email',
          input: { first_name: p.first_name, last_name: p.last_name, domain: p.domain },
          priority: 'bulk',
        },
      });
      expect(created.status).toBe(202);
      ids.push(created.body.id);
    }
    const snovCalls = async () =>
      (await call<CallCounts>(stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/calls')).body;
    await eventually(async () => (await snovCalls()).total >= LIMIT || undefined, {
      timeoutMs: 20_000,
      what: `${LIMIT} Snov.io calls`,
    });
    // Time for the polls of every started task, and for further starts the window must refuse.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const counts = await snovCalls();
    // Every call counted: the token, any balance read, each start and each poll.
    expect(counts.by_endpoint['POST /v1/oauth/access_token']).toBe(1);
    expect(counts.by_endpoint['GET /v2/emails-by-domain-by-name/result']).toBeGreaterThanOrEqual(1);
    expect(counts.total).toBe(LIMIT);
    expect(busiestWindow(counts.recent, 60_000)).toBeLessThanOrEqual(LIMIT);
    // None refused: every call Sluice made was inside the limit.
    expect(counts.rate_limited).toEqual({});
    // The tasks started inside the window were polled inside it and answered: found by Snov.io,
    // none failed.
    const polled = counts.by_endpoint['GET /v2/emails-by-domain-by-name/result'] ?? 0;
    const steps = db.dataSource.getRepository(EnrichmentStep);
    await eventually(
      async () =>
        (await steps.countBy({ requestId: In(ids), provider: 'snov', state: 'completed' })) >= 1 || undefined,
      { timeoutMs: 20_000, what: 'a Snov.io step completed' },
    );
    const snovSteps = await steps.findBy({ requestId: In(ids), provider: 'snov' });
    expect(snovSteps.filter((s) => s.state === 'failed')).toEqual([]);
    expect(snovSteps.filter((s) => s.state === 'completed').length).toBeLessThanOrEqual(polled);
    const answered = await db.dataSource
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
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      env: {
        // Sluice's own window leaves room; the provider's does not (others use the account too).
        PROVIDER_OVERRIDES: JSON.stringify({
          apollo: { enabled: false },
          rocketreach: { enabled: false },
          snov: { rateLimits: [{ name: 'minute', limit: 1000, windowMs: 60_000 }] },
        }),
        // Polled ten times a second, and no callback to wake the step.
        ASYNC_POLL_INTERVAL_MS: '100',
        WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9',
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('waits the Retry-After it was given before polling again, then answers', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Busy Account Co');
    const people = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300'))
      .body;
    const person = people.find((p) => p.emails.snov) as WorldPerson;
    const snovCalls = async () =>
      (await call<CallCounts>(stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/calls')).body;
    // The start-up balance readings are done (token and balance, twice) before the window is set.
    await eventually(
      async () => ((await snovCalls()).by_endpoint['GET /v1/get-balance'] ?? 0) >= 1 || undefined,
      {
        what: 'the start-up balance reading',
      },
    );
    // Two calls in 4 s: the search's start and its first poll fit; the next poll does not.
    expect(
      (
        await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/snov', {
          body: { rate_limit: { limit: 2, window_seconds: 4 }, task_delay_ms: 300 },
        })
      ).status,
    ).toBe(200);
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'person.email',
        input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
      },
    });
    expect(created.status).toBe(202);
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () => (await requests.countBy({ id: created.body.id, status: 'completed' })) === 1 || undefined,
      { timeoutMs: 20_000, what: 'the request completed' },
    );
    const done = await requests.findOneByOrFail({ id: created.body.id });
    expect((done.result as { email?: { email?: string } }).email?.email).toBe(person.email);
    const counts = await snovCalls();
    // One poll found the task unfinished, the next was refused, and the one after the wait answered:
    // no stream of 429s while the window was closed (at ten polls a second, some thirty of them).
    expect(counts.rate_limited[RESULT] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts.rate_limited[RESULT]).toBeLessThanOrEqual(2);
  });
});
