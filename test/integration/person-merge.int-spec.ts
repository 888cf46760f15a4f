import { Redis } from 'ioredis';
import { createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { calls, enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

/**
 * Duplicate people are merged when an answer links them: a person stored once by e-mail and once by
 * LinkedIn URL becomes one row holding both identifiers and what both knew.
 */
describe('duplicate people (the persons store)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({});
  });
  afterAll(() => tearDown(ctx));

  it('folds the rows keyed by the e-mail and by the LinkedIn URL into one when an answer names both', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Merge Co');
    const world = await people(ctx.stack.sandboxUrl);
    const person = world.find((p) => p.emails.apollo === p.email && p.linkedin_url) as WorldPerson;
    expect(person).toBeDefined();
    const db = ctx.db.dataSource;
    // Two rows for one person, as two earlier lookups left them; stale, so the job asks a provider.
    await db.query(
      `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, data, sources, confidence, fetched_at, created_at)
       VALUES ($1, $2, NULL, $3, '{"title":"Old title","department":"Finance"}', '{"title":"rocketreach","department":"rocketreach"}', '{"title":0.4,"department":0.5}', now() - interval '200 days', now() - interval '300 days'),
              ($1, NULL, $4, NULL, '{"title":"Newer title","seniority":"director"}', '{"title":"apollo","seniority":"apollo"}', '{"seniority":0.8}', now() - interval '200 days', now() - interval '250 days')`,
      [workspaceId, person.email, person.full_name, person.linkedin_url],
    );

    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: { linkedin_url: person.linkedin_url },
    });
    const view = await finished(ctx.stack, apiKey, id, 30_000);
    expect(view.status).toBe('completed');
    expect(view.result?.data).toMatchObject({ business_email: person.email });

    const rows = await db.query<
      {
        email: string | null;
        linkedin_url: string | null;
        full_name: string | null;
        data: Record<string, unknown>;
        confidence: Record<string, number>;
      }[]
    >(`SELECT email, linkedin_url, full_name, data, confidence FROM persons WHERE workspace_id = $1`, [
      workspaceId,
    ]);
    expect(rows).toHaveLength(1);
    const [merged] = rows;
    expect(merged?.email).toBe(person.email);
    expect(merged?.linkedin_url).toBe(person.linkedin_url);
    expect(merged?.full_name).toBe(person.full_name);
    // What both rows knew, the newer row winning a field both had, and this answer on top.
    expect(merged?.data).toMatchObject({
      title: 'Newer title',
      department: 'Finance',
      seniority: 'director',
      business_email: person.email,
    });
    // Each field keeps the confidence of the value kept: the older title's goes with it, and the
    // address has the one its finder gave it.
    const found = (view.result?.email as { confidence: number | null }).confidence;
    expect(typeof found).toBe('number');
    expect(merged?.confidence).toEqual({ department: 0.5, seniority: 0.8, business_email: found });
  });

  it('keeps the confidence a finder gave an e-mail with the person, and answers from the store with it', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Confidence Co');
    const world = await people(ctx.stack.sandboxUrl);
    // Snov.io, first of the finders, knows the address.
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    expect(person).toBeDefined();
    const emailJob = async (): Promise<Awaited<ReturnType<typeof finished>>> =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) }),
        30_000,
      );

    const first = await emailJob();
    expect(first.steps.map((s) => [s.provider, s.state, s.cached])).toEqual([['snov', 'completed', false]]);
    const given = (first.result?.email as { confidence: number | null }).confidence;
    expect(typeof given).toBe('number');
    expect(first.result?.confidence).toMatchObject({ business_email: given });

    const [row] = await ctx.db.dataSource.query<{ confidence: Record<string, number> }[]>(
      `SELECT confidence FROM persons WHERE workspace_id = $1 AND lower(email) = lower($2)`,
      [workspaceId, person.email],
    );
    expect(row?.confidence).toEqual({ business_email: given });

    // Only the store remembers the answer now: the same question is answered from it, unpaid.
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keys = await redis.keys(`${ctx.prefix}:pipeline:cache:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const before = (await calls(ctx.stack.sandboxUrl, 'snov')).total;
    const again = await emailJob();
    expect(again.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'completed', true, 0],
    ]);
    expect((await calls(ctx.stack.sandboxUrl, 'snov')).total).toBe(before);
    expect(again.result?.email).toMatchObject({ email: person.email, source: 'snov', confidence: given });
    expect(again.result?.confidence).toEqual(first.result?.confidence);
  });
});
