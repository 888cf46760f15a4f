import { EnrichmentRequest } from '@sluice/db';
import { In } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import type { CallCounts } from '../support/pipeline';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

const RESULT = 'GET /v2/emails-by-domain-by-name/result';

/**
 * A provider given a callback URL wakes the waiting step itself: the step polls only to catch a
 * callback that never comes (ASYNC_CALLBACK_POLL_INTERVAL_MS), since every poll is a call the
 * provider counts against its limit. Snov.io, the only e-mail finder here, calls back.
 */
describe('polls of a task whose provider calls back', () => {
  const redisUrl = requireEnv('REDIS_URL');

  async function run(
    env: Record<string, string>,
    taskDelayMs: number,
  ): Promise<{ stack: Stack; db: TestDatabase; prefix: string; ids: string[]; tookMs: number }> {
    const db = await createTestDatabase();
    const prefix = uniquePrefix();
    const stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      env: {
        PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
        // Without a callback due, a step would poll ten times a second.
        ASYNC_POLL_INTERVAL_MS: '100',
        ...env,
      },
    });
    const patched = await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/snov', {
      body: { task_delay_ms: taskDelayMs },
    });
    expect(patched.status).toBe(200);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Callback Co');
    const people = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300'))
      .body;
    const started = Date.now();
    const ids: string[] = [];
    for (const p of people.filter((person) => person.emails.snov).slice(0, 4)) {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: {
          type: 'person.email',
          input: { first_name: p.first_name, last_name: p.last_name, domain: p.domain },
        },
      });
      expect(created.status).toBe(202);
      ids.push(created.body.id);
    }
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () => (await requests.countBy({ id: In(ids), status: 'completed' })) === ids.length || undefined,
      { timeoutMs: 30_000, what: 'every request completed' },
    );
    const done = await requests.findBy({ id: In(ids) });
    for (const request of done) {
      expect((request.result as { email?: { source?: string } }).email?.source).toBe('snov');
    }
    return { stack, db, prefix, ids, tookMs: Date.now() - started };
  }

  async function snovCalls(stack: Stack): Promise<CallCounts> {
    return (await call<CallCounts>(stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/calls')).body;
  }

  async function close(ctx: { stack: Stack; db: TestDatabase; prefix: string }): Promise<void> {
    await ctx.stack.close();
    await ctx.db.drop();
    await deletePrefix(redisUrl, ctx.prefix);
  }

  it.each([
    ['finished at once', 0],
    ['finished 1.5 s after its start', 1500],
  ])('is woken by the callback of a task %s, and polls once: for the answer', async (_case, delay) => {
    const ctx = await run({ ASYNC_CALLBACK_POLL_INTERVAL_MS: '60000' }, delay);
    try {
      // Each step polled once, after its callback: none slept the minute to its next poll.
      expect(ctx.tookMs).toBeLessThan(30_000);
      const counts = await snovCalls(ctx.stack);
      expect(counts.by_endpoint[RESULT]).toBe(ctx.ids.length);
    } finally {
      await close(ctx);
    }
  });

  it('still polls, at the callback interval, when the callback never comes', async () => {
    // The callbacks go nowhere: polls alone finish the steps.
    const ctx = await run(
      { ASYNC_CALLBACK_POLL_INTERVAL_MS: '2000', WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9' },
      1500,
    );
    try {
      const counts = await snovCalls(ctx.stack);
      // A poll 2 s after the start finds the task done: one each (at 100 ms, fifteen each).
      expect(counts.by_endpoint[RESULT]).toBe(ctx.ids.length);
      expect(ctx.tookMs).toBeGreaterThanOrEqual(2000);
    } finally {
      await close(ctx);
    }
  });
});
