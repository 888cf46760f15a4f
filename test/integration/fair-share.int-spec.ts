import { call, createWorkspace } from '../support/api';
import { finished, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { eventually } from '../support/wait';

/** Jobs of the big workspace's bulk list: a backlog of 30 s at the provider's 10 a second. */
const BACKLOG = 300;

/**
 * Workspaces share the provider queues (and the plan queue). One workspace's bulk backlog must not
 * hold another's few bulk jobs until all of it has gone through the provider: they take turns. The
 * verifier is limited to 10 calls a second (Sluice's own window; the sandbox itself lets all
 * through), so the big workspace's list waits about 30 s for it.
 */
describe('bulk work of several workspaces on shared queues', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({
        snov: { enabled: false },
        'email-verifier': { rateLimits: [{ name: 'second', limit: 10, windowMs: 1000 }] },
      }),
    });
    await sandboxPatch(ctx.stack.sandboxUrl, 'email-verifier', { rate_limit: null });
  }, 120_000);
  afterAll(() => tearDown(ctx));

  it("are taken in turns: a workspace's few bulk jobs finish long before another's backlog, queued first, drains", async () => {
    const { stack, db } = ctx;
    const big = await createWorkspace(stack.gatewayUrl, 'Big List Co');
    const small = await createWorkspace(stack.gatewayUrl, 'Small List Co');
    const bulk = async (apiKey: string, jobs: unknown[]): Promise<string[]> => {
      const answer = await call<{ accepted: { id: string }[] }>(stack.gatewayUrl, 'POST', '/v1/jobs/bulk', {
        token: apiKey,
        body: { jobs },
        timeoutMs: 60_000,
      });
      expect(answer.status).toBe(202);
      return answer.body.accepted.map((job) => job.id);
    };
    const verify = (email: string): Record<string, unknown> => ({ type: 'email.verify', input: { email } });
    const finishedOf = async (workspaceId: string): Promise<number> => {
      const [row] = await db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM enrichment_requests
          WHERE workspace_id = $1 AND status IN ('completed', 'failed', 'cancelled')`,
        [workspaceId],
      );
      return row?.n ?? 0;
    };

    await bulk(
      big.apiKey,
      Array.from({ length: BACKLOG }, (_, i) => verify(`lead${i}@big-list.example`)),
    );
    // The big list is being worked through when the small workspace's jobs come.
    await eventually(async () => (await finishedOf(big.id)) > 0, { what: 'the first of the big list' });
    const few = await bulk(
      small.apiKey,
      Array.from({ length: 5 }, (_, i) => verify(`contact${i}@small-list.example`)),
    );
    const interactive = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: small.apiKey,
      body: { ...verify('now@small-list.example'), priority: 'interactive' },
    });
    expect(interactive.status).toBe(202);

    // Interactive work goes before any bulk work, as it always did.
    expect((await finished(stack, small.apiKey, interactive.body.id, 30_000)).status).toBe('completed');
    expect(await finishedOf(big.id)).toBeLessThan(BACKLOG / 2);
    // The few bulk jobs take turns with the backlog: each waits for about one of the big list's,
    // not for all of them (first in, first out, they finished after the whole list, 30 s on).
    for (const id of few) {
      expect((await finished(stack, small.apiKey, id, 60_000)).status).toBe('completed');
    }
    expect(await finishedOf(big.id)).toBeLessThan(BACKLOG / 2);
    // And the backlog still drains.
    await eventually(async () => (await finishedOf(big.id)) === BACKLOG, {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'the whole big list',
    });
  }, 240_000);
});
