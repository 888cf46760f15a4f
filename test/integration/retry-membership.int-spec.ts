import { call, createWorkspace } from '../support/api';
import { OpenApiAnswers } from '../support/openapi-answers';
import { finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

interface Progress {
  total: number;
  by_status: Record<string, number>;
  finished: number;
}
interface ImportView {
  id: string;
  status: string;
  rows_accepted: number;
  rows_committed: number;
  rows_skipped: number;
  resumable: boolean;
  resumed_from: string | null;
  error: string | null;
  progress: Progress;
  credits_spent: number;
}

describe('a retried job keeps its batch and its CSV import', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    // Apollo alone finds e-mails here (one credit per match).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
      // Short, so the sweep for imports whose gateway died is seen at work.
      IMPORT_STALE_AFTER_MS: '3000',
    });
    world = (await people(ctx.stack.sandboxUrl)).filter(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    );
  });
  afterAll(() => tearDown(ctx));

  const api = <T>(apiKey: string, method: string, path: string, body?: unknown) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token: apiKey, body });
  const admin = async (path: string): Promise<void> => {
    expect((await call(ctx.stack.gatewayUrl, 'POST', path, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
  };
  const creditsOf = async (ids: readonly string[]): Promise<number> => {
    const [row] = await ctx.db.dataSource.query<{ spent: string }[]>(
      'SELECT COALESCE(sum(credits), 0) AS spent FROM enrichment_steps WHERE request_id = ANY($1::uuid[])',
      [ids],
    );
    return Number(row?.spent ?? 0);
  };
  /** The ids of the jobs an export by `filter` lists. */
  const exported = async (apiKey: string, filter: Record<string, string>): Promise<string[]> => {
    const saved = await api<{ url: string }>(apiKey, 'POST', '/v1/exports', { format: 'jsonl', ...filter });
    expect(saved.status).toBe(201);
    const file = await fetch(`${ctx.stack.gatewayUrl}${saved.body.url}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(file.status).toBe(200);
    return (await file.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { id: string }).id)
      .sort();
  };

  /**
   * The job view (`GET /v1/jobs/:id`), the job list's items and the event stream's snapshot of
   * `original` and of its retry `retry` name each other (`retried_as`, `retry_of`).
   */
  const expectRetryChain = async (apiKey: string, original: string, retry: string): Promise<void> => {
    const chain = {
      [original]: { retry_of: null, retried_as: retry },
      [retry]: { retry_of: original, retried_as: null },
    };
    // As the OpenAPI document describes them (and the client types them).
    const document = await call<{ paths: Record<string, unknown> }>(
      ctx.stack.gatewayUrl,
      'GET',
      '/docs-json',
    );
    const answers = new OpenApiAnswers(document.body);
    for (const [id, links] of Object.entries(chain)) {
      const view = await api<Record<string, unknown>>(apiKey, 'GET', `/v1/jobs/${id}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ id, ...links });
      expect(answers.problems('GET', '/v1/jobs/{id}', 200, view.body)).toEqual([]);
      const stream = await fetch(`${ctx.stack.gatewayUrl}/v1/jobs/${id}/events`, {
        headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' },
        signal: AbortSignal.timeout(20_000),
      });
      expect(stream.status).toBe(200);
      // The job has finished: the stream is its snapshot and its outcome, then it ends.
      const snapshot = (await stream.text())
        .split('\n\n')
        .find((block) => block.split('\n').includes('event: snapshot'))
        ?.split('\n')
        .find((line) => line.startsWith('data: '));
      expect(JSON.parse(snapshot?.slice('data: '.length) ?? 'null')).toMatchObject({ id, ...links });
    }
    const list = await api<{ data: Record<string, unknown>[] }>(apiKey, 'GET', '/v1/jobs?limit=200');
    expect(list.status).toBe(200);
    expect(answers.problems('GET', '/v1/jobs', 200, list.body)).toEqual([]);
    for (const [id, links] of Object.entries(chain)) {
      expect(list.body.data.find((job) => job.id === id)).toMatchObject(links);
    }
  };

  it('shows the retry of a batch job in the batch: its record points at it, progress counts it once, credits count both attempts', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Batch Retry Co');
    // Apollo is paused: each record's phone is looked for (a charged miss), its e-mail left to retry
    // later.
    await admin('/v1/admin/providers/apollo/pause');
    const created = await api<{ batch: { id: string }; accepted: { index: number; job_id: string }[] }>(
      apiKey,
      'POST',
      '/v1/batches',
      {
        records: world.slice(0, 2).map((person) => personInput(person)),
        enrich: ['business_email', 'mobile_phone'],
      },
    );
    expect(created.status).toBe(201);
    const batchId = created.body.batch.id;
    const [first, second] = created.body.accepted.sort((a, b) => a.index - b.index);
    const originals = [
      await finished(ctx.stack, apiKey, first?.job_id ?? ''),
      await finished(ctx.stack, apiKey, second?.job_id ?? ''),
    ];
    expect(originals.map((view) => view.status)).toEqual(['completed', 'completed']);
    expect(originals[0]?.result?.unresolved).toEqual([
      expect.objectContaining({
        goal: 'email',
        retry_later: [expect.objectContaining({ provider: 'apollo' })],
      }),
      expect.objectContaining({ goal: 'phone', reason: 'not_found' }),
    ]);
    await admin('/v1/admin/providers/apollo/resume');

    const [original] = originals;
    const answer = await api<{ id: string; retry_of: string }>(
      apiKey,
      'POST',
      `/v1/jobs/${original.id}/retry`,
    );
    expect(answer.status).toBe(202);
    const retry = await finished(ctx.stack, apiKey, answer.body.id);
    expect(retry.status).toBe('completed');
    // Each attempt names the other: a client follows the chain from the first to the latest.
    await expectRetryChain(apiKey, original.id, retry.id);
    // The original paid for the phone's miss, the retry for the e-mail: both spent.
    const spent = { original: await creditsOf([original.id]), retry: await creditsOf([retry.id]) };
    expect(spent.original).toBeGreaterThan(0);
    expect(spent.retry).toBeGreaterThan(0);
    const all = await creditsOf([original.id, second?.job_id ?? '', retry.id]);

    const view = await api<{
      status: string;
      progress: Progress;
      credits_spent: number;
      records: { data: { index: number; job_id: string; status: string }[] };
    }>(apiKey, 'GET', `/v1/batches/${batchId}`);
    expect(view.body.progress).toEqual({ total: 2, by_status: { completed: 2 }, finished: 2 });
    expect(view.body.records.data.map((record) => [record.index, record.job_id])).toEqual([
      [first?.index, retry.id],
      [second?.index, second?.job_id],
    ]);
    expect(view.body.credits_spent).toBeCloseTo(all, 4);
    const summary = await api<{
      records: number;
      jobs: Record<string, number>;
      credits_spent: { last_run: number; all_runs: number };
    }>(apiKey, 'GET', `/v1/batches/${batchId}/summary`);
    expect(summary.body.records).toBe(2);
    expect(summary.body.jobs).toMatchObject({ completed: 2, failed: 0, unfinished: 0 });
    // The retry ran a job of the first run: it counts in that run, not as a run of its own.
    expect(summary.body.credits_spent.all_runs).toBeCloseTo(all, 4);
    expect(summary.body.credits_spent.last_run).toBeCloseTo(all, 4);
    // The batch's export lists each record's latest attempt.
    expect(await exported(apiKey, { batch_id: batchId })).toEqual([retry.id, second?.job_id].sort());

    // A job is run again once: its record has one latest attempt.
    const again = await api<{ message: string }>(apiKey, 'POST', `/v1/jobs/${original.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`was already retried as job ${retry.id}; retry that job instead`);
    // A cancelled batch runs nothing again.
    expect((await api(apiKey, 'POST', `/v1/batches/${batchId}/cancel`)).status).toBe(200);
    const cancelled = await api<{ message: string }>(apiKey, 'POST', `/v1/jobs/${second?.job_id}/retry`);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.message).toMatch(
      /belongs to batch .*, cancelled at .*: a cancelled batch's jobs are not run again/,
    );
    const records = await ctx.db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM enrichment_requests WHERE batch_id = $1',
      [batchId],
    );
    expect(records).toEqual([{ n: 3 }]);
  });

  it('shows the retry of an import job among the import’s jobs and exports, counts its row once, and leaves the import resumable', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Import Retry Co');
    // Company numbers the register never issued: their jobs fail.
    const lines = ['company_number', '99999997', '99999996'];
    const uploaded = await fetch(`${ctx.stack.gatewayUrl}/v1/imports?type=company.profile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
      body: `${lines.join('\n')}\n`,
    });
    expect(uploaded.status).toBe(201);
    const imported = (await uploaded.json()) as ImportView;
    expect(imported).toMatchObject({ status: 'completed', rows_accepted: 2 });
    const jobsOf = async (): Promise<string[]> => {
      const listed = await api<{ data: { id: string }[] }>(
        apiKey,
        'GET',
        `/v1/jobs?import_id=${imported.id}`,
      );
      expect(listed.status).toBe(200);
      return listed.body.data.map((job) => job.id).sort();
    };
    const [a, b] = await jobsOf();
    for (const id of [a, b]) {
      expect((await finished(ctx.stack, apiKey, id ?? '')).status).toBe('failed');
    }
    const answer = await api<{ id: string }>(apiKey, 'POST', `/v1/jobs/${a}/retry`);
    expect(answer.status).toBe(202);
    const retry = answer.body.id;
    expect((await finished(ctx.stack, apiKey, retry)).status).toBe('failed');

    // Listed with the import's jobs, beside the job it ran again.
    expect(await jobsOf()).toEqual([a, b, retry].sort());
    // Progress counts each row once, as its latest attempt; the credits are every attempt's.
    const view = await api<ImportView>(apiKey, 'GET', `/v1/imports/${imported.id}`);
    expect(view.body.progress).toEqual({ total: 2, by_status: { failed: 2 }, finished: 2 });
    expect(view.body.credits_spent).toBeCloseTo(await creditsOf([a ?? '', b ?? '', retry]), 4);
    // The export lists each row's latest attempt.
    expect(await exported(apiKey, { import_id: imported.id })).toEqual([b, retry].sort());

    // The admin's retry-failed keeps the import too: it takes the row's other job and the retry.
    const admin = await call<{ jobs: { retry_of: string; id: string }[] }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/admin/jobs/retry-failed',
      { token: TEST_ADMIN_TOKEN, body: { workspace_id: workspaceId, limit: 10 } },
    );
    expect(admin.status).toBe(200);
    expect(admin.body.jobs.map((job) => job.retry_of).sort()).toEqual([b, retry].sort());
    const latest = admin.body.jobs.map((job) => job.id).sort();
    for (const id of latest) {
      expect((await finished(ctx.stack, apiKey, id)).status).toBe('failed');
    }
    expect(await jobsOf()).toEqual([a, b, retry, ...latest].sort());
    expect((await api<ImportView>(apiKey, 'GET', `/v1/imports/${imported.id}`)).body.progress).toEqual({
      total: 2,
      by_status: { failed: 2 },
      finished: 2,
    });
    expect(await exported(apiKey, { import_id: imported.id })).toEqual(latest);

    // Its gateway seen to stop (the import left running, unrefreshed): the sweep counts rows, not
    // attempts, so the import stays resumable...
    await ctx.db.dataSource.query(
      `UPDATE imports SET status = 'running', completed_at = NULL, updated_at = now() - interval '1 hour'
        WHERE id = $1`,
      [imported.id],
    );
    const swept = await eventually(
      async () => {
        const found = await api<ImportView>(apiKey, 'GET', `/v1/imports/${imported.id}`);
        return found.body.status === 'failed' ? found.body : undefined;
      },
      { what: 'the sweep to mark the import failed' },
    );
    expect(swept).toMatchObject({ resumable: true, rows_accepted: 2, rows_committed: 2 });
    expect(swept.error).toMatch(/gateway handling this import stopped.*resume=/);
    // ...and it resumes: its two rows skipped, the next one enqueued.
    const resumed = await fetch(
      `${ctx.stack.gatewayUrl}/v1/imports?type=company.profile&resume=${imported.id}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
        body: `${[...lines, '99999995'].join('\n')}\n`,
      },
    );
    const resumedView = (await resumed.json()) as ImportView & { message?: string };
    expect([resumed.status, resumedView.message]).toEqual([201, undefined]);
    expect(resumedView).toMatchObject({ resumed_from: imported.id, rows_skipped: 2, rows_accepted: 1 });
    const [count] = await ctx.db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM enrichment_requests WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(count).toEqual({ n: 6 });
  });
});
