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

  /**
   * A stack without a worker, a workspace, and a second gateway process reaching Redis through a
   * relay; `post` sends the route's request with one Idempotency-Key to a gateway.
   */
  const start = async (route: Route, key: string) => {
    ctx = await setUp({}, { worker: false });
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Crashed Gateway Co');
    const redisUrl = requireEnv('REDIS_URL');
    const server = new URL(redisUrl);
    const through = new TcpRelay({ host: server.hostname, port: Number(server.port || 6379) });
    relay = through;
    await through.start();
    const dying = await startAppProcess('gateway', {
      ...stack.env,
      REDIS_URL: through.urlFor(redisUrl),
      IDEMPOTENCY_CLAIM_TTL_S: String(CLAIM_TTL_S),
    });
    gateway = dying;
    const post = (url: string) =>
      call<{ id?: string; message?: string; made?: Record<string, unknown> }>(url, 'POST', route.path, {
        token: apiKey,
        body: route.body,
        headers: { 'idempotency-key': key },
      });
    return { stack, db, workspaceId, post, relay: through, dying };
  };

  /**
   * Holds the workspace's erasures (`suppressions`), which both routes check before or in the
   * transaction that writes the work, until the work waits for them, uncommitted; runs `meanwhile`;
   * lets go.
   */
  const whileWorkWaits = async (db: TestDatabase, meanwhile: () => void): Promise<void> => {
    const lock = db.dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query('LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE');
    try {
      await untilWaitingForLock(db, 'the work to wait for the lock');
      meanwhile();
    } finally {
      await lock.commitTransaction();
      await lock.release();
    }
  };

  /** Long enough for the dead gateway's claim on the key to lapse. */
  const claimLapse = () => new Promise((resolve) => setTimeout(resolve, CLAIM_TTL_S * 2_000));

  it.each(ROUTES)(
    '$path: the retry is a 409 naming what was made, and nothing is made again',
    async (route) => {
      const {
        stack,
        db,
        workspaceId,
        post,
        relay: through,
        dying,
      } = await start(route, `crash:${route.path}`);
      const lost = post(dying.url).catch(() => null); // its answer is lost with the gateway
      await whileWorkWaits(db, () => through.cut({ blackHole: true }));
      const committed = await eventually(
        async () => {
          const rows = await ids(db, route.made, workspaceId);
          return rows.length > 0 ? rows : undefined;
        },
        { what: 'the work committed' },
      );
      await dying.kill();
      expect(await lost).toBeNull();
      through.mend();
      await claimLapse();

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
    const [route] = ROUTES as [Route];
    const { stack, db, workspaceId, post, relay: through, dying } = await start(route, 'undone');
    const first = post(dying.url);
    // Redis gone for good: the jobs cannot be enqueued after the commit, so the gateway deletes what
    // it wrote and answers 503.
    await whileWorkWaits(db, () => through.cut({ reset: true }));
    expect((await first).status).toBe(503);
    expect(await ids(db, route.made, workspaceId)).toEqual([]);
    through.mend();
    await claimLapse();

    const retry = await post(stack.gatewayUrl);
    expect(retry.status).toBe(202);
    expect(await ids(db, route.made, workspaceId)).toEqual([retry.body.id]);
  });
});
