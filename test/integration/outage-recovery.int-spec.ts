import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import {
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from '../../tools/local-services';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Restarts this suite's own Redis and PostgreSQL under load: the gateway answers 503 with
 * Retry-After at once and writes nothing, workers wait, and everything recovers by itself.
 */
describe('when Redis or PostgreSQL goes away', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-outage-'));
  let redis: PrivateRedis;
  let redisPort: number;
  let pg: PrivatePostgres;
  let db: TestDatabase;
  let stack: Stack;
  let key: string;
  let companies: string[];
  const accepted: string[] = [];
  const prefix = uniquePrefix();

  /** Where each unfinished accepted request stands, in PostgreSQL and in BullMQ: for the failure message. */
  const diagnose = async (): Promise<string> => {
    const rows = await db.dataSource.getRepository(EnrichmentRequest).find();
    const steps = await db.dataSource.getRepository(EnrichmentStep).find();
    const queues = ['enrichment', 'provider.companies-house'].map(
      (name) => new Queue(name, { connection: redisUrlOptions(redis.url), prefix }),
    );
    try {
      const lines: string[] = [];
      for (const row of rows.filter(
        (r) => accepted.includes(r.id) && !['completed', 'failed'].includes(r.status),
      )) {
        const plan = await queues[0].getJob(`plan-${row.id}`);
        const step = steps.find((s) => s.requestId === row.id);
        const stepJob = step ? await queues[1].getJob(`step-${step.id}`) : undefined;
        lines.push(
          `${row.id} ${row.status}; plan job ${plan ? `${await plan.getState()} (${plan.attemptsMade} attempts, ${plan.failedReason ?? ''})` : 'missing'}; ` +
            `step ${step ? `${step.state} (${step.attempts} attempts)` : 'none'}; step job ${stepJob ? `${await stepJob.getState()} (${stepJob.attemptsMade} attempts, ${stepJob.failedReason ?? ''})` : 'missing'}`,
        );
      }
      return lines.join('\n');
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  };

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startPrivateRedis({ dataDir: join(dir, 'redis'), port: redisPort, log: () => undefined });
    pg = await startPrivatePostgres({
      dataDir: join(dir, 'pg'),
      port: await freePort(),
      password: 'outage-test',
      log: () => undefined,
    });
    db = await createTestDatabase(pg.url);
    stack = await startStack({ databaseUrl: db.url, redisUrl: redis.url, prefix });
    key = (await createWorkspace(stack.gatewayUrl, 'Outage Co')).apiKey;
    const world = await call<{ company_number: string }[]>(
      stack.sandboxUrl,
      'GET',
      '/_sandbox/world/companies?limit=40',
    );
    companies = world.body.map((c) => c.company_number);
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop().catch(() => undefined);
    await pg?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  const submit = async () => {
    const answer = await call<{ id: string; statusCode?: number }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: key,
      body: { type: 'company.profile', input: { company_number: companies[n++ % companies.length] } },
    });
    if (answer.status === 202) {
      accepted.push(answer.body.id);
    }
    return answer;
  };

  const requestCount = () => db.dataSource.getRepository(EnrichmentRequest).count();

  it('accepts work before the outages', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await submit()).status).toBe(202);
    }
  });

  it('answers 503 with Retry-After at once while Redis is down, writes nothing, and recovers', async () => {
    // Keep submitting while Redis stops: load across the restart.
    const load = Promise.all(Array.from({ length: 10 }, () => submit()));
    await redis.stop();
    await load;
    const rowsBefore = await requestCount();
    const started = Date.now();
    const refused = await submit();
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(refused.body)).toContain('Redis');
    expect(await requestCount()).toBe(rowsBefore);

    redis = await startPrivateRedis({ dataDir: join(dir, 'redis'), port: redisPort, log: () => undefined });
    await eventually(async () => (await submit()).status === 202, {
      what: 'the gateway to accept work again',
      timeoutMs: 30_000,
    });
  });

  it('answers 503 with Retry-After while PostgreSQL is down and recovers', async () => {
    const load = Promise.all(Array.from({ length: 10 }, () => submit()));
    await pg.stop();
    await load;
    const started = Date.now();
    const refused = await submit();
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await pg.start();
    await eventually(async () => (await submit()).status === 202, {
      what: 'the gateway to accept work again',
      timeoutMs: 30_000,
    });
  });

  it('completes every job it accepted, before, during and after the outages', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await submit()).status).toBe(202);
    }
    // At least the five just submitted and one accepted after each recovery.
    expect(accepted.length).toBeGreaterThanOrEqual(7);
    await eventually(
      async () => {
        const rows = await db.dataSource
          .getRepository(EnrichmentRequest)
          .find({ select: { id: true, status: true } });
        const byId = new Map(rows.map((r) => [r.id, r.status]));
        return accepted.every((id) => ['completed', 'failed'].includes(byId.get(id) ?? ''))
          ? rows
          : undefined;
      },
      // A job whose worker lost Redis mid-flight comes back through BullMQ's stalled-job check
      // (30 s lock, 30 s interval, restarted after a pause): allow two full rounds.
      { what: 'all accepted jobs to finish', timeoutMs: 150_000, intervalMs: 500 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; unfinished:\n${await diagnose()}`);
    });
    const statuses = await db.dataSource
      .getRepository(EnrichmentRequest)
      .find({ select: { id: true, status: true } });
    const accepted_ = new Set(accepted);
    // Every company in the sandbox world exists: each accepted job must end completed, none lost.
    expect(statuses.filter((r) => accepted_.has(r.id)).every((r) => r.status === 'completed')).toBe(true);
    // No row without a job and no job without a row: the only requests are the accepted ones.
    expect(statuses.length).toBe(accepted.length);
  }, 180_000);
});
