import { CreditLedgerEntry } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  finished,
  enqueue,
  paidCalls,
  people,
  personInput,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';

const MATCH = 'POST /people/match';

describe('a retry of a job with max_age_days', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match, answered at once).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Retry Freshness Co')).apiKey;
    world = (await people(ctx.stack.sandboxUrl)).filter(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    );
  });
  afterAll(() => tearDown(ctx));

  const admin = async (path: string): Promise<void> => {
    expect((await call(ctx.stack.gatewayUrl, 'POST', path, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
  };
  const retry = async (id: string): Promise<JobView> => {
    const answer = await call<{ id: string; retry_of: string }>(
      ctx.stack.gatewayUrl,
      'POST',
      `/v1/jobs/${id}/retry`,
      { token: apiKey },
    );
    expect(answer.status).toBe(202);
    expect(answer.body.retry_of).toBe(id);
    return finished(ctx.stack, apiKey, answer.body.id);
  };
  const ledgerOf = async (id: string): Promise<[string, number][]> =>
    (await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id })).map((row) => [
      row.provider,
      Number(row.credits),
    ]);
  /** The steps that ran (the disabled finders' are skipped). */
  const ran = (view: JobView) =>
    view.steps.filter((s) => s.state !== 'skipped' || s.reason === 'paused_by_operator');
  const verifyHeld = (view: JobView) =>
    expect(view.result?.unresolved).toEqual([
      expect.objectContaining({
        goal: 'verify',
        retry_later: [{ provider: 'email-verifier', reason: 'paused_by_operator' }],
      }),
    ]);

  it('does not pay again, even with max_age_days 0, for the answers the original job (and earlier retries) bought', async () => {
    const person = world[0];
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    // The verifier is paused: the e-mail is bought, its verification left to retry later.
    await admin('/v1/admin/providers/email-verifier/pause');
    const original = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.email',
        input: personInput(person),
        options: { verify: true, max_age_days: 0 },
      }),
    );
    expect(original.status).toBe('completed');
    expect(
      ran(original)
        .filter((s) => s.goal === 'email')
        .map((s) => [s.provider, s.cached]),
    ).toEqual([['apollo', false]]);
    verifyHeld(original);
    expect(await ledgerOf(original.id)).toEqual([['apollo', 1]]);
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore + 1);

    // Still paused: the retry leaves the verification to retry later again, and buys nothing.
    const first = await retry(original.id);
    expect(
      ran(first)
        .filter((s) => s.goal === 'email')
        .map((s) => [s.provider, s.cached, s.credits]),
    ).toEqual([['apollo', true, 0]]);
    verifyHeld(first);
    expect(await ledgerOf(first.id)).toEqual([]);

    // Resumed: the retry of the retry verifies the address, and the e-mail still comes from what the
    // original paid for.
    await admin('/v1/admin/providers/email-verifier/resume');
    const second = await retry(first.id);
    expect(second.status).toBe('completed');
    expect(ran(second).map((s) => [s.goal, s.provider, s.state, s.cached])).toEqual([
      ['email', 'apollo', 'completed', true],
      ['verify', 'email-verifier', 'completed', false],
    ]);
    expect(second.result?.unresolved).toBeUndefined();
    expect(await ledgerOf(second.id)).toEqual([['email-verifier', 1]]);
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore + 1);
  });

  it('still asks the provider again for a new job with max_age_days 0', async () => {
    const person = world[0];
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    const fresh = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.email',
        input: personInput(person),
        options: { max_age_days: 0 },
      }),
    );
    expect(ran(fresh).map((s) => [s.provider, s.cached])).toEqual([['apollo', false]]);
    expect(paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH)).toBe(matchesBefore + 1);
  });
});
