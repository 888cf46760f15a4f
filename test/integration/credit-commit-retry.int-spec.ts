import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { CreditWallet } from '@sluice/queue';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { quotaMonth, WorkspaceQuotas } from '../../apps/enrichment-worker/src/pipeline/workspace-quotas';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';

describe('a paid step whose run stopped between charging the provider’s balance and the workspace’s quota', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, answered at once).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('charges the quota on its retry, once, so that the quota and the ledger agree', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Interrupted Co');
    const quota = await call(stack.gatewayUrl, 'PUT', `/v1/admin/workspaces/${workspaceId}/quotas/apollo`, {
      token: TEST_ADMIN_TOKEN,
      body: { monthly_credits: 10, policy: 'refuse' },
    });
    expect(quota.status).toBe(200);
    const person = (await people(stack.sandboxUrl)).find((p) => p.emails.apollo === p.email) as WorldPerson;

    // The run charges the provider's balance, then stops before the quota's commit lands (as when
    // its worker dies there): the job is run again, as BullMQ does with a failed or stalled one.
    const worker = stack.worker;
    if (!worker) {
      throw new Error('the stack runs its worker in this process');
    }
    const quotas = worker.get(WorkspaceQuotas);
    const interrupted = jest
      .spyOn(quotas, 'commit')
      .mockRejectedValueOnce(new Error('the worker stopped between the two commits'));
    try {
      const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
      const view = await finished(stack, apiKey, id, 30_000);
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
      const step = await db.dataSource
        .getRepository(EnrichmentStep)
        .findOneByOrFail({ requestId: id, provider: 'apollo' });
      expect(step).toMatchObject({ state: 'completed', attempts: 2 });
      expect(Number(step.credits)).toBe(1);
    } finally {
      interrupted.mockRestore();
    }

    const charged = (
      await db.dataSource
        .getRepository(CreditLedgerEntry)
        .findBy({ workspaceId, provider: 'apollo', kind: 'charge' })
    ).reduce((sum, row) => sum + Number(row.credits), 0);
    expect(charged).toBe(1);
    // The month's allowance is the quota minus what the ledger charged, nothing held any more.
    const guards = worker.get(PipelineGuards);
    const allowance = await new CreditWallet(guards.redis, `${guards.prefix}:quota`).snapshot(
      `${workspaceId}:apollo:${quotaMonth()}`,
    );
    expect(allowance).toMatchObject({ balance: 10 - charged, reserved: 0 });
  });
});
