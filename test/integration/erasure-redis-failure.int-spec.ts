import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { QueryRunner } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { untilWaitingForLock } from '../support/database';
import { appUser, type PrivateStack, startPrivateStack } from '../support/private-stack';
import { eventually } from '../support/wait';

interface ErasureRecord {
  id: string;
  status: string;
  error: string | null;
  erased: Record<string, number> | null;
}

/**
 * An erasure whose deletions committed in PostgreSQL and whose Redis clean-up then failed (Redis
 * refusing the gateway for a moment). The cached answers of the erased steps are kept under their
 * question's key and need not name the person — a phone number, a profile — so only the erased
 * steps lead to them, and those steps are gone: repeating the DELETE, as the failed record says,
 * must still remove them.
 */
describe('an erasure whose Redis clean-up fails after its deletions committed', () => {
  let ctx: PrivateStack;
  let admin: Redis;
  let held: QueryRunner | undefined;

  beforeAll(async () => {
    ctx = await startPrivateStack({
      connect: async (redis) => {
        admin = new Redis(redis.url);
        return appUser(admin, redis, '+@all');
      },
    });
  }, 120_000);
  afterEach(async () => {
    await admin.call('ACL', 'SETUSER', 'sluice', '+@all');
    if (held?.isTransactionActive) {
      await held.rollbackTransaction();
    }
    await held?.release();
    held = undefined;
  });
  afterAll(async () => {
    admin?.disconnect();
    await ctx?.close();
  });

  it('removes the cached answers of the steps it deleted when the DELETE is repeated', async () => {
    const { stack, db } = ctx;
    const prefix = stack.env.QUEUE_PREFIX;
    const email = 'redis.refused@example.com';
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Refused Clean-up Ltd');
    const cacheKey = `apollo:person.phone:${randomUUID().replace(/-/g, '')}`;
    const [request] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id)
       VALUES ($1, 'person.phone', $2, 'completed', 'c') RETURNING id`,
      [workspaceId, JSON.stringify({ email })],
    );
    const [step] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits,
                                     cache_key, output)
       VALUES ($1, $2, 1, 'apollo', 'person.phone', 'completed', 1, $3, '{"phone": "+447700900123"}')
       RETURNING id`,
      [request.id, workspaceId, cacheKey],
    );
    // The step's cached answer, and an answer it paid for kept for a retry: neither names the person.
    const cached = `${prefix}:pipeline:cache:${workspaceId}:${cacheKey}`;
    const paid = `${prefix}:pipeline:paid:${step.id}`;
    await admin.set(
      cached,
      JSON.stringify({ status: 'hit', output: { phone: '+447700900123' } }),
      'EX',
      3600,
    );
    await admin.set(paid, JSON.stringify({ status: 'hit', output: { phone: '+447700900123' } }), 'EX', 3600);

    // The deletions wait for a table; meanwhile Redis starts refusing the gateway.
    held = db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query('LOCK TABLE callback_deliveries IN ACCESS EXCLUSIVE MODE');
    const answering = call<ErasureRecord & { erasure_id?: string }>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(email)}`,
      { token: apiKey },
    );
    await untilWaitingForLock(db, 'the erasure waiting for the callback log', {
      queryLike: '%callback_deliveries%',
    });
    await admin.call('ACL', 'SETUSER', 'sluice', '-@all');
    await held.commitTransaction();
    const failed = await answering;
    expect(failed.status).toBe(503);
    // The deletions committed: the step is gone, and with it the way to its cached answers.
    const [left] = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM enrichment_steps WHERE id = $1',
      [step.id],
    );
    expect(left.n).toBe(0);
    expect(await admin.exists(cached, paid)).toBe(2);

    await admin.call('ACL', 'SETUSER', 'sluice', '+@all');
    const repeated = await eventually(
      async () => {
        const answer = await call<ErasureRecord & { id: string }>(
          stack.gatewayUrl,
          'DELETE',
          `/v1/persons?email=${encodeURIComponent(email)}`,
          { token: apiKey },
        );
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'the repeated erasure to finish', timeoutMs: 30_000 },
    );
    expect(repeated.body.erased?.redis_cache_entries).toBe(2);
    expect(await admin.exists(cached, paid)).toBe(0);
    // Nothing is left owed: a later erasure has nothing of this one's to remove.
    const [owed] = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM erasures WHERE workspace_id = $1 AND pending_cache IS NOT NULL',
      [workspaceId],
    );
    expect(owed.n).toBe(0);
  }, 120_000);
});
