import { call, createWorkspace } from '../support/api';
import { answerKey, calls, enqueue, finished, setUp, tearDown } from '../support/pipeline';
import type { WorldCompany, WorldPerson } from '../support/sandbox-world';
import { Client } from 'pg';

interface OfficerEmailView {
  officer_key: string;
  name: string;
  role: string | null;
  email: string | null;
  reason?: string;
  email_verdict?: string | null;
  verification?: { verdict: string; source: string };
}

describe('the company → officers → e-mails chain', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];
  let register: WorldCompany[];

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Chain Co')).apiKey;
    world = await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people');
    register = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
  });
  afterAll(() => tearDown(ctx));

  /** The register's officers of a company, straight from the sandbox's Companies House API. */
  async function registerOfficers(companyNumber: string): Promise<{ resigned_on?: string; name: string }[]> {
    const response = await fetch(
      `${ctx.stack.sandboxUrl}/companies-house/company/${companyNumber}/officers?items_per_page=100`,
      {
        headers: { authorization: `Basic ${Buffer.from('sandbox-companies-house-key:').toString('base64')}` },
      },
    );
    return ((await response.json()) as { items: { resigned_on?: string; name: string }[] }).items;
  }

  /**
   * An active company whose domain Serper can tell, with at least two officers the answer key knows
   * an e-mail of and at least one who resigned.
   */
  async function liveCompany(): Promise<{ company: WorldCompany; officers: WorldPerson[] }> {
    for (const company of register) {
      if (
        company.company_status !== 'active' ||
        company.company_status_detail !== null ||
        !company.domain_known_by.includes('serper')
      ) {
        continue;
      }
      const officers = world.filter((p) => p.company_number === company.company_number && p.officer_id);
      const findable = officers.filter((p) => Object.values(p.emails).includes(p.email));
      if (
        findable.length >= 2 &&
        (await registerOfficers(company.company_number)).some((o) => o.resigned_on)
      ) {
        return { company, officers };
      }
    }
    throw new Error('the sandbox world has no active company with two findable officers and a resigned one');
  }

  it("finds the company's domain with RocketReach's free company search when Serper cannot tell it, and goes on to the e-mails", async () => {
    const company = register.find(
      (c) =>
        c.company_status === 'active' &&
        c.company_status_detail === null &&
        !c.domain_known_by.includes('serper') &&
        c.domain_known_by.includes('rocketreach') &&
        world.some((p) => p.company_number === c.company_number && p.officer_id),
    );
    if (!company) {
      throw new Error('the sandbox world has no active company only RocketReach knows the domain of');
    }
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: company.company_number },
    });
    const view = await finished(ctx.stack, apiKey, id, 30_000);
    expect(view.status).toBe('completed');
    // Serper is asked first (its priority) and charges for its miss; the search costs nothing.
    expect(
      view.steps.filter((s) => s.goal === 'domain').map((s) => [s.provider, s.state, s.reason, s.credits]),
    ).toEqual([
      ['serper', 'failed', 'not_found', 1],
      ['rocketreach', 'completed', null, 0],
    ]);
    expect(view.result?.domain).toMatchObject({ domain: company.domain });
    // The chain went on: one e-mail waterfall per active officer, at that domain.
    const officers = world.filter((p) => p.company_number === company.company_number && p.officer_id);
    const results = view.result?.officer_emails as OfficerEmailView[];
    expect(results.length).toBeGreaterThanOrEqual(1);
    for (const entry of results) {
      expect(officers.map((p) => p.officer_id)).toContain(entry.officer_key);
      if (entry.email !== null) {
        expect(entry.email.endsWith(`@${company.domain}`)).toBe(true);
      }
    }
    expect(view.steps.some((s) => s.goal.startsWith('email:'))).toBe(true);
  });

  it('finds each active officer’s work e-mail at the domain found for the company, and stores them', async () => {
    const { company, officers } = await liveCompany();
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: company.company_number },
      options: { accept_catch_all: true },
    });
    const view = await finished(ctx.stack, apiKey, id, 30_000);
    expect(view.status).toBe('completed');

    // The chain's first three links, each its own visible step.
    const byGoal = (goal: string) => view.steps.filter((s) => s.goal === goal);
    expect(byGoal('company').map((s) => [s.provider, s.state])).toEqual([['companies-house', 'completed']]);
    expect(byGoal('officers').map((s) => [s.provider, s.state])).toEqual([['companies-house', 'completed']]);
    expect(byGoal('domain').map((s) => [s.provider, s.state])).toEqual([['serper', 'completed']]);
    expect(view.result?.domain).toMatchObject({ domain: company.domain });

    // One e-mail waterfall per active officer who is a person: the answer key's officers exactly.
    const results = view.result?.officer_emails as OfficerEmailView[];
    expect(results.map((r) => r.officer_key).sort()).toEqual(officers.map((p) => p.officer_id).sort());
    const emailGoals = new Set(view.steps.filter((s) => s.goal.startsWith('email:')).map((s) => s.goal));
    expect(emailGoals.size).toBe(officers.length);

    let found = 0;
    for (const officer of officers) {
      const entry = results.find((r) => r.officer_key === officer.officer_id) as OfficerEmailView;
      const knownWork = Object.values(officer.emails).includes(officer.email);
      const acceptable = knownWork && officer.email_status !== 'invalid';
      if (entry.email !== null) {
        expect(entry.email).toBe(officer.email);
        found += 1;
      } else {
        // Nobody knows this officer's work address (or only a rejected one): the reason says so.
        expect(acceptable && officer.emails.snov === officer.email).toBe(false);
        expect(entry.reason).toEqual(expect.any(String));
      }
    }
    expect(found).toBeGreaterThanOrEqual(1);

    // Officers who resigned are on the register's list but never searched for, so never paid for.
    const listed = view.result?.officers as {
      name: string;
      resigned_on: string | null;
      officer_id: string | null;
    }[];
    const resigned = listed.filter((o) => o.resigned_on);
    expect(resigned.length).toBeGreaterThanOrEqual(1);
    for (const officer of resigned) {
      expect(view.steps.some((s) => s.goal === `email:${officer.officer_id ?? ''}`)).toBe(false);
      expect(results.some((r) => r.officer_key === officer.officer_id)).toBe(false);
    }

    // The long-term store holds the domain and every officer's e-mail found.
    const pg = new Client({ connectionString: ctx.db.url });
    await pg.connect();
    try {
      const domains = await pg.query('SELECT domain FROM company_domains WHERE company_number = $1', [
        company.company_number,
      ]);
      expect(domains.rows).toEqual([{ domain: company.domain }]);
      const stored = await pg.query(
        'SELECT officer_key, email, verdict FROM officer_emails WHERE company_number = $1 ORDER BY officer_key',
        [company.company_number],
      );
      // With the verdict the answer gave: the verification's, else the finder's own.
      expect(stored.rows).toEqual(
        results
          .filter((r) => r.email !== null)
          .map((r) => ({
            officer_key: r.officer_key,
            email: r.email,
            verdict: r.verification?.verdict ?? r.email_verdict ?? null,
          }))
          .sort((a, b) => a.officer_key.localeCompare(b.officer_key)),
      );
      expect(stored.rows.some((row: { verdict: string | null }) => row.verdict !== null)).toBe(true);
    } finally {
      await pg.end();
    }
  });

  it('records the officers’ e-mails of a chain answered from the cache', async () => {
    const { company } = await liveCompany();
    const ask = async () =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, {
          type: 'company.officer_emails',
          input: { company_number: company.company_number, domain: company.domain },
          options: { accept_catch_all: true },
        }),
        30_000,
      );
    const stored = () =>
      ctx.db.dataSource.query<{ officer_key: string; email: string }[]>(
        'SELECT officer_key, email FROM officer_emails WHERE company_number = $1 ORDER BY officer_key',
        [company.company_number],
      );
    const first = await ask();
    const recorded = await stored();
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    // The record gone (retention, say), the answers still cached: the chain asked again records
    // them again, though it paid for none.
    await ctx.db.dataSource.query('DELETE FROM officer_emails WHERE company_number = $1', [
      company.company_number,
    ]);
    const again = await ask();
    const emailSteps = again.steps.filter((s) => s.goal.startsWith('email:') && s.state === 'completed');
    expect(emailSteps.length).toBeGreaterThanOrEqual(1);
    expect(emailSteps.every((s) => s.cached && s.credits === 0)).toBe(true);
    expect(again.result?.officer_emails).toEqual(first.result?.officer_emails);
    expect(await stored()).toEqual(recorded);

    // Reused, the answers do not make the stored addresses look fetched again: a chain re-run on
    // the same company would otherwise keep them young for ever.
    const emails = recorded.map((row) => row.email);
    await ctx.db.dataSource.query(
      `UPDATE persons SET fetched_at = now() - interval '10 days' WHERE email = ANY($1::text[])`,
      [emails],
    );
    await ctx.db.dataSource.query(
      `UPDATE officer_emails SET fetched_at = now() - interval '10 days' WHERE company_number = $1`,
      [company.company_number],
    );
    const third = await ask();
    expect(
      third.steps
        .filter((s) => s.goal.startsWith('email:') && s.state === 'completed')
        .every((s) => s.cached),
    ).toBe(true);
    const aged = (table: 'persons' | 'officer_emails') =>
      ctx.db.dataSource.query<{ email: string; old: boolean }[]>(
        `SELECT email, fetched_at < now() - interval '9 days' AS old FROM ${table} WHERE email = ANY($1::text[])`,
        [emails],
      );
    const people = await aged('persons');
    expect(people.length).toBeGreaterThanOrEqual(emails.length);
    expect(people.filter((row) => !row.old)).toEqual([]);
    expect((await aged('officer_emails')).filter((row) => !row.old)).toEqual([]);
  });

  it('verifies each officer’s e-mail when asked, and keeps the verdict with the stored address', async () => {
    const { company } = await liveCompany();
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: company.company_number, domain: company.domain },
      options: { verify: true, accept_catch_all: true },
    });
    const view = await finished(ctx.stack, apiKey, id, 30_000);
    expect(view.status).toBe('completed');
    // The caller gave the domain: no search for it.
    expect(view.steps.filter((s) => s.goal === 'domain')).toEqual([]);
    const results = view.result?.officer_emails as OfficerEmailView[];
    const withEmail = results.filter((r) => r.email !== null);
    expect(withEmail.length).toBeGreaterThanOrEqual(1);
    for (const entry of withEmail) {
      expect(typeof entry.verification?.verdict).toBe('string');
      expect(entry.verification?.source).toBe('email-verifier');
      expect(
        view.steps.some((s) => s.goal === `verify:${entry.officer_key}` && s.state === 'completed'),
      ).toBe(true);
    }
    const pg = new Client({ connectionString: ctx.db.url });
    await pg.connect();
    try {
      const stored = await pg.query(
        'SELECT officer_key, verdict FROM officer_emails WHERE company_number = $1',
        [company.company_number],
      );
      for (const entry of withEmail) {
        expect(stored.rows).toContainEqual({
          officer_key: entry.officer_key,
          verdict: entry.verification?.verdict,
        });
      }
    } finally {
      await pg.end();
    }
  });

  it.each([
    ['dissolved', (c: WorldCompany) => c.company_status === 'dissolved', 'company_dissolved'],
    [
      'proposed for strike-off',
      (c: WorldCompany) => c.company_status_detail === 'active-proposal-to-strike-off',
      'proposed_strike_off',
    ],
  ])('stops at a %s company before any credit is spent', async (_what, pick, reason) => {
    const company = register.find(pick);
    expect(company).toBeDefined();
    const before = await Promise.all(['serper', 'snov'].map((p) => calls(ctx.stack.sandboxUrl, p)));
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: (company as WorldCompany).company_number },
    });
    const view = await finished(ctx.stack, apiKey, id);
    expect(view.status).toBe('completed');
    expect(view.result?.stopped).toBe(reason);
    // The goals it never tried say why: the company, not a lack of providers.
    expect(view.result?.unresolved).toEqual([
      { goal: 'officers', reason },
      { goal: 'domain', reason },
    ]);
    expect(view.result?.credits_spent).toBe(0);
    expect(view.steps.map((s) => [s.goal, s.provider])).toEqual([['company', 'companies-house']]);
    const after = await Promise.all(['serper', 'snov'].map((p) => calls(ctx.stack.sandboxUrl, p)));
    expect(after.map((c) => c.total)).toEqual(before.map((c) => c.total));
  });

  it('refuses a chain request without a company number, naming it', async () => {
    const answer = await call<{ message: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.officer_emails', input: { domain: 'example.com' } },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/company_number/);
  });
});
