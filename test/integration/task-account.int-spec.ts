import { randomBytes } from 'node:crypto';
import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

/** Credentials the sandbox's Snov.io accepts (any client id starting `sandbox-`), not the platform's. */
const OWN_SNOV = { client_id: 'sandbox-own-client-0001', client_secret: 'sandbox-own-secret-0001' };

/**
 * A provider task is the account's that started it: stored or removed meanwhile, the workspace's
 * own credentials move neither its polls nor its charge to the other account. And a workspace's
 * platform quota does not refuse work its own credentials pay for.
 */
describe('a task started before the workspace’s credentials changed', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };
  let known: WorldPerson[];

  beforeAll(async () => {
    // Snov.io alone finds e-mails; credentials are read by every step (no cache), so a change is
    // seen by the task's next poll.
    ctx = await setUp({
      CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'),
      CREDENTIALS_CACHE_TTL_MS: '0',
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Task Account Co');
    known = (await people(ctx.stack.sandboxUrl)).filter((p) => p.emails.snov === p.email);
  });
  afterAll(() => tearDown(ctx));

  const credentials = (method: 'PUT' | 'DELETE') =>
    call(ctx.stack.gatewayUrl, method, '/v1/providers/snov/credentials', {
      token: workspace.apiKey,
      ...(method === 'PUT' ? { body: OWN_SNOV } : {}),
    });

  /** Enqueues an e-mail search for `person` and waits until Snov.io has started its task. */
  const startTask = async (person: WorldPerson): Promise<{ id: string; account: string }> => {
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'person.email',
      input: personInput(person),
    });
    const account = await eventually(
      async () =>
        (
          await ctx.db.dataSource.query<{ provider_task_account: string | null }[]>(
            `SELECT provider_task_account FROM enrichment_steps
              WHERE request_id = $1 AND provider = 'snov' AND provider_task_id IS NOT NULL`,
            [id],
          )
        )[0]?.provider_task_account ?? undefined,
      { what: 'the Snov.io task started' },
    );
    return { id, account };
  };

  const ledgerOf = async (requestId: string): Promise<[string, string, number][]> =>
    (await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId })).map((row) => [
      row.provider,
      row.kind,
      Number(row.credits),
    ]);

  /** Whether each of the request's Snov.io calls was made on the workspace's own account. */
  const ownAccountCalls = async (requestId: string): Promise<[string, boolean][]> =>
    (
      await ctx.db.dataSource.query<{ endpoint: string; own_account: boolean }[]>(
        `SELECT endpoint, own_account FROM provider_calls
          WHERE request_id = $1 AND provider = 'snov' AND endpoint NOT LIKE '%oauth%' ORDER BY created_at`,
        [requestId],
      )
    ).map((row) => [row.endpoint, row.own_account]);

  it('polls and charges a task started on the platform’s account there, though the workspace stored its own credentials meanwhile', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 2500 });
    try {
      const { id, account } = await startTask(known[0]);
      expect(account).toBe('platform');
      expect((await credentials('PUT')).status).toBe(200);
      const view = await finished(ctx.stack, workspace.apiKey, id, 30_000);
      expect(view.steps.map((s) => [s.provider, s.state, s.credits])).toEqual([
        ['rocketreach', 'skipped', 0],
        ['apollo', 'skipped', 0],
        ['snov', 'completed', 1],
      ]);
      // Before, the polls after the PUT went out with the workspace's key, and the platform's
      // charge was recorded as the workspace's own spend.
      const polls = await ownAccountCalls(id);
      expect(polls.length).toBeGreaterThan(1);
      expect(polls.filter(([, own]) => own)).toEqual([]);
      expect(await ledgerOf(id)).toEqual([['snov', 'charge', 1]]);
    } finally {
      await credentials('DELETE');
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 300 }); // its default
    }
  });

  it('fails a task started on the workspace’s credentials once they are removed, counted as the workspace’s spend, not polled on the platform’s', async () => {
    expect((await credentials('PUT')).status).toBe(200);
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 2500 });
    try {
      const { id, account } = await startTask(known[1]);
      expect(account).not.toBe('platform');
      expect((await credentials('DELETE')).status).toBe(200);
      const view = await finished(ctx.stack, workspace.apiKey, id, 30_000);
      const snov = view.steps.find((s) => s.provider === 'snov');
      expect(snov).toMatchObject({ state: 'failed', reason: 'credentials_changed', credits: 1 });
      expect(snov?.error).toMatch(/started on this workspace's credentials, since removed/);
      expect((await ownAccountCalls(id)).filter(([, own]) => !own)).toEqual([]);
      expect(await ledgerOf(id)).toEqual([['snov', 'workspace_charge', 1]]);
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 300 }); // its default
    }
  });

  it('accepts work its own credentials pay for though its platform quota is used up, and refuses it again once they are removed', async () => {
    const quotas = await createWorkspace(ctx.stack.gatewayUrl, 'Quota Spent Co');
    for (const provider of ['snov', 'apollo', 'rocketreach']) {
      const put = await call(
        ctx.stack.gatewayUrl,
        'PUT',
        `/v1/admin/workspaces/${quotas.id}/quotas/${provider}`,
        {
          token: TEST_ADMIN_TOKEN,
          body: { monthly_credits: 0, policy: 'refuse' },
        },
      );
      expect(put.status).toBe(200);
    }
    const ask = () =>
      call<{ code?: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: quotas.apiKey,
        body: { type: 'person.email', input: personInput(known[2]) },
      });
    const spent = await ask();
    expect(spent.status).toBe(402);
    expect(spent.body.code).toBe('quota_exceeded');
    const own = (method: 'PUT' | 'DELETE') =>
      call(ctx.stack.gatewayUrl, method, '/v1/providers/snov/credentials', {
        token: quotas.apiKey,
        ...(method === 'PUT' ? { body: OWN_SNOV } : {}),
      });
    expect((await own('PUT')).status).toBe(200);
    // Calls on its own credentials spend nothing of its platform quota: Snov.io may serve it.
    const accepted = await ask();
    expect(accepted.status).toBe(202);
    const view = await finished(ctx.stack, quotas.apiKey, (accepted.body as { id: string }).id, 30_000);
    expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({ state: 'completed' });
    expect((await own('DELETE')).status).toBe(200);
    expect((await ask()).status).toBe(402);
  });
});
