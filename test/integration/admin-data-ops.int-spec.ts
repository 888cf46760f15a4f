import { call, createWorkspace } from '../support/api';
import { OpenApiAnswers } from '../support/openapi-answers';
import { calls, finished, people, personInput, setUp, tearDown, type JobView } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';

interface Figures {
  provider: string;
  segment?: string;
  calls: number;
  hits: number;
  credits: number;
  hit_rate: number | null;
  cost_per_hit: number | null;
}
interface Verdicts {
  total: number;
  by_verdict: Record<string, number>;
  reused: number;
}
interface Report {
  email_verification: Verdicts;
  email_finder_verdicts: Verdicts;
  phones: { total: number; valid: number; invalid: number; by_kind: Record<string, number>; reused: number };
  completeness: { results: number; fields: Record<string, { known: number; rate: number | null }> };
  providers: Figures[];
  segments?: Figures[];
}
type Step = JobView['steps'][number] & { credits: number };

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Provider figures computed here from job views: calls are uncached finished steps. */
function figuresOf(jobs: JobView[], segmentOf?: (job: JobView) => string): Figures[] {
  const byKey = new Map<string, Figures>();
  for (const job of jobs) {
    for (const step of job.steps as Step[]) {
      if (step.cached || !['completed', 'failed'].includes(step.state)) {
        continue;
      }
      const segment = segmentOf?.(job);
      const key = `${step.provider}|${segment ?? ''}`;
      const entry = byKey.get(key) ?? {
        provider: step.provider,
        ...(segment === undefined ? {} : { segment }),
        calls: 0,
        hits: 0,
        credits: 0,
        hit_rate: null,
        cost_per_hit: null,
      };
      entry.calls += 1;
      entry.hits += step.state === 'completed' && step.reason === null ? 1 : 0;
      entry.credits += Number(step.credits);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .map((entry) => ({
      ...entry,
      hit_rate: entry.calls > 0 ? round(entry.hits / entry.calls) : null,
      cost_per_hit: entry.hits > 0 ? round(entry.credits / entry.hits) : null,
    }))
    .sort((a, b) => `${a.provider}|${a.segment ?? ''}`.localeCompare(`${b.provider}|${b.segment ?? ''}`));
}

/** Admin operations: data quality from real jobs, cache clearing, bulk retries of failed jobs. */
describe('admin data quality and operations', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    // No PostgreSQL store answers: a cleared Redis cache means the provider is called again. The
    // compliance view shows the retention schedule, which the test stack turns off; no credit
    // monitor runs here to act on it.
    ctx = await setUp({ STORE_FRESH_DAYS: '0', RETENTION_CRON: '30 2 * * *' });
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });

  it('reports e-mail verdicts, phones, completeness, hit rate and cost per hit matching the jobs run', async () => {
    const { stack } = ctx;
    const ws = await createWorkspace(stack.gatewayUrl, 'Quality Co');
    // No profile field: a profile holding a phone would answer the phone goal, and the report's
    // phones are those phone searches found.
    const fields = ['business_email', 'email_status', 'mobile_phone', 'industry'];
    const chosen = world.slice(0, 6);
    const jobs: JobView[] = [];
    for (const person of chosen) {
      const answer = await call<{ job_id: string }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: ws.apiKey,
        body: { ...personInput(person), enrich: fields, timeout_ms: 20_000 },
      });
      expect(answer.status).toBe(200);
      jobs.push(await finished(stack, ws.apiKey, answer.body.job_id));
    }
    const completed = jobs.filter((job) => job.status === 'completed');
    expect(completed.length).toBeGreaterThan(0);

    const report = await admin<Report>('GET', `/v1/admin/data-quality?workspace_id=${ws.id}`);
    expect(report.status).toBe(200);
    expect(report.body.providers).toEqual(figuresOf(jobs));
    expect(report.body.providers.length).toBeGreaterThan(0);

    // Completeness: of the finished answers, how many know each field.
    expect(report.body.completeness.results).toBe(completed.length);
    for (const field of fields) {
      const known = completed.filter((job) => {
        const value = (job.result?.data as Record<string, unknown> | undefined)?.[field];
        return value !== null && value !== undefined && value !== '';
      }).length;
      expect([field, report.body.completeness.fields[field]?.known ?? 0]).toEqual([field, known]);
    }

    // E-mail verdicts and phones, from the steps' stored outputs.
    const rows = await ctx.db.dataSource.query<{ goal: string; output: Record<string, unknown> | null }[]>(
      `SELECT goal, output FROM enrichment_steps WHERE workspace_id = $1 AND state = 'completed'`,
      [ws.id],
    );
    const outputs = rows.map((row) => row.output ?? {});
    const tally = (values: string[]): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const value of values) {
        counts[value] = (counts[value] ?? 0) + 1;
      }
      return counts;
    };
    // The verifier's verdicts, and apart from them the finders' own on the addresses they found.
    const verdicts = tally(
      rows
        .filter((row) => row.goal === 'verify' && typeof row.output?.verdict === 'string')
        .map((row) => row.output?.verdict as string),
    );
    const finderVerdicts = tally(
      rows
        .filter((row) => row.goal === 'email' && typeof row.output?.email === 'string')
        .map((row) => (typeof row.output?.verdict === 'string' ? row.output.verdict : 'none')),
    );
    expect(report.body.email_verification.by_verdict).toEqual(verdicts);
    expect(report.body.email_verification.total).toBe(Object.values(verdicts).reduce((sum, n) => sum + n, 0));
    expect(report.body.email_verification.total).toBeGreaterThan(0);
    expect(report.body.email_finder_verdicts.by_verdict).toEqual(finderVerdicts);
    // Finders gave verdicts of their own here: the verification figures would have counted them.
    expect(Object.keys(finderVerdicts).some((verdict) => verdict !== 'none')).toBe(true);
    expect(report.body.email_finder_verdicts.total).toBe(
      Object.values(finderVerdicts).reduce((sum, n) => sum + n, 0),
    );
    const phones = outputs.flatMap((o) =>
      Array.isArray(o.phones) ? (o.phones as { number: string; kind: string }[]) : [],
    );
    expect(report.body.phones.total).toBe(phones.length);
    expect(phones.length).toBeGreaterThan(0);
    expect(report.body.phones.valid).toBe(phones.filter((p) => /^\+[1-9]\d{6,14}$/.test(p.number)).length);
    const kinds: Record<string, number> = {};
    for (const phone of phones) {
      kinds[phone.kind] = (kinds[phone.kind] ?? 0) + 1;
    }
    expect(report.body.phones.by_kind).toEqual(kinds);

    // The worker's metrics saw the same verdicts and phones (this suite's only jobs so far).
    const metrics = await (await fetch(`${stack.workerUrl}/metrics`)).text();
    const sum = (name: string, label: string): Record<string, number> => {
      const totals: Record<string, number> = {};
      for (const line of metrics.split('\n').filter((l) => l.startsWith(`${name}{`))) {
        const value = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? '';
        totals[value] = (totals[value] ?? 0) + Number(line.split(' ').pop());
      }
      return totals;
    };
    expect(sum('sluice_email_verifications_total', 'verdict')).toEqual(verdicts);
    expect(sum('sluice_phones_found_total', 'kind')).toEqual(kinds);

    // By segment: the industry of each answer.
    const bySegment = await admin<Report>(
      'GET',
      `/v1/admin/data-quality?workspace_id=${ws.id}&segment=industry`,
    );
    expect(bySegment.body.segments).toEqual(
      figuresOf(jobs, (job) => {
        const industry = (job.result?.data as Record<string, unknown> | undefined)?.industry;
        return typeof industry === 'string' && industry !== '' ? industry : 'unknown';
      }),
    );

    // Another workspace's figures are empty; a window in the past is empty.
    const other = await createWorkspace(stack.gatewayUrl, 'Empty Co');
    const empty = await admin<Report>('GET', `/v1/admin/data-quality?workspace_id=${other.id}`);
    expect(empty.body.providers).toEqual([]);
    expect(empty.body.completeness.results).toBe(0);
    const past = await admin<Report>('GET', '/v1/admin/data-quality?from=2020-01-01&to=2020-02-01');
    expect(past.body.providers).toEqual([]);

    // Compliance: results carrying RocketReach's attribution, counted here from the job views.
    const attributed = jobs.filter(
      (job) =>
        job.status === 'completed' &&
        ((job.result?.attribution as string[] | undefined) ?? []).includes('Powered by RocketReach'),
    ).length;
    interface Compliance {
      retention: {
        policies_days: Record<string, number>;
        schedule: string | null;
        last_run: { id: string; status: string; total_deleted: number; error: string | null } | null;
        last_finished_run: { id: string } | null;
      };
      suppressions: { total: number; by_kind: Record<string, number> };
      attribution: { text: string; results: number };
      audit_events: number;
    }
    const before = await admin<Compliance>('GET', '/v1/admin/compliance');
    expect(before.status).toBe(200);
    expect(before.body.retention).toEqual({
      policies_days: { person: 365, company: 365, provider_calls: 730, results: 90, webhook_events: 30 },
      schedule: '30 2 * * *',
      last_run: null,
      last_finished_run: null,
    });
    expect(before.body.suppressions).toEqual({ total: 0, by_kind: { email: 0, linkedin_url: 0 } });
    // A finished run, then one that failed after it; one erased person.
    const [doneRun] = await ctx.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO retention_runs (trigger, status, started_at, finished_at, total_deleted)
       VALUES ('schedule', 'finished', now() - interval '2 days', now() - interval '2 days', 12) RETURNING id`,
    );
    const [failedRun] = await ctx.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO retention_runs (trigger, status, started_at, finished_at, error)
       VALUES ('manual', 'failed', now() - interval '1 day', now() - interval '1 day', 'the database went away') RETURNING id`,
    );
    const erasing = await createWorkspace(stack.gatewayUrl, 'Erasing Co');
    const erased = await call(stack.gatewayUrl, 'DELETE', '/v1/persons?email=gone@example.com', {
      token: erasing.apiKey,
    });
    expect(erased.status).toBe(200);
    const compliance = await admin<Compliance>('GET', '/v1/admin/compliance');
    expect(compliance.body.retention.last_run).toMatchObject({
      id: failedRun.id,
      status: 'failed',
      error: 'the database went away',
    });
    expect(compliance.body.retention.last_finished_run).toMatchObject({ id: doneRun.id, total_deleted: 12 });
    expect(compliance.body.suppressions).toEqual({ total: 1, by_kind: { email: 1, linkedin_url: 0 } });
    expect(compliance.body.attribution).toEqual({ text: 'Powered by RocketReach', results: attributed });
    expect(compliance.body.audit_events).toBeGreaterThanOrEqual(jobs.length);

    for (const query of [
      'segment=colour',
      'from=soon',
      'workspace_id=1',
      'colour=red',
      'from=2026-02-01&to=2026-01-01',
    ]) {
      expect([query, (await admin('GET', `/v1/admin/data-quality?${query}`)).status]).toEqual([query, 400]);
    }
  });

  it('counts verdicts and phones of the providers’ calls as the provider figures do, answers reused from the cache apart', async () => {
    const { stack } = ctx;
    const ws = await createWorkspace(stack.gatewayUrl, 'Reused Answers Co');
    const fields = ['business_email', 'email_status', 'mobile_phone', 'industry'];
    // People the first test did not ask about.
    const chosen = world.slice(6, 10);
    const runAll = async (): Promise<JobView[]> => {
      const views: JobView[] = [];
      for (const person of chosen) {
        const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
          token: ws.apiKey,
          body: { type: 'enrich', input: personInput(person), options: { fields }, priority: 'interactive' },
        });
        expect(created.status).toBe(202);
        views.push(await finished(stack, ws.apiKey, created.body.id, 20_000));
      }
      return views;
    };
    const report = async (): Promise<Report> => {
      const answer = await admin<Report>('GET', `/v1/admin/data-quality?workspace_id=${ws.id}`);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const first = await runAll();
    // Every verdict and number called for (people of a company share its firmographics' answer).
    const counted = (jobs: JobView[]) =>
      jobs.flatMap((job) => job.steps).filter((step) => ['email', 'verify', 'phone'].includes(step.goal));
    expect(counted(first).filter((step) => step.cached)).toEqual([]);
    const before = await report();
    expect(before.email_verification.total).toBeGreaterThan(0);
    expect(before.email_finder_verdicts.total).toBeGreaterThan(0);
    expect(before.phones.total).toBeGreaterThan(0);

    // The same jobs again: the Redis cache answers every step, no provider is called.
    const again = await runAll();
    expect(again.flatMap((job) => job.steps).every((step) => step.cached)).toBe(true);
    expect(counted(again).length).toBeGreaterThan(0);
    const after = await report();
    // The providers' figures leave the reused answers out; so do the verdicts and the phones.
    expect(after.providers).toEqual(before.providers);
    expect(after.providers).toEqual(figuresOf([...first, ...again]));
    const sections = ['email_verification', 'email_finder_verdicts'] as const;
    for (const section of sections) {
      expect([section, after[section].total, after[section].by_verdict]).toEqual([
        section,
        before[section].total,
        before[section].by_verdict,
      ]);
    }
    const { reused: phonesReused, ...phones } = after.phones;
    const { reused: _none, ...phonesBefore } = before.phones;
    expect(phones).toEqual(phonesBefore);
    // Apart: each step that called for a verdict or numbers the first time reused them the second.
    for (const section of sections) {
      expect([section, after[section].reused]).toEqual([section, before[section].total]);
    }
    expect(phonesReused).toBe(before.phones.total);
    // The answer is the one the OpenAPI document describes (`reused` included).
    const document = await call<{ paths: Record<string, unknown> }>(stack.gatewayUrl, 'GET', '/docs-json');
    expect(new OpenApiAnswers(document.body).problems('GET', '/v1/admin/data-quality', 200, after)).toEqual(
      [],
    );
    // None was reused the first time.
    expect([
      before.email_verification.reused,
      before.email_finder_verdicts.reused,
      before.phones.reused,
    ]).toEqual([0, 0, 0]);
  });

  it('clears cached provider answers by provider so the next identical request calls the provider again', async () => {
    const { stack } = ctx;
    const ws = await createWorkspace(stack.gatewayUrl, 'Cache Co');
    // A company on the sandbox's register that no other test here looks up.
    const companyNumber = world[world.length - 1].company_number;
    const run = async (): Promise<JobView> => {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: ws.apiKey,
        body: { type: 'company.profile', input: { company_number: companyNumber }, priority: 'interactive' },
      });
      expect(created.status).toBe(202);
      const view = await finished(stack, ws.apiKey, created.body.id);
      expect(view.status).toBe('completed');
      return view;
    };
    const calledBefore = (await calls(stack.sandboxUrl, 'companies-house')).total;
    await run();
    const afterFirst = (await calls(stack.sandboxUrl, 'companies-house')).total;
    expect(afterFirst).toBeGreaterThan(calledBefore);
    const second = await run();
    expect(second.steps.every((step) => step.cached)).toBe(true);
    expect((await calls(stack.sandboxUrl, 'companies-house')).total).toBe(afterFirst);

    // Another provider's entries only: nothing of companies-house goes.
    const none = await admin<{ deleted: number }>('POST', '/v1/admin/cache/clear', {
      provider: 'snov',
      workspace_id: ws.id,
    });
    expect(none.status).toBe(200);
    expect(none.body.deleted).toBe(0);
    const cleared = await admin<{ deleted: number }>('POST', '/v1/admin/cache/clear', {
      provider: 'companies-house',
      operation: 'company.profile',
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(1);
    const third = await run();
    expect(third.steps.some((step) => !step.cached)).toBe(true);
    expect((await calls(stack.sandboxUrl, 'companies-house')).total).toBeGreaterThan(afterFirst);
    // The first test's Snov.io answers were left alone by the companies-house clear.
    const others = await admin<{ deleted: number }>('POST', '/v1/admin/cache/clear', { provider: 'snov' });
    expect(others.body.deleted).toBeGreaterThan(0);

    for (const body of [
      { provider: 'acme' },
      { operation: 'x*' },
      { workspace_id: 'nope' },
      { colour: 'red' },
      // null is no filter left out: read as none, it cleared every provider's or workspace's answers.
      { provider: null },
      { operation: null, provider: 'snov' },
      { workspace_id: null },
    ]) {
      expect([body, (await admin('POST', '/v1/admin/cache/clear', body)).status]).toEqual([body, 400]);
    }
    // An operation nothing is cached under (a typo) answered 200 and cleared nothing.
    const typo = await admin<{ message: unknown }>('POST', '/v1/admin/cache/clear', {
      provider: 'snov',
      operation: 'person.emial',
    });
    expect([typo.status, typo.body.message]).toEqual([
      400,
      [
        expect.stringMatching(
          /^operation "person\.emial" is not one answers are cached under; operations: .*\bperson\.email\b/,
        ),
      ],
    ]);
    // A workspace_id no workspace has (mistyped, or deleted) answered 200 and cleared nothing.
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, body] of [
      ['POST', '/v1/admin/cache/clear', { workspace_id: unknown }],
      ['POST', '/v1/admin/jobs/retry-failed', { workspace_id: unknown, limit: 10 }],
      ['GET', `/v1/admin/data-quality?workspace_id=${unknown}`, undefined],
    ] as const) {
      const answer = await admin<{ message: unknown }>(method, path, body);
      expect([path, answer.status, answer.body.message]).toEqual([path, 404, `No workspace ${unknown}.`]);
    }
    const audited = await admin<{ data: { action: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/admin/audit?action=cache.clear',
    );
    expect(audited.body.data.map((e) => [e.details.provider, e.details.deleted])).toEqual([
      ['snov', others.body.deleted],
      ['companies-house', cleared.body.deleted],
      ['snov', 0],
    ]);
  });

  it('retries failed jobs as new jobs, filtered by workspace and up to the limit', async () => {
    const { stack } = ctx;
    const a = await createWorkspace(stack.gatewayUrl, 'Retry A');
    const b = await createWorkspace(stack.gatewayUrl, 'Retry B');
    const fail = async (apiKey: string): Promise<string> => {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'company.profile', input: { company_number: '99999998' }, priority: 'interactive' },
      });
      expect(created.status).toBe(202);
      expect((await finished(stack, apiKey, created.body.id)).status).toBe('failed');
      return created.body.id;
    };
    const failedA = [await fail(a.apiKey), await fail(a.apiKey), await fail(a.apiKey)];
    const failedB = await fail(b.apiKey);

    interface Outcome {
      matched: number;
      retried: number;
      refused: number;
      jobs: { retry_of: string; id: string }[];
    }
    const first = await admin<Outcome>('POST', '/v1/admin/jobs/retry-failed', {
      workspace_id: a.id,
      limit: 2,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ matched: 2, retried: 2, refused: 0 });
    expect(first.body.jobs.map((job) => job.retry_of)).toEqual(failedA.slice(0, 2));
    for (const job of first.body.jobs) {
      // The new job is A's (B cannot see it) and runs: it fails again, as its company does not exist.
      expect((await call(stack.gatewayUrl, 'GET', `/v1/jobs/${job.id}`, { token: b.apiKey })).status).toBe(
        404,
      );
      const view = await finished(stack, a.apiKey, job.id);
      expect(view.status).toBe('failed');
    }
    const byType = await admin<Outcome>('POST', '/v1/admin/jobs/retry-failed', {
      type: 'person.email',
      limit: 10,
    });
    expect(byType.body).toMatchObject({ matched: 0, retried: 0 });
    const since = await admin<Outcome>('POST', '/v1/admin/jobs/retry-failed', {
      workspace_id: b.id,
      since: new Date().toISOString(),
      limit: 10,
    });
    expect(since.body.matched).toBe(0);
    const forB = await admin<Outcome>('POST', '/v1/admin/jobs/retry-failed', {
      workspace_id: b.id,
      limit: 10,
    });
    expect(forB.body.jobs.map((job) => job.retry_of)).toEqual([failedB]);

    // A's third failed job, its input stored by an earlier version that accepted a first name this one
    // refuses: counted as refused, naming the field, and not run again.
    await ctx.db.dataSource.query(`UPDATE enrichment_requests SET type = $2, input = $3 WHERE id = $1`, [
      failedA[2],
      'person.email',
      { first_name: '&', last_name: 'Smith', domain: 'example.com' },
    ]);
    const stale = await admin<Outcome & { refusals: { job_id: string; reason: string }[] }>(
      'POST',
      '/v1/admin/jobs/retry-failed',
      { workspace_id: a.id, type: 'person.email', limit: 10 },
    );
    expect(stale.body).toMatchObject({ matched: 1, retried: 0, refused: 1, jobs: [] });
    expect(stale.body.refusals).toEqual([
      {
        job_id: failedA[2],
        reason: expect.stringMatching(/its input is no longer accepted \(input\.first_name/) as string,
      },
    ]);

    const before = Number(
      (await ctx.db.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM enrichment_requests'))[0]?.n,
    );
    for (const body of [
      {},
      { limit: 0 },
      { limit: 1001 },
      { limit: 1, since: 'yesterday' },
      { limit: 1, type: 'x' },
      { limit: 1, workspace_id: null },
      { limit: 1, since: null },
      { limit: 1, type: null },
    ]) {
      expect([body, (await admin('POST', '/v1/admin/jobs/retry-failed', body)).status]).toEqual([body, 400]);
    }
    const after = Number(
      (await ctx.db.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM enrichment_requests'))[0]?.n,
    );
    expect(after).toBe(before);
  });

  it('runs each failed job again once, however often and however concurrently it is asked', async () => {
    const { stack } = ctx;
    const ws = await createWorkspace(stack.gatewayUrl, 'Retry Once');
    const failedJob = async (): Promise<string> => {
      const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: ws.apiKey,
        body: { type: 'company.profile', input: { company_number: '99999997' }, priority: 'interactive' },
      });
      expect((await finished(stack, ws.apiKey, created.body.id)).status).toBe('failed');
      return created.body.id;
    };
    const failed = [await failedJob(), await failedJob(), await failedJob()];
    // One the workspace retried itself: its retry (failed in turn) is a failed job, it is not.
    const byHand = await failedJob();
    const retriedByHand = await call<{ id: string }>(stack.gatewayUrl, 'POST', `/v1/jobs/${byHand}/retry`, {
      token: ws.apiKey,
    });
    expect(retriedByHand.status).toBe(202);
    expect((await finished(stack, ws.apiKey, retriedByHand.body.id)).status).toBe('failed');

    interface Outcome {
      matched: number;
      retried: number;
      jobs: { retry_of: string; id: string }[];
    }
    const retryFailed = () =>
      admin<Outcome>('POST', '/v1/admin/jobs/retry-failed', { workspace_id: ws.id, limit: 10 });
    // Asked twice at once (an operator's double click, a client's retry of a slow call).
    const both = await Promise.all([retryFailed(), retryFailed()]);
    const taken = both.flatMap((answer) => answer.body.jobs);
    expect(taken.map((job) => job.retry_of).sort()).toEqual([...failed, retriedByHand.body.id].sort());
    for (const job of taken) {
      expect((await finished(stack, ws.apiKey, job.id)).status).toBe('failed');
    }
    // Asked again later: only the retries, which failed in their turn, are taken.
    const later = await retryFailed();
    expect(later.body.jobs.map((job) => job.retry_of).sort()).toEqual(taken.map((job) => job.id).sort());
  });
});
