import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  paidCalls,
  people,
  personInput,
  sandboxCredits,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import { eventually } from '../support/wait';

const START = 'POST /v2/emails-by-domain-by-name/start';
const RESULT = 'GET /v2/emails-by-domain-by-name/result';

describe('a cancelled search at a provider given no callback URL', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Snov.io alone finds e-mails, and no callback URL is given (no WEBHOOK_PUBLIC_URL): its searches
    // are polled. A short deadline, so that the test sees what happens past it.
    ctx = await setUp({
      WEBHOOK_PUBLIC_URL: '',
      ASYNC_DEADLINE_MS: '4000',
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  it('is polled for what it charged: a miss costs nothing and its reservation goes', async () => {
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancelled Search Co');
    // Someone Snov.io does not know: its search ends without an e-mail, which it does not charge for.
    const person = (await people(stack.sandboxUrl)).find((p) => !p.emails.snov);
    expect(person).toBeDefined();
    await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 1500 });
    const before = await sandboxCredits(stack.sandboxUrl, 'snov');

    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person as NonNullable<typeof person>),
    });
    await eventually(async () => paidCalls(await calls(stack.sandboxUrl, 'snov'), START) >= 1 || undefined, {
      what: 'the search started',
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');

    // Past the task's deadline: a task never asked about would be counted as charged by now.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    expect(await sandboxCredits(stack.sandboxUrl, 'snov')).toBe(before);
    const view = await finished(stack, apiKey, id);
    expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: 0,
    });
    expect(await db.dataSource.getRepository(CreditLedgerEntry).countBy({ requestId: id })).toBe(0);
    // It was asked what became of the search.
    expect(paidCalls(await calls(stack.sandboxUrl, 'snov'), RESULT)).toBeGreaterThanOrEqual(1);
    const providers = await call<{ providers: { name: string; credits: { reserved: number } }[] }>(
      stack.gatewayUrl,
      'GET',
      '/v1/providers',
      { token: apiKey },
    );
    expect(providers.body.providers.find((p) => p.name === 'snov')?.credits.reserved).toBe(0);
  }, 90_000);
});
