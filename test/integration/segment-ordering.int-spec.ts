import { createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, setUp, tearDown, type JobView } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

/**
 * The measured ordering (`cost_per_success`) prices a provider from its calls of the goal's
 * operation, and from those in the request's segment when the segment has enough calls. The call
 * log is seeded so that overall Apollo finds e-mails more cheaply than Snov.io, but for people in
 * Great Britain Snov.io does; a request whose phone number says it is about someone in Great
 * Britain asks Snov.io first, any other asks Apollo first (although Snov.io has the better
 * configured priority). RocketReach is disabled: unmeasured, its prior would undercut both.
 */
describe('cost_per_success ordering by operation and segment', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];
  let used = 0;

  /** A person both Snov.io and Apollo find, not asked for before (so no cache answers). */
  const nextPerson = (): WorldPerson => {
    const candidates = world.filter((p) => p.emails.snov === p.email && p.emails.apollo === p.email);
    const person = candidates[used];
    used += 1;
    if (!person) {
      throw new Error('the sandbox world has too few people known to both Snov.io and Apollo');
    }
    return person;
  };
  /** The providers the e-mail goal called, in order (skipped ones left out). */
  const tried = (view: JobView): string[] =>
    view.steps
      .filter((step) => step.goal === 'email' && step.state !== 'skipped')
      .sort((a, b) => a.seq - b.seq)
      .map((step) => step.provider);
  const enrichEmail = async (extra: Record<string, string> = {}): Promise<JobView> =>
    finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'enrich',
        input: { ...personInput(nextPerson()), ...extra },
        options: { fields: ['business_email'] },
      }),
    );

  beforeAll(async () => {
    ctx = await setUp({
      PIPELINE_ORDERING: 'cost_per_success',
      PIPELINE_SEGMENT_MIN_CALLS: '30',
      PROVIDER_OVERRIDES: JSON.stringify({ rocketreach: { enabled: false } }),
    });
    const workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Segment Ordering Co');
    apiKey = workspace.apiKey;
    world = await people(ctx.stack.sandboxUrl);
    // Finished requests of the last days, one provider call each, every call charged one credit.
    // Outside Great Britain (US): Apollo 100 calls, 90 hits; Snov.io 100 calls, 30 hits.
    // In Great Britain: Snov.io 40 calls, 36 hits; Apollo 40 calls, 4 hits.
    // Overall Apollo (94 of 140) beats Snov.io (66 of 140); in GB Snov.io wins. A third operation's
    // calls (Snov.io verifying e-mails, every one a hit) must not count for finding e-mails.
    const seed = async (
      provider: string,
      operation: string,
      country: string,
      calls: number,
      hits: number,
    ): Promise<void> => {
      await ctx.db.dataSource.query(
        `WITH requests AS (
           INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, result,
                                            created_at, completed_at)
           SELECT $1, 'enrich', '{}', 'completed', 'seed',
                  jsonb_build_object('data', jsonb_build_object('country', $4::text, 'industry', 'Retail')),
                  now() - interval '1 day', now() - interval '1 day'
             FROM generate_series(1, $5::int) AS n
           RETURNING id
         ), numbered AS (
           SELECT id, row_number() OVER () AS n FROM requests
         )
         INSERT INTO enrichment_steps (request_id, workspace_id, seq, goal, provider, operation, state,
                                       reason, credits, cached, created_at, completed_at)
         SELECT id, $1, 0, 'email', $2, $3,
                'completed', CASE WHEN n <= $6 THEN NULL ELSE 'not_found' END, 1, false,
                now() - interval '1 day', now() - interval '1 day'
           FROM numbered`,
        [workspace.id, provider, operation, country, calls, hits],
      );
    };
    await seed('apollo', 'person.email', 'US', 100, 90);
    await seed('snov', 'person.email', 'US', 100, 30);
    await seed('snov', 'person.email', 'GB', 40, 36);
    await seed('apollo', 'person.email', 'GB', 40, 4);
    await seed('snov', 'email.verify', 'US', 200, 200);
  }, 120_000);

  afterAll(async () => {
    await tearDown(ctx);
  });

  it("asks the provider cheapest in the request's segment first: Snov.io for a British phone number", async () => {
    const view = await enrichEmail({ phone: '+447400123456' });
    expect(view.status).toBe('completed');
    expect(tried(view)[0]).toBe('snov');
  });

  it("asks the provider cheapest for the operation first when the request's segment is unknown", async () => {
    const view = await enrichEmail();
    expect(view.status).toBe('completed');
    expect(tried(view)[0]).toBe('apollo');
  });

  it("uses the operation's figures when the request's segment has too few calls", async () => {
    const view = await enrichEmail({ phone: '+33612345678' });
    expect(view.status).toBe('completed');
    expect(tried(view)[0]).toBe('apollo');
  });
});
