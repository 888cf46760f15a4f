import { call, createWorkspace } from '../support/api';
import { requireEnv, type TestDatabase, untilWaitingForLock } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { TcpRelay } from '../support/tcp-relay';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** Short, so that the dead gateway's claim on the key lapses quickly. */
const CLAIM_TTL_S = 1;

interface Route {
  path: string;
  body: unknown;
  /** Rows of the work the route commits, in the workspace. */
  made: string;
  /** What the work record names, from the committed rows. */
  names: (db: TestDatabase, workspaceId: string) => Promise<Record<string, unknown>>;
}

const ids = async (db: TestDatabase, sql: string, workspaceId: string): Promise<string[]> =>
  (await db.dataSource.query<{ id: string }[]>(sql, [workspaceId])).map((row) => row.id);

const ROUTES: Route[] = [
  {
    path: '/v1/jobs',
    body: { type: 'company.profile', input: { company_number: '00000001' }, priority: 'bulk' },
    made: 'SELECT id FROM enrichment_requests WHERE workspace_id = $1',
    names: async (db, workspaceId) => ({
      job_ids: await ids(db, 'SELECT id FROM enrichment_requests WHERE workspace_id = $1', workspaceId),
    }),
  },
  {
    path: '/v1/batches',
    body: { name: 'Crashed', records: [{ email: 'ada@crashed.example' }], enrich: ['phone'] },
    made: 'SELECT id FROM batches WHERE workspace_id = $1',
    names: async (db, workspaceId) => ({
      batch_id: (await ids(db, 'SELECT id FROM batches WHERE workspace_id = $1', workspaceId))[0],
    }),
  },
];

/**
 * A gateway that dies after committing the work of a POST with an Idempotency-Key but before
 * keeping its answer: the client never got an answer and retries. The work's own transaction
 * recorded it under the key, so the retry is told it was done — nothing is made (or paid for) twice.
 *
 * The moment is made, not hoped for: the test holds a lock the route's transaction waits for, cuts
 * the dying gateway off from Redis (everything after the commit — enqueueing, keeping the answer —
 * goes through Redis first), lets the transaction commit, and kills the gateway once it has.
 */
describe('an Idempotency-Key whose gateway died between the work and the answer', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let relay: TcpRelay | undefined;
  let gateway: WorkerProcess | undefined;

  afterEach(async () => {
    await gateway?.kill();
    gateway = undefined;
    await relay?.stop();
    relay = undefined;
    await tearDown(ctx);
    ctx = undefined;
  });

  it.each(ROUTES)(
    '$path: the retry is a 409 naming what was made, and nothing is made again',
    async (route) => {
      ctx = await setUp({}, { worker: false });
      const { stack, db } = ctx;
      const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Crashed Gateway Co');
      const redisUrl = requireEnv('REDIS_URL');
      const server = new URL(redisUrl);
      relay = new TcpRelay({ host: server.hostname, port: Number(server.port || 6379) });
      await relay.start();
      gateway = await startAppProcess('gateway', {
        ...stack.env,
        REDIS_URL: relay.urlFor(redisUrl),
        IDEMPOTENCY_CLAIM_TTL_S: String(CLAIM_TTL_S),
      });
      const post = (url: string) =>
        call<{ id?: string; message?: string; made?: Record<string, unknown> }>(url, 'POST', route.path, {
          token: apiKey,
          body: route.body,
          headers: { 'idempotency-key': `crash:${route.path}` },
        });

      // Both routes check the request against the workspace's erasures (`suppressions`) before or in
      // the transaction that writes the work: held here, the work waits, uncommitted.
      const lock = db.dataSource.createQueryRunner();
      await lock.connect();
      await lock.startTransaction();
      await lock.query('LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE');
      const lost = post(gateway.url).catch(() => null); // its answer is lost with the gateway
      try {
        await untilWaitingForLock(db, 'the work to wait for the lock');
        relay.cut({ blackHole: true });
      } finally {
        await lock.commitTransaction();
        await lock.release();
      }
      const committed = await eventually(
        async () => {
          const rows = await ids(db, route.made, workspaceId);
          return rows.length > 0 ? rows : undefined;
        },
        { what: 'the work committed' },
      );
      await gateway.kill();
      gateway = undefined;
      expect(await lost).toBeNull();
      relay.mend();
      await new Promise((resolve) => setTimeout(resolve, CLAIM_TTL_S * 2_000));

      const retry = await post(stack.gatewayUrl);
      expect(retry.status).toBe(409);
      expect(retry.body.message).toMatch(/was done, but its answer was not kept/);
      expect(retry.body.made).toEqual(await route.names(db, workspaceId));
      expect(await ids(db, route.made, workspaceId)).toEqual(committed);
      // Every retry after it is told the same.
      const again = await post(stack.gatewayUrl);
      expect(again.status).toBe(409);
      expect(again.body.made).toEqual(retry.body.made);
      expect(await ids(db, route.made, workspaceId)).toEqual(committed);
    },
  );

  it('a request whose work was undone after its commit (Redis refused the jobs) runs again on retry', async () => {
    ctx = await setUp({}, { worker: false });
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Undone Work Co');
    const redisUrl = requireEnv('REDIS_URL');
    const server = new URL(redisUrl);
    relay = new TcpRelay({ host: server.hostname, port: Number(server.port || 6379) });
    await relay.start();
    gateway = await startAppProcess('gateway', {
      ...stack.env,
      REDIS_URL: relay.urlFor(redisUrl),
      IDEMPOTENCY_CLAIM_TTL_S: String(CLAIM_TTL_S),
    });
    const [route] = ROUTES as [Route];
    const post = (url: string) =>
      call<{ id?: string; message?: string }>(url, 'POST', route.path, {
        token: apiKey,
        body: route.body,
        headers: { 'idempotency-key': 'undone' },
      });
    const lock = db.dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query('LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE');
    const first = post(gateway.url);
    try {
      await untilWaitingForLock(db, 'the work to wait for the lock');
      // Redis gone for good: the jobs cannot be enqueued after the commit, so the gateway deletes
      // what it wrote and answers 503.
      relay.cut({ reset: true });
    } finally {
      await lock.commitTransaction();
      await lock.release();
    }
    expect((await first).status).toBe(503);
    expect(await ids(db, route.made, workspaceId)).toEqual([]);
    relay.mend();
    await new Promise((resolve) => setTimeout(resolve, CLAIM_TTL_S * 2_000));

    const retry = await post(stack.gatewayUrl);
    expect(retry.status).toBe(202);
    expect(await ids(db, route.made, workspaceId)).toEqual([retry.body.id]);
  });
});
