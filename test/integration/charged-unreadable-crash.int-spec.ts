import { CreditLedgerEntry, EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { Client } from 'pg';
import { ChargingGarbage } from '../support/charging-garbage';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, untilWaitingForLock, type TestDatabase } from '../support/database';
import { describeUnfinished } from '../support/diagnose';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const CHARGE = 2;

describe('a charged answer that could not be read, when the worker dies before settling it', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const serper = new ChargingGarbage(CHARGE);
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let holder: Client | null = null;

  beforeAll(async () => {
    await serper.start();
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      worker: false,
      env: serper.env,
    });
    env = {
      ...stack.env,
      // A killed worker's job is taken up again within seconds.
      JOB_LOCK_DURATION_MS: '3000',
      JOB_STALLED_INTERVAL_MS: '1000',
    };
  });

  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
    await serper.stop();
  });

  it('settles the charge on the next run instead of calling (and paying) again; the ledger holds what was charged', async () => {
    workers.push(await startWorkerProcess(env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Unreadable Crash Co');
    // The worker's settlement takes the request's row lock first: holding it keeps the run between
    // its (charged) call and its settlement, where it is killed.
    serper.beforeAnswer = async () => {
      if (holder) {
        return;
      }
      holder = new Client({ connectionString: db.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM enrichment_requests FOR UPDATE');
    };
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.domain', input: { company_name: 'Unreadable Answers Ltd' } },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await untilWaitingForLock(db, 'the settlement to wait for the request’s row');
    expect(serper.searches).toBe(1);
    await workers[0]?.kill();
    await holder?.query('ROLLBACK');
    workers.push(await startWorkerProcess(env));

    await eventually(
      async () => {
        const row = await db.dataSource.getRepository(EnrichmentRequest).findOneBy({ id });
        return row && ['completed', 'failed'].includes(row.status) ? row : undefined;
      },
      { what: 'the request to finish', timeoutMs: 60_000, intervalMs: 300 },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; unfinished:\n${await describeUnfinished(db.dataSource, redisUrl, prefix, [id])}`,
      );
    });
    // The unreadable answer was paid for once, and not asked for again.
    expect(serper.searches).toBe(1);
    const step = await db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'serper' });
    expect(step).toMatchObject({ state: 'failed', reason: 'invalid_response' });
    expect(Number(step.credits)).toBe(CHARGE);
    // The ledger holds exactly what the provider charged.
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([
      ['serper', serper.searches * CHARGE],
    ]);
  }, 120_000);
});
