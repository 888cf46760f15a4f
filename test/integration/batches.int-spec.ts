import { getQueueToken } from '@nestjs/bullmq';
import { Batch, BatchRecord, EnrichmentRequest } from '@sluice/db';
import { batchRefreshSchedulerId, JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { companySizeBucket } from '../../apps/gateway/src/batches/batch-input';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import {
  finished,
  people,
  personInput,
  personProviderCalls,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

interface BatchView {
  id: string;
  status: string;
  fields: string[];
  record_count: number;
  records_received: number;
  max_credits_per_record: number | null;
  schedule: { every_days: number } | null;
  progress: { total: number; by_status: Record<string, number>; finished: number };
  credits_spent: number;
  last_run_at: string | null;
}
interface RecordView {
  index: number;
  external_id: string | null;
  job_id: string;
  status: string;
  steps: { provider: string; goal: string; state: string; reason: string | null }[];
}
interface Created {
  batch: BatchView;
  accepted: { index: number; external_id: string | null; job_id: string }[];
  rejected: { index: number; errors: string[] }[];
  filtered_out: { index: number; reason: string }[];
}
type Distribution = { value: string; count: number }[];
interface Summary {
  records: number;
  jobs: { completed: number; failed: number; cancelled: number; unfinished: number };
  providers: { provider: string; records: number; fields: number }[];
  fields: Record<string, { answered: number; share: number }>;
  failures: { jobs: number; top_reasons: { reason: string; count: number }[]; steps: number };
  top_industries?: Distribution;
  company_sizes?: Distribution;
  seniority?: Distribution;
  departments?: Distribution;
  credits_spent: { last_run: number; all_runs: number };
  last_run_at: string | null;
}

const FIELDS = ['business_email', 'industry', 'company_size', 'seniority', 'department'];
const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A value → count map of the non-null values `value` picks from the jobs' data (scalars, as SQL's `->>` shows them). */
function countsOf(
  datas: Record<string, unknown>[],
  value: (data: Record<string, unknown>) => string | number | null | undefined,
) {
  const counts = new Map<string, number>();
  for (const data of datas) {
    const v = value(data);
    if (v !== null && v !== undefined) {
      counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * {@link countsOf} as the summary counts free text: values equal but for case and surrounding white
 * space are one, under their most frequent spelling (trimmed; on a tie, the first in byte order).
 */
function spellingCountsOf(
  datas: Record<string, unknown>[],
  value: (data: Record<string, unknown>) => string | null | undefined,
) {
  const groups = new Map<string, Map<string, number>>();
  for (const [raw, count] of countsOf(datas, value)) {
    const spelling = raw.trim();
    const spellings = groups.get(spelling.toLowerCase()) ?? new Map<string, number>();
    spellings.set(spelling, (spellings.get(spelling) ?? 0) + count);
    groups.set(spelling.toLowerCase(), spellings);
  }
  const counts = new Map<string, number>();
  for (const spellings of groups.values()) {
    const [name] = [...spellings].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))[0];
    counts.set(
      name,
      [...spellings.values()].reduce((sum, n) => sum + n, 0),
    );
  }
  return counts;
}

function expectDistribution(actual: Distribution | undefined, expected: Map<string, number>): void {
  expect(actual).toBeDefined();
  const list = actual as Distribution;
  expect(list.length).toBe(Math.min(10, expected.size));
  for (const entry of list) {
    expect({ value: entry.value, count: expected.get(entry.value) }).toEqual(entry);
  }
  // Most frequent first.
  expect(list.map((entry) => entry.count)).toEqual(
    [...list.map((entry) => entry.count)].sort((a, b) => b - a),
  );
}

describe('batches (POST /v1/batches, progress, summary, cancel, scheduled re-enrichment)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let otherKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Batch Co')).apiKey;
    otherKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Other Batch Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const api = <T>(method: string, path: string, body?: unknown, token = apiKey) =>
    call<T>(ctx.stack.gatewayUrl, method, path, { token, body });
  const queue = () => ctx.stack.gateway.get<Queue>(getQueueToken(QUEUE_NAMES.enrichment), { strict: false });
  /** Calls every paid provider of the sandbox has received. */
  const totalCalls = (): Promise<number> => personProviderCalls(ctx.stack.sandboxUrl);

  const allRecords = async (id: string, token = apiKey): Promise<RecordView[]> => {
    const all: RecordView[] = [];
    let after = -1;
    for (;;) {
      const page = await api<BatchView & { records: { data: RecordView[]; next_cursor: number | null } }>(
        'GET',
        `/v1/batches/${id}?limit=4&after=${after}`,
        undefined,
        token,
      );
      expect(page.status).toBe(200);
      expect(page.body.records.data.length).toBeLessThanOrEqual(4);
      all.push(...page.body.records.data);
      if (page.body.records.next_cursor === null) {
        return all;
      }
      after = page.body.records.next_cursor;
    }
  };

  let batchId: string;
  let accepted: Created['accepted'];

  it('makes one enrich job per record kept, filtered by since_days and limit, and reports a bad record by index', async () => {
    const chosen = world.filter((person) => person.emails.snov === person.email).slice(0, 12);
    expect(chosen.length).toBe(12);
    // 0..8: within 20 days; 9: 19.5 days (in the window, but the oldest there: cut by limit);
    // 10: 100 days (outside since_days); 11: 5.5 days.
    const ages = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19.5, 100, 5.5];
    const records: unknown[] = chosen.map((person, i) => ({
      ...personInput(person),
      external_id: `deal-${i}`,
      occurred_at: daysAgo(ages[i]),
    }));
    records.push({ email: 'not-an-email', occurred_at: daysAgo(1) });
    const created = await api<Created>('POST', '/v1/batches', {
      name: 'Closed-won',
      records,
      enrich: FIELDS,
      since_days: 60,
      limit: 10,
      max_credits: 100,
    });
    expect(created.status).toBe(201);
    const { batch } = created.body;
    accepted = created.body.accepted;
    batchId = batch.id;
    expect(accepted.map((entry) => entry.index).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 11,
    ]);
    expect(accepted.find((entry) => entry.index === 11)?.external_id).toBe('deal-11');
    expect(created.body.filtered_out).toEqual([
      { index: 9, reason: 'limit' },
      { index: 10, reason: 'since_days' },
    ]);
    expect(created.body.rejected.map((entry) => entry.index)).toEqual([12]);
    expect(created.body.rejected[0]?.errors.join(' ')).toMatch(/records\[12\]: email "not-an-email"/);
    expect(batch).toMatchObject({ record_count: 10, records_received: 13, max_credits_per_record: 10 });

    // Every record's job finishes; progress reaches all of them, with their steps.
    const views = new Map<string, JobView & { credits_spent: number; max_credits: number | null }>();
    for (const entry of accepted) {
      const view = (await finished(ctx.stack, apiKey, entry.job_id, 60_000)) as JobView & {
        credits_spent: number;
        max_credits: number | null;
      };
      expect(view.max_credits).toBe(10);
      views.set(entry.job_id, view);
    }
    const progress = await api<BatchView>('GET', `/v1/batches/${batchId}`);
    expect(progress.body.progress.total).toBe(10);
    expect(progress.body.progress.finished).toBe(10);
    expect(progress.body.status).toBe('completed');
    const expectedByStatus: Record<string, number> = {};
    for (const view of views.values()) {
      expectedByStatus[view.status] = (expectedByStatus[view.status] ?? 0) + 1;
    }
    expect(progress.body.progress.by_status).toEqual(expectedByStatus);
    const credits = [...views.values()].reduce((sum, view) => sum + view.credits_spent, 0);
    expect(progress.body.credits_spent).toBeCloseTo(credits, 4);

    // Paginated records, in index order, each with its job, status and steps.
    const records10 = await allRecords(batchId);
    expect(records10.map((record) => record.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 11]);
    for (const record of records10) {
      const view = views.get(record.job_id) as JobView;
      expect(record.external_id).toBe(`deal-${record.index}`);
      expect(record.status).toBe(view.status);
      expect(record.steps.map((step) => [step.provider, step.goal, step.state, step.reason])).toEqual(
        view.steps.map((step) => [step.provider, step.goal, step.state, step.reason]),
      );
    }
    const listed = await api<{ data: BatchView[] }>('GET', '/v1/batches');
    expect(listed.body.data.map((entry) => entry.id)).toContain(batchId);

    // The summary, against what the jobs returned.
    const summary = await api<Summary>('GET', `/v1/batches/${batchId}/summary`);
    expect(summary.status).toBe(200);
    const results = [...views.values()].map((view) => ({
      data: (view.result?.data ?? {}) as Record<string, unknown>,
      sources: (view.result?.sources ?? {}) as Record<string, string>,
    }));
    const datas = results.map((result) => result.data);
    expect(summary.body.records).toBe(10);
    expect(summary.body.jobs.completed).toBe(expectedByStatus.completed ?? 0);
    expect(summary.body.failures.jobs).toBe(expectedByStatus.failed ?? 0);
    for (const field of FIELDS) {
      const answered = datas.filter((data) => data[field] !== null && data[field] !== undefined).length;
      expect({ field, ...summary.body.fields[field] }).toEqual({ field, answered, share: answered / 10 });
    }
    expect(summary.body.fields.business_email?.answered).toBeGreaterThan(0);
    const perProvider = new Map<string, { records: number; fields: number }>();
    for (const { data, sources } of results) {
      const supplied = FIELDS.filter(
        (field) => data[field] !== null && data[field] !== undefined && sources[field],
      );
      for (const provider of new Set(supplied.map((field) => sources[field]))) {
        const entry = perProvider.get(provider) ?? { records: 0, fields: 0 };
        entry.records += 1;
        entry.fields += supplied.filter((field) => sources[field] === provider).length;
        perProvider.set(provider, entry);
      }
    }
    expect(perProvider.size).toBeGreaterThan(0);
    expect(
      Object.fromEntries(
        summary.body.providers.map((p) => [p.provider, { records: p.records, fields: p.fields }]),
      ),
    ).toEqual(Object.fromEntries(perProvider));
    expectDistribution(
      summary.body.top_industries,
      spellingCountsOf(datas, (data) => data.industry as string | null),
    );
    expectDistribution(
      summary.body.seniority,
      spellingCountsOf(datas, (data) => data.seniority as string | null),
    );
    expectDistribution(
      summary.body.departments,
      spellingCountsOf(datas, (data) => data.department as string | null),
    );
    const sizes = countsOf(datas, (data) =>
      typeof data.company_size === 'number' ? companySizeBucket(data.company_size) : null,
    );
    expect(Object.fromEntries((summary.body.company_sizes ?? []).map((b) => [b.value, b.count]))).toEqual(
      Object.fromEntries(sizes),
    );
    expect(summary.body.top_industries?.length).toBeGreaterThan(0);
    expect(summary.body.company_sizes?.length).toBeGreaterThan(0);
    expect(summary.body.seniority?.length).toBeGreaterThan(0);
    expect(summary.body.departments?.length).toBeGreaterThan(0);
    expect(summary.body.credits_spent.last_run).toBeCloseTo(credits, 4);
    expect(summary.body.last_run_at).toBe(progress.body.last_run_at);

    // An export of the batch holds exactly its jobs; another workspace cannot export it.
    const saved = await api<{ id: string; url: string }>('POST', '/v1/exports', {
      format: 'jsonl',
      batch_id: batchId,
    });
    expect(saved.status).toBe(201);
    const file = await fetch(`${ctx.stack.gatewayUrl}${saved.body.url}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(file.status).toBe(200);
    const lines = (await file.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; data: unknown; sandbox: boolean });
    expect(lines.map((line) => line.id).sort()).toEqual(accepted.map((entry) => entry.job_id).sort());
    // Every answer here came from the provider sandbox: the export says so, as the API does.
    const withData = lines.filter((line) => line.data !== null);
    expect(withData.length).toBeGreaterThan(0);
    expect(withData.every((line) => line.sandbox)).toBe(true);
    const one = await api<{ result: { sandbox?: boolean; notice?: string } }>(
      'GET',
      `/v1/jobs/${withData[0].id}`,
    );
    expect(one.body.result.sandbox).toBe(true);
    expect(one.body.result.notice).toMatch(/^Sandbox data/);
    const theirs = await api('POST', '/v1/exports', { format: 'csv', batch_id: batchId }, otherKey);
    expect(theirs.status).toBe(404);
  });

  it('counts industries and departments as one value whatever their case and surrounding spaces, under their most frequent spelling', async () => {
    const chosen = world.filter((person) => person.emails.snov === person.email).slice(12, 18);
    expect(chosen.length).toBe(6);
    const created = await api<Created>('POST', '/v1/batches', {
      records: chosen.map((person) => personInput(person)),
      enrich: ['industry', 'department'],
    });
    expect(created.status).toBe(201);
    expect(created.body.accepted.length).toBe(6);
    for (const entry of created.body.accepted) {
      await finished(ctx.stack, apiKey, entry.job_id, 60_000);
    }
    // Providers spell free text as they please: the jobs' answers are set to spellings of two values each.
    const industries = ['software', '\u00a0software\t', 'Software', 'SOFTWARE', 'Retail', 'retail '];
    const departments = ['Engineering', 'engineering', ' Engineering', 'Sales', 'sales ', 'sales'];
    for (const [i, entry] of created.body.accepted.entries()) {
      await ctx.db.dataSource.query(
        `UPDATE enrichment_requests
            SET result = jsonb_set(COALESCE(result, '{}'::jsonb), '{data}',
                                   COALESCE(result->'data', '{}'::jsonb) || $2::jsonb)
          WHERE id = $1`,
        [entry.job_id, JSON.stringify({ industry: industries[i], department: departments[i] })],
      );
    }
    const summary = await api<Summary>('GET', `/v1/batches/${created.body.batch.id}/summary`);
    expect(summary.status).toBe(200);
    // The spelling most records have names the value; a tie goes to the first in byte order
    // (capitals first).
    expect(summary.body.top_industries).toEqual([
      { value: 'software', count: 4 },
      { value: 'Retail', count: 2 },
    ]);
    expect(summary.body.departments).toEqual([
      { value: 'Engineering', count: 3 },
      { value: 'sales', count: 3 },
    ]);
  });

  it('has no distribution for a field that was not asked', async () => {
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    const created = await api<Created>('POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
    });
    expect(created.status).toBe(201);
    await finished(ctx.stack, apiKey, created.body.accepted[0]?.job_id, 60_000);
    const summary = await api<Summary>('GET', `/v1/batches/${created.body.batch.id}/summary`);
    expect(Object.keys(summary.body.fields)).toEqual(['business_email']);
    expect(summary.body.top_industries).toBeUndefined();
    expect(summary.body.company_sizes).toBeUndefined();
    expect(summary.body.seniority).toBeUndefined();
    expect(summary.body.departments).toBeUndefined();
  });

  it('refuses bad batch settings with a 400 naming the problem, and writes nothing', async () => {
    const counts = async () => [
      await ctx.db.dataSource.getRepository(Batch).count(),
      await ctx.db.dataSource.getRepository(BatchRecord).count(),
      await ctx.db.dataSource.getRepository(EnrichmentRequest).count(),
    ];
    const before = await counts();
    const good = [personInput(world[0]), personInput(world[1])];
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { records: good, enrich: ['business_email'], since_days: 0 },
        /since_days must be an integer from 1 to 3650/,
      ],
      [{ records: good, enrich: ['business_email'], limit: 0 }, /limit must be an integer from 1/],
      [{ records: good, enrich: ['business_email'], schedule: { every_days: 0 } }, /schedule.every_days/],
      [{ records: good, enrich: ['shoe_size'] }, /unknown field.*shoe_size/],
      [{ records: good, enrich: ['business_email'], colour: 'red' }, /unknown member.*colour/],
      [{ records: good, enrich: ['business_email'], max_credits: 0 }, /max_credits 0 is for the whole batch/],
      [{ records: [], enrich: ['business_email'] }, /records must be a non-empty list/],
      [{ records: [{ email: 'x' }, { shoe: 1 }], enrich: ['business_email'] }, /No record could be accepted/],
      [
        {
          records: good.map((r) => ({ ...r, occurred_at: daysAgo(400) })),
          enrich: ['business_email'],
          since_days: 30,
        },
        /No record could be accepted/,
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await api<Record<string, unknown>>('POST', '/v1/batches', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(answer.body)).toMatch(message);
    }
    const none = await api<{ rejected: { index: number; errors: string[] }[] }>('POST', '/v1/batches', {
      records: [{ email: 'x' }, { shoe: 1 }],
      enrich: ['business_email'],
    });
    expect(none.body.rejected.map((entry) => entry.index)).toEqual([0, 1]);
    expect(await counts()).toEqual(before);
  });

  it('gives another workspace a 404 for the batch, its summary, its cancel and its schedule', async () => {
    for (const [method, path, body] of [
      ['GET', `/v1/batches/${batchId}`],
      ['GET', `/v1/batches/${batchId}/summary`],
      ['POST', `/v1/batches/${batchId}/cancel`],
      ['PUT', `/v1/batches/${batchId}/schedule`, { every_days: 1 }],
      ['DELETE', `/v1/batches/${batchId}/schedule`],
    ] as const) {
      const answer = await api<Record<string, unknown>>(method, path, body, otherKey);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
    }
    const theirs = await api<{ data: BatchView[] }>('GET', '/v1/batches', undefined, otherKey);
    expect(theirs.body.data).toEqual([]);
    // Nothing of ours changed.
    const ours = await api<BatchView>('GET', `/v1/batches/${batchId}`);
    expect(ours.body.schedule).toBeNull();
    expect(ours.body.progress.by_status.cancelled).toBeUndefined();
  });

  it('cancels every unfinished job of a batch', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 10_000 });
    try {
      const domains = [...new Set(world.map((person) => person.domain))].slice(40, 44);
      const created = await api<Created>('POST', '/v1/batches', {
        records: domains.map((domain) => ({ domain })),
        enrich: ['industry'],
        priority: 'interactive',
      });
      expect(created.status).toBe(201);
      const cancelled = await api<{ cancelled: number; batch: BatchView }>(
        'POST',
        `/v1/batches/${created.body.batch.id}/cancel`,
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.cancelled).toBeGreaterThan(0);
      expect(cancelled.body.batch.progress.by_status.cancelled).toBe(cancelled.body.cancelled);
      expect(cancelled.body.batch.progress.finished).toBe(domains.length);
      for (const entry of created.body.accepted) {
        const view = (await api<JobView>('GET', `/v1/jobs/${entry.job_id}`)).body;
        expect(['cancelled', 'completed', 'failed']).toContain(view.status);
        for (const step of view.steps) {
          expect(step.state).not.toBe('pending');
        }
      }
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'rocketreach', { latency_ms: 0 });
    }
  });

  it('keeps a job scheduler per scheduled batch, and its tick re-enqueues the stale records only', async () => {
    // A scheduler that does not exist still answers, with no interval: `every` tells them apart.
    const scheduler = async () => (await queue().getJobScheduler(batchRefreshSchedulerId(batchId)))?.every;
    expect(await scheduler()).toBeFalsy();
    const bad = await api<Record<string, unknown>>('PUT', `/v1/batches/${batchId}/schedule`, {
      every_days: 0,
    });
    expect(bad.status).toBe(400);
    const set = await api<BatchView>('PUT', `/v1/batches/${batchId}/schedule`, { every_days: 7 });
    expect(set.status).toBe(200);
    expect(set.body.schedule).toEqual({ every_days: 7 });
    expect(await scheduler()).toBe(3600 * 1000);
    // A scheduler with an interval ticks at once: that first tick finds nothing stale yet.
    const firstTick = await eventually(
      async () =>
        (await queue().getJobs(['completed'])).find(
          (job) =>
            job.name === JOB_NAMES.batchRefresh && (job.data as { batchId?: string }).batchId === batchId,
        ),
      { timeoutMs: 30_000, what: "the scheduler's first tick" },
    );
    expect(firstTick.returnvalue).toEqual({ reenqueued: 0 });

    // Three records were last enriched 10 days ago; the others just now.
    const before = await allRecords(batchId);
    const stale = before.filter((record) => [0, 4, 11].includes(record.index));
    await ctx.db.dataSource.query(
      `UPDATE enrichment_requests SET completed_at = now() - interval '10 days' WHERE id = ANY($1::uuid[])`,
      [stale.map((record) => record.job_id)],
    );
    // And so were the answers they got: the store's rows and the provider cache's entries (kept by
    // the longer TTLs, such as bulk's 30 days) are 10 days old too.
    const { workspaceId } = await ctx.db.dataSource.getRepository(Batch).findOneByOrFail({ id: batchId });
    for (const table of [
      'persons',
      'companies',
      'company_domains',
      'person_profiles',
      'email_verifications',
      'company_firmographics',
      'person_phones',
    ]) {
      await ctx.db.dataSource.query(`UPDATE ${table} SET fetched_at = now() - interval '10 days'`);
    }
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keys = await redis.keys(`${ctx.prefix}:pipeline:cache:${workspaceId}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const entry = JSON.parse((await redis.get(key)) as string) as Record<string, unknown>;
        await redis.set(key, JSON.stringify({ ...entry, answeredAt: Date.now() - 10 * DAY }), 'KEEPTTL');
      }
    } finally {
      redis.disconnect();
    }
    // Record 7's job, just now, could not ask a provider that was out of credits: it is asked again
    // at this tick rather than a schedule later. Not records whose provider still cannot answer: 6
    // waits for the verifier, which an operator has paused; 8 for the workspace's monthly quota.
    const leftFor = async (index: number, provider: string, reason: string): Promise<void> => {
      const record = before.find((r) => r.index === index) as RecordView;
      const unresolved = [{ goal: 'email', reason: 'not_found', retry_later: [{ provider, reason }] }];
      await ctx.db.dataSource.query(
        `UPDATE enrichment_requests SET result = result || jsonb_build_object('unresolved', $2::jsonb) WHERE id = $1`,
        [record.job_id, JSON.stringify(unresolved)],
      );
    };
    await leftFor(7, 'apollo', 'out_of_credits');
    await leftFor(6, 'email-verifier', 'paused_by_operator');
    await leftFor(8, 'apollo', 'quota_exceeded');
    const pause = await call(ctx.stack.gatewayUrl, 'POST', '/v1/admin/providers/email-verifier/pause', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(pause.status).toBe(200);
    const callsBefore = await totalCalls();
    const lastRun = (await api<BatchView>('GET', `/v1/batches/${batchId}`)).body.last_run_at;

    // The tick, as the scheduler would send it.
    const tick = await queue().add(JOB_NAMES.batchRefresh, { batchId, workspaceId });
    await eventually(async () => (await tick.getState()) === 'completed', {
      timeoutMs: 30_000,
      what: 'the tick',
    });
    expect((await queue().getJob(tick.id as string))?.returnvalue).toEqual({ reenqueued: 4 });
    expect(
      (
        await call(ctx.stack.gatewayUrl, 'POST', '/v1/admin/providers/email-verifier/resume', {
          token: TEST_ADMIN_TOKEN,
        })
      ).status,
    ).toBe(200);

    const after = await allRecords(batchId);
    for (const record of after) {
      const was = before.find((r) => r.index === record.index) as RecordView;
      if ([0, 4, 7, 11].includes(record.index)) {
        expect(record.job_id).not.toBe(was.job_id);
      } else {
        expect(record.job_id).toBe(was.job_id);
      }
    }
    for (const record of after.filter((r) => [0, 4, 7, 11].includes(r.index))) {
      const view = await finished(ctx.stack, apiKey, record.job_id, 60_000);
      expect(view.status).toBe('completed');
      const request = await ctx.db.dataSource
        .getRepository(EnrichmentRequest)
        .findOneByOrFail({ id: record.job_id });
      expect(request.batchId).toBe(batchId);
      expect(request.type).toBe('enrich');
      // Asked again for what is older than the schedule: the batch's options stay as the batch has them.
      expect(request.options).toMatchObject({ max_age_days: 7 });
    }
    const refreshed = (await api<BatchView>('GET', `/v1/batches/${batchId}`)).body;
    expect(refreshed.progress).toMatchObject({ total: 10, finished: 10 });
    // The summary's last run is this tick's four jobs, not every record's current job.
    let rerunCredits = 0;
    for (const record of after.filter((r) => [0, 4, 7, 11].includes(r.index))) {
      rerunCredits += (await api<{ credits_spent: number }>('GET', `/v1/jobs/${record.job_id}`)).body
        .credits_spent;
    }
    // The 10-day-old answers were not reused: the providers were asked, and paid, again.
    expect(rerunCredits).toBeGreaterThan(0);
    expect(await totalCalls()).toBeGreaterThan(callsBefore);
    const rerun = (await api<Summary>('GET', `/v1/batches/${batchId}/summary`)).body;
    expect(rerun.credits_spent.last_run).toBeCloseTo(rerunCredits, 4);
    expect(rerun.credits_spent.all_runs).toBeCloseTo(refreshed.credits_spent, 4);
    expect(rerun.last_run_at).toBe(refreshed.last_run_at);
    expect(new Date(refreshed.last_run_at as string).getTime()).toBeGreaterThan(
      new Date(lastRun as string).getTime(),
    );

    // A second tick, the verifier resumed: record 6 is asked again (nothing else is stale), and once
    // its job has finished with nothing left to retry, a third finds nothing.
    const tickNow = async (): Promise<unknown> => {
      const job = await queue().add(JOB_NAMES.batchRefresh, { batchId, workspaceId });
      await eventually(async () => (await job.getState()) === 'completed', { timeoutMs: 30_000 });
      return (await queue().getJob(job.id as string))?.returnvalue;
    };
    expect(await tickNow()).toEqual({ reenqueued: 1 });
    const six = (await allRecords(batchId)).find((record) => record.index === 6) as RecordView;
    expect(six.job_id).not.toBe(after.find((record) => record.index === 6)?.job_id);
    expect((await finished(ctx.stack, apiKey, six.job_id, 60_000)).status).toBe('completed');
    expect(await tickNow()).toEqual({ reenqueued: 0 });

    // Deleting the schedule removes the scheduler.
    const removed = await api<BatchView>('DELETE', `/v1/batches/${batchId}/schedule`);
    expect(removed.status).toBe(200);
    expect(removed.body.schedule).toBeNull();
    expect(await scheduler()).toBeFalsy();
  });

  it('starts the scheduler when a batch is created with a schedule', async () => {
    const person = world.find((p) => p.emails.snov === p.email) as WorldPerson;
    const created = await api<Created>('POST', '/v1/batches', {
      records: [personInput(person)],
      enrich: ['business_email'],
      schedule: { every_days: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body.batch.schedule).toEqual({ every_days: 30 });
    const scheduler = await queue().getJobScheduler(batchRefreshSchedulerId(created.body.batch.id));
    expect(scheduler?.name).toBe(JOB_NAMES.batchRefresh);
    expect(scheduler?.every).toBe(3600 * 1000);
  });
});
