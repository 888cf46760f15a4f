import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv, type TestDatabase } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

const CLAIM_TTL_S = 3;

/**
 * A POST with an Idempotency-Key whose gateway dies while it works: its claim on the key is renewed
 * while the gateway lives (a repeat meanwhile is 409) and lapses soon after it dies, so the client's
 * retry runs instead of being refused for the whole replay TTL.
 */
describe('an Idempotency-Key claimed by a gateway that died', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let replica: WorkerProcess | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    await replica?.stop();
    replica = undefined;
    redis?.disconnect();
    await tearDown(ctx);
    ctx = undefined;
  });

  it('is held while the gateway works and freed soon after it is killed', async () => {
    // No worker: a real-time enrichment waits its whole timeout, so the request is still running.
    ctx = await setUp({ IDEMPOTENCY_CLAIM_TTL_S: String(CLAIM_TTL_S) }, { worker: false });
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Dying Gateway Co');
    replica = await startAppProcess('gateway', stack.env);
    const key = 'retry-me-0001';
    const claimKey = `${prefix}:idempotency:${workspaceId}:${createHash('sha256').update(key).digest('hex')}`;
    const body = {
      full_name: 'Ada Lovelace',
      company_name: 'Analytical Engines',
      enrich: ['business_email'],
      timeout_ms: 15_000,
    };
    const post = (url: string) =>
      call<{ status?: string; message?: string }>(url, 'POST', '/v1/enrich', {
        token: apiKey,
        body,
        headers: { 'idempotency-key': key },
      });

    const first = post(replica.url).catch(() => null); // its answer is lost with the gateway
    await eventually(async () => (await redis?.exists(claimKey)) === 1, { what: 'the key claimed' });
    // Well past the claim's own TTL: renewed by the working gateway, so a repeat is refused.
    await new Promise((resolve) => setTimeout(resolve, CLAIM_TTL_S * 2_500));
    const meanwhile = await post(stack.gatewayUrl);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.message).toMatch(/still being processed/);

    await replica.kill();
    await first;
    // The repeat runs once the claim has lapsed (it then waits for the job, as the first did).
    const retried = await eventually(
      async () => {
        const answer = await post(stack.gatewayUrl);
        return answer.status === 409 ? undefined : answer;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the key freed' },
    );
    expect(retried.status).toBe(202);
    // It joined the job the dead gateway had made for the same question: one job, not two.
    const [{ n }] = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM enrichment_requests WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(n).toBe(1);
  });
});
