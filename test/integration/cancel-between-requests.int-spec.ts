import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  onlyRocketReachFinds,
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

const SEARCH = 'POST /person/search';
const LOOKUP = 'GET /person/lookup';

describe('a request cancelled while the free request of its paid call is out', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // RocketReach alone finds e-mails here: its free person search goes first, then its paid lookup.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } }),
    });
  });

  afterAll(async () => {
    await tearDown(ctx);
  });

  it('sends no paid lookup once cancelled, and charges nothing', async () => {
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Cancelled Mid-Search Co');
    const person = (await people(stack.sandboxUrl)).find(onlyRocketReachFinds('valid'));
    expect(person).toBeDefined();
    const before = await sandboxCredits(stack.sandboxUrl, 'rocketreach');
    // Each request takes 2 s at RocketReach: the cancellation comes while the search is out.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 2000 });

    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person as NonNullable<typeof person>),
    });
    await eventually(
      async () => paidCalls(await calls(stack.sandboxUrl, 'rocketreach'), SEARCH) >= 1 || undefined,
      { what: 'the person search sent', timeoutMs: 30_000, intervalMs: 50 },
    );
    const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');

    // The search answers a second or two after the cancellation; the lookup would follow it.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(paidCalls(await calls(stack.sandboxUrl, 'rocketreach'), LOOKUP)).toBe(0);
    expect(await sandboxCredits(stack.sandboxUrl, 'rocketreach')).toBe(before);
    const view = await finished(stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.find((s) => s.provider === 'rocketreach')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: 0,
    });
    expect(await db.dataSource.getRepository(CreditLedgerEntry).countBy({ requestId: id })).toBe(0);
  }, 90_000);
});
