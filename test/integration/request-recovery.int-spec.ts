import { EnrichmentRequest } from '@sluice/db';
import { planJobOptions, redisUrlOptions } from '@sluice/queue';
import { Queue, Worker } from 'bullmq';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A request whose plan job used up its attempts (here: failed on purpose by a stand-in worker,
 * as an outage would) is planned again by the recovery sweep once a real worker runs.
 */
describe('the recovery sweep', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('retries a plan job that failed for good while its request still waits', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Recovery Co');
    const company = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=1')
    ).body[0];
    const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: company.company_number } },
    });
    expect(created.status).toBe(202);

    // Stand-in for an outage that outlasts every attempt: the plan job fails for good.
    const connection = redisUrlOptions(redisUrl);
    const failing = new Worker('enrichment', () => Promise.reject(new Error('PostgreSQL is down')), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
    });
    const queue = new Queue('enrichment', { connection, prefix });
    try {
      await eventually(
        async () => ((await (await queue.getJob(`plan-${created.body.id}`))?.isFailed()) ? true : undefined),
        {
          what: 'the plan job to fail',
          timeoutMs: 60_000,
        },
      );
    } finally {
      await failing.close();
    }
    expect(planJobOptions(created.body.id, 'interactive').attempts).toBeGreaterThan(1);
    expect(
      (
        await db.dataSource
          .getRepository(EnrichmentRequest)
          .findOneByOrFail({ id: created.body.id, workspaceId })
      ).status,
    ).toBe('queued');

    const worker = (
      await createWorkerApp({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        REDIS_URL: redisUrl,
        DATABASE_URL: db.url,
        QUEUE_PREFIX: prefix,
        COMPANIES_HOUSE_BASE_URL: `${stack.sandboxUrl}/companies-house`,
        REQUEST_RECOVERY_INTERVAL_MS: '300',
        REQUEST_RECOVERY_AFTER_MS: '500',
      })
    ).app;
    try {
      await worker.init();
      const request = await eventually(
        async () => {
          const row = await db.dataSource
            .getRepository(EnrichmentRequest)
            .findOneByOrFail({ id: created.body.id });
          return row.status === 'completed' ? row : undefined;
        },
        { what: 'the request to complete after the sweep' },
      );
      expect(request.result).toMatchObject({ company: { company_number: company.company_number } });
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
