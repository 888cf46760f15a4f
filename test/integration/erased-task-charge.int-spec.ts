import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import { providerQueueName, redisUrlOptions, stepJobId } from '@sluice/queue';
import { Queue } from 'bullmq';
import { IsNull, Not } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  paidCalls,
  people,
  personInput,
  sandboxCredits,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import { eventually } from '../support/wait';

const START = 'POST /v2/emails-by-domain-by-name/start';

describe('a person erased while their search is out at the provider', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Snov.io alone finds e-mails, and calls back when its search is done (WEBHOOK_PUBLIC_URL). A
    // step waiting for a callback looks again every second.
    ctx = await setUp({
      ASYNC_CALLBACK_POLL_INTERVAL_MS: '1000',
      // The recovery sweep runs every half second, and takes work left alone for 2 s.
      REQUEST_RECOVERY_INTERVAL_MS: '500',
      REQUEST_RECOVERY_AFTER_MS: '2000',
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  /**
   * Once the request's Snov.io search has started and its task is recorded, erases the person it
   * names (by LinkedIn URL: the erasure deletes the request and its steps); answers the erased step.
   */
  async function erasedWhileSearching(apiKey: string, requestId: string, linkedinUrl: string) {
    const { stack, db } = ctx;
    const step = await eventually(
      async () =>
        (paidCalls(await calls(stack.sandboxUrl, 'snov'), START) >= 1 &&
          (await db.dataSource
            .getRepository(EnrichmentStep)
            .findOneBy({ requestId, providerTaskId: Not(IsNull()) }))) ||
        undefined,
      { what: 'the search started and its task recorded', timeoutMs: 30_000, intervalMs: 50 },
    );
    const erased = await call(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?linkedin_url=${encodeURIComponent(linkedinUrl)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);
    return step;
  }

  it('has the charge the provider makes for the search in the ledger', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Search Co');
    // Someone Snov.io finds: the finished search costs a credit.
    const subject = (await people(stack.sandboxUrl)).find((p) => p.emails.snov === p.email);
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 2500 });
    const before = await sandboxCredits(stack.sandboxUrl, 'snov');

    // The request names the person by LinkedIn URL: the erasure deletes it and its steps.
    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: { ...personInput(person), linkedin_url: person.linkedin_url },
    });
    await erasedWhileSearching(apiKey, id, person.linkedin_url);
    expect(await db.dataSource.getRepository(EnrichmentStep).countBy({ requestId: id })).toBe(0);

    // The search finishes at the provider, which charges for it and calls back.
    await eventually(
      async () =>
        (
          await call<{ status: number | null }[]>(
            stack.sandboxUrl,
            'GET',
            '/_sandbox/providers/snov/webhooks',
          )
        ).body.length >= 1 || undefined,
      { what: "Snov.io's callback", timeoutMs: 30_000, intervalMs: 100 },
    );
    const charged = before - (await sandboxCredits(stack.sandboxUrl, 'snov'));
    expect(charged).toBe(1);
    const ledger = async (): Promise<number> =>
      (await db.dataSource.getRepository(CreditLedgerEntry).findBy({ provider: 'snov', workspaceId })).reduce(
        (sum, row) => sum + Number(row.credits),
        0,
      );
    await eventually(async () => ((await ledger()) === charged ? true : undefined), {
      what: 'the ledger showing what Snov.io charged',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    // Under the key its settlement would have had, once: the erased work is forgotten.
    const rows = await db.dataSource
      .getRepository(CreditLedgerEntry)
      .findBy({ provider: 'snov', workspaceId });
    expect(rows.map((row) => [row.kind, row.requestId, row.idempotencyKey])).toEqual([
      ['charge', id, `step:${String(rows[0]?.stepId)}`],
    ]);
    expect(await db.dataSource.query('SELECT step_id FROM erased_tasks')).toEqual([]);
    // Its reservation went with it.
    await eventually(
      async () => {
        const providers = await call<{ providers: { name: string; credits: { reserved: number } }[] }>(
          stack.gatewayUrl,
          'GET',
          '/v1/providers',
          { token: apiKey },
        );
        return providers.body.providers.find((p) => p.name === 'snov')?.credits.reserved === 0 || undefined;
      },
      { what: "the search's reservation released" },
    );
    // Nothing of the person with it: the row names the provider, the workspace and the step only.
    expect(JSON.stringify(rows)).not.toContain(
      person.linkedin_url.toLowerCase().replace(/^https:\/\/www\./, ''),
    );
  }, 120_000);

  it('collects the charge when the erased step’s job was lost with Redis’s data', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased And Lost Co');
    // Not the person of the test above: the next one Snov.io finds.
    const person = (await people(stack.sandboxUrl)).filter((p) => p.emails.snov === p.email)[1];
    await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 4000 });
    const before = await sandboxCredits(stack.sandboxUrl, 'snov');
    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: { ...personInput(person), linkedin_url: person.linkedin_url },
    });
    const step = await erasedWhileSearching(apiKey, id, person.linkedin_url);
    // The step's job, waiting on the task, is lost (Redis's data with it): removed between two
    // checks on the task, when no run holds it.
    const queue = new Queue(providerQueueName('snov'), {
      connection: redisUrlOptions(stack.env.REDIS_URL),
      prefix: stack.env.QUEUE_PREFIX,
    });
    try {
      await eventually(
        async () => {
          const job = await queue.getJob(stepJobId(step.id));
          if (!job) {
            return true;
          }
          return (
            (await job.remove().then(
              () => true,
              () => false,
            )) || undefined
          );
        },
        { what: "the step's job removed", timeoutMs: 20_000, intervalMs: 50 },
      );
      const charged = await eventually(
        async () => {
          const spent = before - (await sandboxCredits(stack.sandboxUrl, 'snov'));
          return spent > 0 ? spent : undefined;
        },
        { what: 'Snov.io to finish the search and charge for it', timeoutMs: 30_000 },
      );
      expect(charged).toBe(1);
      // The sweep finds the erased task without a job, and gives it one back: the charge is collected.
      await eventually(
        async () => {
          const rows = await db.dataSource
            .getRepository(CreditLedgerEntry)
            .findBy({ provider: 'snov', workspaceId });
          return rows.reduce((sum, row) => sum + Number(row.credits), 0) === charged || undefined;
        },
        { what: 'the ledger showing what Snov.io charged', timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(
        await db.dataSource.query('SELECT step_id FROM erased_tasks WHERE step_id = $1', [step.id]),
      ).toEqual([]);
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 0 });
      await queue.close();
    }
  }, 120_000);
});
