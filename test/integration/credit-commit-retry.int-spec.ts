import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { CreditWallet } from '@sluice/queue';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { StepLedger } from '../../apps/enrichment-worker/src/steps/step-ledger.service';
import { quotaMonth, WorkspaceQuotas } from '../../apps/enrichment-worker/src/pipeline/workspace-quotas';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';

describe('a paid step whose workspace quota commit did not land', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, answered at once).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  /** Sets a quota of 10 on Apollo for a new workspace; returns it with an Apollo-found person. */
  const workspaceWithQuota = async (name: string) => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, name);
    const quota = await call(
      ctx.stack.gatewayUrl,
      'PUT',
      `/v1/admin/workspaces/${workspaceId}/quotas/apollo`,
      { token: TEST_ADMIN_TOKEN, body: { monthly_credits: 10, policy: 'refuse' } },
    );
    expect(quota.status).toBe(200);
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => p.emails.apollo === p.email,
    ) as WorldPerson;
    return { workspaceId, apiKey, person };
  };
  const theWorker = () => {
    if (!ctx.stack.worker) {
      throw new Error('the stack runs its worker in this process');
    }
    return ctx.stack.worker;
  };
  /** Runs a person.email job; returns Apollo's step. */
  const stepOf = async (apiKey: string, person: WorldPerson): Promise<EnrichmentStep> => {
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    const view = await finished(ctx.stack, apiKey, id, 30_000);
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    return ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'apollo' });
  };
  /** The ledger's Apollo charges for the workspace, and the quota's allowance: quota minus them, nothing held. */
  const expectQuotaMatchesLedger = async (workspaceId: string): Promise<void> => {
    const charged = (
      await ctx.db.dataSource
        .getRepository(CreditLedgerEntry)
        .findBy({ workspaceId, provider: 'apollo', kind: 'charge' })
    ).reduce((sum, row) => sum + Number(row.credits), 0);
    expect(charged).toBe(1);
    const guards = theWorker().get(PipelineGuards);
    const allowance = await new CreditWallet(guards.redis, `${guards.prefix}:quota`).snapshot(
      `${workspaceId}:apollo:${quotaMonth()}`,
    );
    expect(allowance).toMatchObject({ balance: 10 - charged, reserved: 0 });
  };

  it('a quota commit Redis refuses once is made again at once: the quota and the ledger agree', async () => {
    const { workspaceId, apiKey, person } = await workspaceWithQuota('Blip Co');
    const refused = jest
      .spyOn(theWorker().get(WorkspaceQuotas), 'commit')
      .mockRejectedValueOnce(new Error('Redis refused the command'));
    try {
      const step = await stepOf(apiKey, person);
      expect(step).toMatchObject({ state: 'completed', attempts: 1 });
      expect(Number(step.credits)).toBe(1);
      expect(refused).toHaveBeenCalledTimes(2);
    } finally {
      refused.mockRestore();
    }
    await expectQuotaMatchesLedger(workspaceId);
  });

  it('a run that paid and stopped before the quota commit and its settlement: the retry charges the quota, once', async () => {
    const { workspaceId, apiKey, person } = await workspaceWithQuota('Interrupted Co');
    // The run charges the provider's balance, the quota's commit never lands (Redis keeps refusing
    // it), and its settlement fails too (PostgreSQL away): the job is run again, as BullMQ does.
    const worker = theWorker();
    const refused = jest
      .spyOn(worker.get(WorkspaceQuotas), 'commit')
      .mockRejectedValueOnce(new Error('Redis refused the command'))
      .mockRejectedValueOnce(new Error('Redis refused the command'))
      .mockRejectedValueOnce(new Error('Redis refused the command'));
    const unsettled = jest
      .spyOn(worker.get(StepLedger), 'settle')
      .mockRejectedValueOnce(new Error('PostgreSQL refused the settlement'));
    try {
      const step = await stepOf(apiKey, person);
      expect(step).toMatchObject({ state: 'completed', attempts: 2 });
      expect(Number(step.credits)).toBe(1);
    } finally {
      refused.mockRestore();
      unsettled.mockRestore();
    }
    await expectQuotaMatchesLedger(workspaceId);
  });
});
