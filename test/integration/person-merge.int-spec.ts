import { createWorkspace } from '../support/api';
import { enqueue, finished, people, setUp, tearDown } from '../support/pipeline';
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
      `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, data, sources, fetched_at, created_at)
       VALUES ($1, $2, NULL, $3, '{"title":"Old title","department":"Finance"}', '{"title":"rocketreach","department":"rocketreach"}', now() - interval '200 days', now() - interval '300 days'),
              ($1, NULL, $4, NULL, '{"title":"Newer title","seniority":"director"}', '{"title":"apollo","seniority":"apollo"}', now() - interval '200 days', now() - interval '250 days')`,
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
      }[]
    >(`SELECT email, linkedin_url, full_name, data FROM persons WHERE workspace_id = $1`, [workspaceId]);
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
  });
});
