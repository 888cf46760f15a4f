import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

describe('the credits of a step waiting for asynchronous provider work', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Snov.io alone finds e-mails. Its tasks are polled ten seconds apart (no callbacks), far longer
    // than a reservation first lasts (ASYNC_DEADLINE_MS + STEP_TIMEOUT_MS = 3 s).
    ctx = await setUp({
      WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9',
      ASYNC_POLL_INTERVAL_MS: '10000',
      ASYNC_DEADLINE_MS: '1000',
      STEP_TIMEOUT_MS: '2000',
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('stay held until its answer is charged, so that the workspace’s quota is never passed meanwhile', async () => {
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 300 });
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Slow Poll Co');
    const quota = await call(stack.gatewayUrl, 'PUT', `/v1/admin/workspaces/${workspaceId}/quotas/snov`, {
      token: TEST_ADMIN_TOKEN,
      body: { monthly_credits: 1, policy: 'refuse' },
    });
    expect(quota.status).toBe(200);
    const [first, second] = (await people(stack.sandboxUrl)).filter(
      (p) => p.emails.snov === p.email && p.email_status === 'valid',
    ) as [WorldPerson, WorldPerson];

    // The first search starts (its credit and its quota reserved) and waits for its next poll.
    const a = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(first) });
    await eventually(
      async () =>
        (await db.dataSource.getRepository(EnrichmentStep).findOneBy({ requestId: a, provider: 'snov' }))
          ?.providerTaskId,
      { timeoutMs: 10_000, what: 'the first search waiting for its task' },
    );
    // Past the reservation's first lifetime, the task still unasked: its credit is still held.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const guards = stack.worker?.get(PipelineGuards) as PipelineGuards;
    expect((await guards.wallet.snapshot('snov')).reserved).toBe(1);

    // A second search for the workspace meanwhile finds its quota held, and is not paid for.
    const b = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(second) });
    const [viewA, viewB] = await Promise.all([
      finished(stack, apiKey, a, 30_000),
      finished(stack, apiKey, b, 30_000),
    ]);
    expect(viewA.result?.email).toMatchObject({ email: first.email, source: 'snov' });
    expect(viewB.steps.find((s) => s.provider === 'snov')).toMatchObject({
      state: 'skipped',
      reason: 'quota_exceeded',
      credits: 0,
    });
    const charges = await db.dataSource
      .getRepository(CreditLedgerEntry)
      .findBy({ workspaceId, provider: 'snov', kind: 'charge' });
    expect(charges.reduce((sum, row) => sum + Number(row.credits), 0)).toBe(1);
    expect((await guards.wallet.snapshot('snov')).reserved).toBe(0);
  });
});
