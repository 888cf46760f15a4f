import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrichmentStep, ProviderPauseRow } from '@sluice/db';
import { pauseMarkerKey, providerQueueName, redisUrlOptions, type PauseRecord } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../tools/local-services';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

const VERIFY = 'POST /v0/check_email';

/**
 * An operator's pause outlives Redis losing its data: it is kept in PostgreSQL, and the worker puts
 * it back (the marker and the paused queue) before the recovery sweep re-enqueues the work lost
 * with it, so the provider the operator stopped is not called. Resuming removes it from both.
 */
describe('an operator’s pause when Redis comes back empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pause-'));
  const prefix = uniquePrefix();
  let redis: PrivateRedis;
  let db: TestDatabase;
  let stack: Stack;
  let client: Redis;
  let queue: Queue;

  beforeAll(async () => {
    redis = await startPrivateRedis({
      dataDir: join(dir, 'redis'),
      port: await freePort(),
      log: () => undefined,
    });
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl: redis.url,
      prefix,
      env: { REQUEST_RECOVERY_INTERVAL_MS: '1000', REQUEST_RECOVERY_AFTER_MS: '2000' },
    });
    client = new Redis(redis.url);
    queue = new Queue(providerQueueName('email-verifier'), {
      connection: redisUrlOptions(redis.url),
      prefix,
    });
  });

  afterAll(async () => {
    await queue?.close();
    client?.disconnect();
    await stack?.close();
    await db?.drop().catch(() => undefined);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const verifierCalls = async (): Promise<number> =>
    (
      await call<{ by_endpoint: Record<string, number> }>(
        stack.sandboxUrl,
        'GET',
        '/_sandbox/providers/email-verifier/calls',
      )
    ).body.by_endpoint[VERIFY] ?? 0;
  const admin = (path: string) => call(stack.gatewayUrl, 'POST', path, { token: TEST_ADMIN_TOKEN });
  const marker = async (): Promise<PauseRecord | null> => {
    const raw = await client.get(pauseMarkerKey(prefix, 'email-verifier'));
    return raw ? (JSON.parse(raw) as PauseRecord) : null;
  };

  it('is put back, with its queue paused, before the lost step is enqueued again; the verifier is not called', async () => {
    const key = (await createWorkspace(stack.gatewayUrl, 'Pause Keep Co')).apiKey;
    const [person] = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=1'))
      .body;
    // A step planned on the verifier, waiting on its queue (held here so that it waits), when the
    // operator pauses the verifier.
    await queue.pause();
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: key,
      body: { type: 'email.verify', input: { email: person.email } },
    });
    expect(created.status).toBe(202);
    const step = await eventually(
      () =>
        db.dataSource
          .getRepository(EnrichmentStep)
          .findOneBy({ requestId: created.body.id, provider: 'email-verifier', state: 'pending' }),
      { what: 'a pending verifier step' },
    );
    expect(await queue.getJob(`step-${step.id}`)).toBeDefined();
    expect((await admin('/v1/admin/providers/email-verifier/pause')).status).toBe(200);
    const kept = await db.dataSource
      .getRepository(ProviderPauseRow)
      .findOneByOrFail({ provider: 'email-verifier' });
    expect(kept.reason).toBe('paused by an operator');
    const callsBefore = await verifierCalls();

    await client.flushdb();
    expect(await marker()).toBeNull();

    // The pause is back, the queue paused again, and the sweep has put the lost step's job back.
    await eventually(
      async () =>
        (await marker())?.manual === true &&
        (await queue.isPaused()) &&
        (await queue.getJob(`step-${step.id}`)) !== undefined,
      {
        what: 'the pause back in Redis and the lost step enqueued again',
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );
    expect((await marker())?.since).toBe(kept.since.getTime());
    expect(await verifierCalls()).toBe(callsBefore);
    expect((await db.dataSource.getRepository(EnrichmentStep).findOneByOrFail({ id: step.id })).state).toBe(
      'pending',
    );

    // The operator resumes: gone from PostgreSQL and Redis, and the step is run.
    expect((await admin('/v1/admin/providers/email-verifier/resume')).status).toBe(200);
    expect(await db.dataSource.getRepository(ProviderPauseRow).countBy({ provider: 'email-verifier' })).toBe(
      0,
    );
    expect(await marker()).toBeNull();
    await eventually(
      async () =>
        (await db.dataSource.getRepository(EnrichmentStep).findOneByOrFail({ id: step.id })).state !==
        'pending',
      { what: 'the step to run once resumed', timeoutMs: 60_000 },
    );
    expect(await verifierCalls()).toBe(callsBefore + 1);
  }, 180_000);
});
