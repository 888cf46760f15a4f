import { quotaHoldsKey } from '@sluice/queue';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import {
  calls,
  enqueue,
  finished,
  job,
  paidCalls,
  people,
  personInput,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

const MATCH = 'POST /people/match';

/** The step's held detail as the job's status shows it. */
interface HeldStep {
  provider: string;
  state: string;
  reason: string | null;
  error: string | null;
}

describe('a step held by its workspace’s used-up quota (policy hold)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspaceId: string;
  let apiKey: string;
  let world: WorldPerson[];
  let redis: Redis;

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    ({ id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Held Quota Co'));
    world = (await people(ctx.stack.sandboxUrl)).filter((p) => p.emails.apollo === p.email);
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await tearDown(ctx);
  });

  const setQuota = async (monthlyCredits: number): Promise<void> => {
    const answer = await call(
      ctx.stack.gatewayUrl,
      'PUT',
      `/v1/admin/workspaces/${workspaceId}/quotas/apollo`,
      {
        token: TEST_ADMIN_TOKEN,
        body: { monthly_credits: monthlyCredits, policy: 'hold' },
      },
    );
    expect(answer.status).toBe(200);
  };

  const heldStep = async (id: string): Promise<HeldStep & { jobView: JobView }> => {
    const jobView = await eventually(
      async () => {
        const view = await job(ctx.stack, apiKey, id);
        return view.steps.some((step) => step.reason === 'quota_held') ? view : null;
      },
      { timeoutMs: 15_000, what: 'the step held by the quota' },
    );
    const step = jobView.steps.find((s) => s.reason === 'quota_held') as unknown as HeldStep;
    return { ...step, jobView };
  };

  /** When (epoch ms) BullMQ runs the step's delayed job next (its score in the delayed set). */
  const wakesAt = async (stepId: string): Promise<number | null> => {
    const score = await redis.zscore(`${ctx.prefix}:provider.apollo:delayed`, `step-${stepId}`);
    // BullMQ keeps a delayed job's time in the score's upper bits (the lower 12 order jobs of one ms).
    return score === null ? null : Math.floor(Number(score) / 0x1000);
  };

  it('waits, visibly and without polling, until the quota is raised, then goes on at once', async () => {
    await setQuota(0);
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(world[0]) });
    const held = await heldStep(id);
    expect(held).toMatchObject({ provider: 'apollo', state: 'pending', reason: 'quota_held' });
    expect(held.error).toMatch(
      /quota at apollo \(0 credits\) is used up: the step waits until it resets on \d{4}-\d{2}-01T00:00:00\.000Z/,
    );
    expect(held.jobView.status).toBe('running');
    // Its job sleeps (no worker slot, no polling) far longer than a poll: until the reset, or a recheck.
    const [{ id: stepId }] = await ctx.db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM enrichment_steps WHERE request_id = $1 AND provider = 'apollo'`,
      [id],
    );
    const wake = await wakesAt(stepId);
    expect(wake).not.toBeNull();
    expect((wake as number) - Date.now()).toBeGreaterThan(10 * 60_000);
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore);

    // Raising the quota wakes it: it goes on now, not at its next look.
    const raisedAt = Date.now();
    await setQuota(100);
    const view = await finished(ctx.stack, apiKey, id, 15_000);
    expect(Date.now() - raisedAt).toBeLessThan(15_000);
    expect(view.status).toBe('completed');
    expect(view.result?.email).toMatchObject({ email: world[0].email, source: 'apollo' });
    expect(view.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'completed',
      reason: null,
      error: null,
      credits: 1,
    });
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore + 1);
  });

  it('can be cancelled while held, and then spends nothing', async () => {
    // The month's allowance (100 - 1 used) is cut to what was used (workers trust a quota for 5 s).
    await setQuota(1);
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(world[1]) });
    await heldStep(id);
    const cancelled = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      error: null,
    });
    // Raising the quota now wakes a step that no longer waits: nothing is asked of the provider.
    await setQuota(100);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await job(ctx.stack, apiKey, id)).status).toBe('cancelled');
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore);
  });

  /** Whether the workspace's record of the steps its apollo quota holds names `stepId`. */
  const recordedHeld = async (stepId: string): Promise<boolean> =>
    (await redis.sismember(quotaHoldsKey(ctx.prefix, workspaceId, 'apollo'), stepId)) === 1;
  const apolloStepOf = async (requestId: string): Promise<string> => {
    const [{ id: stepId }] = await ctx.db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM enrichment_steps WHERE request_id = $1 AND provider = 'apollo'`,
      [requestId],
    );
    return stepId;
  };

  it('forgets a held step as soon as its job, or its batch, is cancelled, not at its next look', async () => {
    await setQuota(1);
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);

    // A job of its own, cancelled.
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(world[2]) });
    await heldStep(id);
    const stepId = await apolloStepOf(id);
    expect(await recordedHeld(stepId)).toBe(true);
    const cancelled = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.status).toBe(200);
    const cancelledAt = Date.now();
    await eventually(async () => !(await recordedHeld(stepId)) || undefined, {
      timeoutMs: 1000,
      what: 'the cancelled step forgotten by its quota',
    });
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    // Its delayed job still sleeps (it ends at its next look, finding the step settled).
    expect(await wakesAt(stepId)).not.toBeNull();

    // A batch's job, cancelled with its batch.
    const batch = await call<{ batch: { id: string }; accepted: { job_id: string }[] }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/batches',
      {
        token: apiKey,
        body: { records: [personInput(world[3])], enrich: ['business_email'] },
      },
    );
    expect(batch.status).toBe(201);
    const [{ job_id: batchJob }] = batch.body.accepted;
    await heldStep(batchJob);
    const batchStep = await apolloStepOf(batchJob);
    expect(await recordedHeld(batchStep)).toBe(true);
    expect(
      (
        await call(ctx.stack.gatewayUrl, 'POST', `/v1/batches/${batch.body.batch.id}/cancel`, {
          token: apiKey,
        })
      ).status,
    ).toBe(200);
    await eventually(async () => !(await recordedHeld(batchStep)) || undefined, {
      timeoutMs: 1000,
      what: 'the cancelled batch step forgotten by its quota',
    });

    // Raising the quota wakes nobody, and nothing is asked of the provider.
    await setQuota(100);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await job(ctx.stack, apiKey, id)).status).toBe('cancelled');
    expect((await job(ctx.stack, apiKey, batchJob)).status).toBe('cancelled');
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore);
  });
});
