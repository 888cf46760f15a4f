import { CreditLedgerEntry } from '@sluice/db';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { ChargingGarbage } from '../support/charging-garbage';
import { createWorkspace } from '../support/api';
import { enqueue, finished, setUp, tearDown } from '../support/pipeline';

describe('a provider that charged for an answer that could not be read', () => {
  const serper = new ChargingGarbage(2);
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };

  beforeAll(async () => {
    await serper.start();
    ctx = await setUp(serper.env);
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Unreadable Co');
  });
  afterAll(async () => {
    await tearDown(ctx);
    await serper.stop();
  });

  it('records what it charged on the failed step, in the ledger and in the wallet, instead of releasing it', async () => {
    const guards = ctx.stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    // Serper has no balance endpoint: the wallet knows its balance only when told.
    await guards.wallet.setBalance('serper', 100);
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'company.domain',
      input: { company_name: 'Unreadable Answers Ltd' },
    });
    const view = await finished(ctx.stack, workspace.apiKey, id);
    expect(serper.searches).toBe(1);
    const step = view.steps.find((s) => s.provider === 'serper');
    expect(step).toMatchObject({ state: 'failed', reason: 'invalid_response', credits: 2 });
    // The waterfall moved on: RocketReach's free company search knows no company of that name.
    expect(view.steps.find((s) => s.provider === 'rocketreach')).toMatchObject({
      state: 'failed',
      reason: 'not_found',
      credits: 0,
    });
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['serper', 2]]);
    // Charged to the wallet, not released: nothing held, the balance down by the charge.
    expect(await guards.wallet.snapshot('serper')).toMatchObject({ balance: 98, reserved: 0 });
    // The call log's record of the charge stays as it was: the answer charged, then refused.
    const logged = await ctx.db.dataSource.query<{ outcome: string; credits_charged: string }[]>(
      "SELECT outcome, credits_charged FROM provider_calls WHERE request_id = $1 AND provider = 'serper' ORDER BY outcome",
      [id],
    );
    expect(logged.map((r) => [r.outcome, Number(r.credits_charged)])).toEqual([
      ['error', 0],
      ['hit', 2],
    ]);
  });
});
