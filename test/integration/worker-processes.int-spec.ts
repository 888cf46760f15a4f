import { CreditLedgerEntry, EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { In } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { describeUnfinished } from '../support/diagnose';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { busiestWindow } from '../support/rate-window';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

interface CallCounts {
  total: number;
  by_endpoint: Record<string, number>;
  recent: number[];
}

async function calls(stack: Stack, provider: string): Promise<CallCounts> {
  return (await call<CallCounts>(stack.sandboxUrl, 'GET', `/_sandbox/providers/${provider}/calls`)).body;
}

async function people(stack: Stack): Promise<WorldPerson[]> {
  return (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300')).body;
}

async function enqueueAll(
  stack: Stack,
  apiKey: string,
  bodies: Record<string, unknown>[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) {
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', { token: apiKey, body });
    expect(created.status).toBe(202);
    ids.push(created.body.id);
  }
  return ids;
}

describe('worker replicas as separate processes', () => {
  const redisUrl = requireEnv('REDIS_URL');
  let db: TestDatabase;
  let prefix: string;
  let stack: Stack;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false });
  });

  /** Apollo alone finds e-mails; a killed worker's jobs and requests are taken again within seconds. */
  const killedWorkerEnv = (running: Stack): Record<string, string> => ({
    ...running.env,
    PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    JOB_LOCK_DURATION_MS: '3000',
    JOB_STALLED_INTERVAL_MS: '1000',
    // A killed worker's in-flight claims expire a step timeout (plus 5 s) after they were taken;
    // until then a retried step waits rather than risk paying twice.
    STEP_TIMEOUT_MS: '5000',
    REQUEST_RECOVERY_INTERVAL_MS: '1000',
    REQUEST_RECOVERY_AFTER_MS: '4000',
  });

  /** Apollo answering after `latencyMs` with 1,000 credits, and a worker process started. */
  async function apolloWorker(env: Record<string, string>, latencyMs: number): Promise<WorkerProcess> {
    const patched = await call(stack.sandboxUrl, 'PATCH', '/_sandbox/providers/apollo', {
      body: { latency_ms: latencyMs, credits: 1000 },
    });
    expect(patched.status).toBe(200);
    const worker = await startWorkerProcess(env);
    workers.push(worker);
    return worker;
  }

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('never lets more than a provider’s per-minute limit through, with two workers sharing it', async () => {
    const env = {
      ...stack.env,
      PROVIDER_OVERRIDES: JSON.stringify({
        'orion-connect': { enabled: false },
        'nimbus-lookup': { enabled: false },
        'astra-dialer': { rateLimits: [{ name: 'minute', limit: 5, windowMs: 60_000 }] },
      }),
    };
    workers.push(await startWorkerProcess(env), await startWorkerProcess(env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Limits Co');
    const world = (await people(stack)).slice(0, 12);
    const ids = await enqueueAll(
      stack,
      apiKey,
      world.map((p) => ({
        type: 'person.phone',
        input: { first_name: p.first_name, last_name: p.last_name, domain: p.domain },
        priority: 'bulk',
      })),
    );
    await eventually(async () => (await calls(stack, 'astra-dialer')).total >= 5 || undefined, {
      timeoutMs: 20_000,
      what: 'five Astra Dialer calls',
    });
    // Give both workers time to try (and be refused) further calls.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const counts = await calls(stack, 'astra-dialer');
    expect(counts.total).toBe(5);
    expect(busiestWindow(counts.recent, 60_000)).toBeLessThanOrEqual(5);
    // The five answered requests are settled after their calls: on a loaded machine that can take
    // longer than the wait above.
    await eventually(
      async () =>
        (await db.dataSource
          .getRepository(EnrichmentRequest)
          .countBy({ id: In(ids), status: 'completed' })) >= 5 || undefined,
      { timeoutMs: 30_000, what: 'five answered requests completed' },
    );
    const requests = await db.dataSource.getRepository(EnrichmentRequest).findBy({ id: In(ids) });
    // Five answered (found or not); the other seven wait for the window, none gave up or failed.
    expect(requests.filter((r) => r.status === 'completed')).toHaveLength(5);
    expect(requests.filter((r) => r.status === 'running')).toHaveLength(7);
    // Both replicas took Astra Dialer jobs: the window is shared, not per process.
    for (const worker of workers) {
      expect(await worker.metrics()).toMatch(/sluice_jobs_processed_total\{queue="provider.astra-dialer"/);
    }
  });

  it('completes every job exactly once and charges no credit twice when a worker is killed mid-batch', async () => {
    const env = { ...killedWorkerEnv(stack), WORKER_LOW_CONCURRENCY: '4' };
    const first = await apolloWorker(env, 80);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Kill Co');
    const batch = (await people(stack)).filter((p) => p.emails.apollo).slice(0, 40);
    expect(batch).toHaveLength(40);
    const ids = await enqueueAll(
      stack,
      apiKey,
      batch.map((p) => ({
        type: 'person.email',
        input: { first_name: p.first_name, last_name: p.last_name, domain: p.domain },
        priority: 'bulk',
      })),
    );
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () => (await requests.countBy({ id: In(ids), status: 'completed' })) >= 8 || undefined,
      { timeoutMs: 30_000, what: 'eight completed requests' },
    );
    await first.kill();
    const killedAt = (await calls(stack, 'apollo')).by_endpoint['POST /people/match'] ?? 0;
    workers.push(await startWorkerProcess(env));
    await eventually(
      async () => (await requests.countBy({ id: In(ids), status: 'completed' })) === 40 || undefined,
      { timeoutMs: 60_000, what: 'all 40 requests completed' },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; unfinished:\n${await describeUnfinished(db.dataSource, redisUrl, prefix, ids)}`,
      );
    });

    const steps = await db.dataSource
      .getRepository(EnrichmentStep)
      .findBy({ requestId: In(ids), provider: 'apollo' });
    // One apollo step per request, each settled once: found, or (a call out when its worker was
    // killed, at most one per job the worker ran at once) counted as charged and not made again.
    expect(steps).toHaveLength(40);
    const interrupted = steps.filter((s) => s.state !== 'completed');
    expect(interrupted.length).toBeLessThanOrEqual(4);
    for (const step of interrupted) {
      expect([step.state, step.reason, Number(step.credits)]).toEqual(['failed', 'timeout', 1]);
    }
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: In(ids) });
    expect(new Set(ledger.map((row) => row.stepId)).size).toBe(ledger.length);
    const charged = ledger.reduce((sum, row) => sum + Number(row.credits), 0);
    expect(charged).toBe(40);
    // At the provider: never a call made twice for one step.
    const matches = (await calls(stack, 'apollo')).by_endpoint['POST /people/match'] ?? 0;
    expect(matches).toBeLessThanOrEqual(40);
    expect(matches).toBeGreaterThanOrEqual(killedAt);
    // The ledger may count an interrupted call the provider never received (an upper bound), never
    // fewer than the provider charged.
    const balance = await call<{ credits: number }>(stack.sandboxUrl, 'GET', '/_sandbox/providers/apollo');
    expect(charged - (1000 - balance.body.credits)).toBeGreaterThanOrEqual(0);
    expect(charged - (1000 - balance.body.credits)).toBeLessThanOrEqual(interrupted.length);
  });

  it('does not make a paid call again when the worker making it is killed before the answer', async () => {
    const env = killedWorkerEnv(stack);
    // The answer takes 3 s: the worker is killed while the call is out.
    const first = await apolloWorker(env, 3000);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Killed Mid-Call Co');
    const person = (await people(stack)).find((p) => p.emails.apollo) as WorldPerson;
    const [id] = await enqueueAll(stack, apiKey, [
      {
        type: 'person.email',
        input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
      },
    ]);
    await eventually(
      async () => ((await calls(stack, 'apollo')).by_endpoint['POST /people/match'] ?? 0) === 1 || undefined,
      { timeoutMs: 20_000, what: 'the Apollo call out' },
    );
    await first.kill();
    workers.push(await startWorkerProcess(env));
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    await eventually(
      async () =>
        ['completed', 'failed'].includes((await requests.findOneByOrFail({ id })).status) || undefined,
      { timeoutMs: 60_000, what: 'the request finished' },
    );

    // Once to the provider, once in the ledger; the step says why it has no answer.
    expect((await calls(stack, 'apollo')).by_endpoint['POST /people/match']).toBe(1);
    const [step] = await db.dataSource
      .getRepository(EnrichmentStep)
      .findBy({ requestId: id, provider: 'apollo' });
    expect([step.state, step.reason, Number(step.credits)]).toEqual(['failed', 'timeout', 1]);
    expect(step.error).toMatch(/ended before its answer came .*counts as charged and is not made again/);
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['apollo', 1]]);
  });
});
