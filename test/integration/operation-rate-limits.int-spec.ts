import { call, createWorkspace } from '../support/api';
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

const PERSON_LOOKUPS = ['lookup_person', 'find_work_email', 'find_phone'];
const PERSON_LOOKUP = 'GET /person/lookup';
const COMPANY_LOOKUP = 'GET /company/lookup/';

/**
 * A provider that limits each of its APIs on its own (RocketReach: person lookups apart from
 * searches and company lookups): a rule with `operations` counts only those operations' calls, so
 * its budget used up holds back only them, while the provider's other operations go on.
 */
describe('a rate-limit rule on some operations of a provider', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp({
      // RocketReach goes first for e-mails; its person-lookup API allows one call an hour, its
      // other APIs only the global ten a second. Snov.io is the other e-mail provider.
      PROVIDER_OVERRIDES: JSON.stringify({
        apollo: { enabled: false },
        rocketreach: {
          priority: 0,
          rateLimits: [
            { name: 'second', limit: 10, windowMs: 1000 },
            { name: 'person-lookup-hour', limit: 1, windowMs: 3_600_000, operations: PERSON_LOOKUPS },
          ],
        },
      }),
    });
    world = await people(ctx.stack.sandboxUrl);
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Operation Limits Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  const stepsOf = (view: JobView): [string, string][] =>
    view.steps.filter((s) => s.state !== 'skipped').map((s) => [s.provider, s.state]);

  it('holds only the calls of a used-up operation budget, while the same provider’s other operations go on', async () => {
    const known = world.filter((p) => p.emails.rocketreach && p.emails.snov === p.email);
    expect(known.length).toBeGreaterThanOrEqual(3);
    const before = await calls(ctx.stack.sandboxUrl, 'rocketreach');

    // The one person lookup of the hour.
    const first = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(known[0]) }),
    );
    expect(first.status).toBe('completed');
    expect(stepsOf(first)).toEqual([['rocketreach', 'completed']]);

    // Selection reads the e-mail's budget: RocketReach's lookups are used up, so Snov.io goes first.
    const second = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(known[1]) }),
    );
    expect(second.status).toBe('completed');
    expect(second.result?.email).toMatchObject({ email: known[1].email, source: 'snov' });
    expect(stepsOf(second)).toEqual([['snov', 'completed']]);

    // A profile only RocketReach can look up waits for its lookup window, without a call …
    const waiting = await enqueue(ctx.stack, apiKey, {
      type: 'person.profile',
      input: { linkedin_url: known[2].linkedin_url },
    });
    await eventually(
      async () => {
        const view = await job(ctx.stack, apiKey, waiting);
        const step = view.steps.find((s) => s.provider === 'rocketreach');
        return step && step.attempts >= 1 ? step : null;
      },
      { what: 'the profile step refused its slot' },
    );

    // … while a company lookup at RocketReach, counted apart, is made at once.
    const company = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'enrich',
        input: { domain: known[2].domain },
        options: { fields: ['industry'] },
      }),
    );
    expect(company.status).toBe('completed');
    expect(stepsOf(company)).toEqual([['rocketreach', 'completed']]);
    expect((company.result?.data as Record<string, unknown> | undefined)?.industry).toEqual(
      expect.any(String),
    );

    const held = await job(ctx.stack, apiKey, waiting);
    expect(held.status).toBe('running');
    expect(stepsOf(held)).toEqual([['rocketreach', 'pending']]);
    const after = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    expect(paidCalls(after, PERSON_LOOKUP) - paidCalls(before, PERSON_LOOKUP)).toBe(1);
    expect(paidCalls(after, COMPANY_LOOKUP) - paidCalls(before, COMPANY_LOOKUP)).toBe(1);
  });

  it('takes, shows and refuses by name rules with operations through the admin API', async () => {
    const put = (body: unknown, provider = 'rocketreach') =>
      call<{ settings: Record<string, unknown>; message?: string[] }>(
        ctx.stack.gatewayUrl,
        'PUT',
        `/v1/admin/providers/${provider}/settings`,
        { token: TEST_ADMIN_TOKEN, body },
      );
    const rule = (operations: unknown) => ({
      rate_limits: [{ name: 'lookups', limit: 5, window_ms: 60000, operations }],
    });

    for (const [operations, problem] of [
      [['verify_email'], "rate_limits[0].operations[0]: rocketreach has no operation 'verify_email'"],
      [[], 'rate_limits[0].operations is empty'],
      ['find_phone', 'rate_limits[0].operations must be a list of operation names'],
      [['find_phone', 7], 'rate_limits[0].operations[1] must be a string naming an operation'],
    ] as const) {
      const refused = await put(rule(operations));
      expect(refused.status).toBe(400);
      expect((refused.body.message ?? []).join('\n')).toContain(problem);
    }
    const twice = await put({
      rate_limits: [
        { name: 'm', limit: 5, window_ms: 60000, tier: 'free' },
        { name: 'm', limit: 5, window_ms: 60000, operations: ['find_phone'] },
      ],
    });
    expect(twice.status).toBe(400);
    expect((twice.body.message ?? []).join('\n')).toContain("rate_limits[1].name 'm' is used twice");

    try {
      const taken = await put(rule(['find_phone', 'lookup_person']));
      expect(taken.status).toBe(200);
      expect(taken.body.settings.rate_limits).toEqual([
        { name: 'lookups', limit: 5, window_ms: 60000, operations: ['find_phone', 'lookup_person'] },
      ]);
      const listed = await call<{ providers: { name: string; settings: Record<string, unknown> }[] }>(
        ctx.stack.gatewayUrl,
        'GET',
        '/v1/admin/providers/settings',
        { token: TEST_ADMIN_TOKEN },
      );
      expect(listed.body.providers.find((p) => p.name === 'rocketreach')?.settings.rate_limits).toEqual(
        taken.body.settings.rate_limits,
      );
    } finally {
      await call(ctx.stack.gatewayUrl, 'DELETE', '/v1/admin/providers/rocketreach/settings', {
        token: TEST_ADMIN_TOKEN,
      });
    }
  });
});
