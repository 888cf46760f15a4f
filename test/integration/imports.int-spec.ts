import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ImportRecord, EnrichmentRequest } from '@sluice/db';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { IsNull, Not } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import type { TestDatabase } from '../support/database';
import { answerKey, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

interface ImportAnswer {
  id: string;
  status: string;
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  errors: { line: number; column?: string; message: string }[];
  errors_truncated: boolean;
  error: string | null;
  reference: string | null;
  rows_skipped: number;
  rows_committed: number;
  resumable: boolean;
  resumed_from: string | null;
  resumed_by: string | null;
  progress: { total: number; by_status: Record<string, number>; finished: number };
  credits_spent: number;
  message?: string;
  import?: ImportAnswer;
}

/**
 * Starts an upload of `lines` and keeps its connection open, as a client whose line went quiet,
 * until the import has accepted `accepted` rows; then the client goes away. Returns the import,
 * once the gateway has marked it failed.
 */
async function cutUpload(
  ctx: { stack: Stack; db: TestDatabase },
  apiKey: string,
  workspaceId: string,
  query: string,
  lines: readonly string[],
  accepted: number,
  headers: Record<string, string> = {},
): Promise<ImportAnswer> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
    },
  });
  const abort = new AbortController();
  const pending = upload(ctx.stack, apiKey, query, body, headers, abort.signal).catch(
    (error: unknown) => error,
  );
  let record: ImportRecord;
  try {
    record = await eventually(
      async () => {
        const found = await ctx.db.dataSource
          .getRepository(ImportRecord)
          .findOne({ where: { workspaceId, status: 'running' } });
        return found && found.rowsAccepted === accepted ? found : undefined;
      },
      { what: `the first ${accepted} rows to be enqueued` },
    );
  } finally {
    abort.abort();
  }
  expect(await pending).toMatchObject({ name: 'AbortError' });
  return eventually(
    async () => {
      const view = await call<ImportAnswer>(ctx.stack.gatewayUrl, 'GET', `/v1/imports/${record.id}`, {
        token: apiKey,
      });
      return view.body.status === 'failed' ? view.body : undefined;
    },
    { what: 'the import to be marked failed' },
  );
}

/** A CSV body produced line by line as the upload asks for more: never the whole file at once. */
function csvBody(lines: Iterator<string>, linesPerChunk = 500): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = '';
      for (let i = 0; i < linesPerChunk; i += 1) {
        const next = lines.next();
        if (next.done) {
          if (text) {
            controller.enqueue(encoder.encode(text));
          }
          controller.close();
          return;
        }
        text += `${next.value}\n`;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
}

async function upload(
  stack: Stack,
  apiKey: string,
  query: string,
  body: ReadableStream<Uint8Array> | string | Uint8Array,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; body: ImportAnswer; headers: Headers }> {
  const response = await fetch(`${stack.gatewayUrl}/v1/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv', ...headers },
    body,
    // Node's fetch streams a ReadableStream body only in half-duplex mode.
    duplex: 'half',
    signal: signal ?? AbortSignal.timeout(280_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as ImportAnswer,
    headers: response.headers,
  };
}

async function uploadForm(
  stack: Stack,
  apiKey: string,
  fields: Record<string, string>,
  file: { text: string; type?: string } | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: ImportAnswer; headers: Headers }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    form.append(name, value);
  }
  if (file) {
    form.append('file', new Blob([file.text], { type: file.type ?? 'text/csv' }), 'leads.csv');
  }
  const response = await fetch(`${stack.gatewayUrl}/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, ...headers },
    body: form,
    signal: AbortSignal.timeout(60_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as ImportAnswer,
    headers: response.headers,
  };
}

/**
 * Sends the head of an upload announcing far more bytes than follow, and `partial` of its body;
 * after `afterMs` the client goes away without a word, as a dropped connection does. A raw socket,
 * because fetch will not send a Content-Length it does not keep.
 */
async function abandonUpload(
  stack: Stack,
  apiKey: string,
  path: string,
  contentType: string,
  partial: string,
  afterMs: number,
): Promise<void> {
  const { hostname, port } = new URL(stack.gatewayUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.write(
    [
      `POST ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      `Authorization: Bearer ${apiKey}`,
      `Content-Type: ${contentType}`,
      'Content-Length: 100000',
      '',
      partial,
    ].join('\r\n'),
  );
  // How long the client lasts is what is varied: each moment falls in another step of the
  // gateway's work on the upload.
  await delay(afterMs);
  socket.destroy();
}

setFlagsFromString('--expose-gc');
/** V8's collector, to measure what is live rather than what is merely not yet collected. */
const collectGarbage = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const ROWS = 100_000;

/** Row `i` of the big file; every kind of bad row recurs at a fixed stride. */
function bigRow(i: number): string {
  if (i % 1000 === 7) {
    return `Ann${i},Bad,not a domain,`; // a malformed domain: its column is named
  }
  if (i % 1000 === 500) {
    return `Solo${i},,,`; // no last name, no LinkedIn URL: not enough to find anyone
  }
  if (i % 5000 === 123) {
    return `Eve${i},Extra,e${i}.example.com,,surplus`; // a field more than the header
  }
  return `P${i},Tester,c${i % 997}.example.com,`; // stored as its registrable domain, example.com
}
const BAD_DOMAIN = ROWS / 1000;
const UNIDENTIFIED = ROWS / 1000;
const TOO_WIDE = ROWS / 5000;

function* bigFile(): Generator<string> {
  yield 'first_name,last_name,domain,linkedin_url';
  for (let i = 0; i < ROWS; i += 1) {
    yield bigRow(i);
  }
}

describe('CSV import of 100,000 rows (no worker: the jobs stay queued)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let stack: Stack;
  let db: TestDatabase;

  beforeAll(async () => {
    ctx = await setUp({ IMPORT_MAX_ROWS: String(ROWS) }, { worker: false });
    ({ stack, db } = ctx);
  });
  afterAll(() => tearDown(ctx));

  it('reports the bad rows by line, enqueues every good one, and keeps the gateway’s memory flat', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Big Import Co');
    // A small import first, so that code loaded on first use is not counted as the upload's memory.
    const warm = await upload(
      stack,
      apiKey,
      'type=person.email',
      'first_name,last_name,domain\nA,B,a.example.com\n',
    );
    expect(warm.status).toBe(201);

    const baseline = liveHeap();
    let peak = baseline;
    // Sampled while the upload runs: live heap after a full collection, once a second.
    const sampler = setInterval(() => {
      peak = Math.max(peak, liveHeap());
    }, 1000);
    let answer: Awaited<ReturnType<typeof upload>>;
    try {
      answer = await upload(stack, apiKey, 'type=person.email', csvBody(bigFile()));
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, liveHeap());

    expect(answer.status).toBe(201);
    const rejected = BAD_DOMAIN + UNIDENTIFIED + TOO_WIDE;
    expect(answer.body).toMatchObject({
      status: 'completed',
      rows_total: ROWS,
      rows_accepted: ROWS - rejected,
      rows_rejected: rejected,
      errors_truncated: false,
    });
    expect(answer.body.errors).toHaveLength(rejected);
    // Line 1 is the header: row i is on line i + 2.
    expect(answer.body.errors).toContainEqual({
      line: 9,
      column: 'domain',
      message: expect.stringMatching(/input\.domain "not a domain" is not a domain/) as string,
    });
    expect(answer.body.errors).toContainEqual({
      line: 502,
      message: expect.stringMatching(/person\.email needs input\.linkedin_url, or a name/) as string,
    });
    expect(answer.body.errors).toContainEqual({
      line: 125,
      message: 'The row has 5 field(s); the header has 4.',
    });
    expect(answer.body.errors.map((error) => error.line)).toEqual(
      [...answer.body.errors.map((error) => error.line)].sort((a, b) => a - b),
    );

    // Every accepted row is a queued job of this import.
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ importId: answer.body.id })).toBe(ROWS - rejected);
    expect(await requests.countBy({ importId: answer.body.id, status: Not('queued') })).toBe(0);
    const sample = await requests
      .createQueryBuilder('r')
      .where('r.import_id = :id', { id: answer.body.id })
      .andWhere("r.input->>'first_name' = 'P99999'")
      .getOneOrFail();
    expect(sample).toMatchObject({
      type: 'person.email',
      priority: 'bulk',
      input: { first_name: 'P99999', last_name: 'Tester', domain: 'example.com' },
    });
    const listed = await call<{ data: { id: string }[] }>(
      stack.gatewayUrl,
      'GET',
      `/v1/jobs?import_id=${answer.body.id}&limit=3`,
      { token: apiKey },
    );
    expect(listed.body.data).toHaveLength(3);
    expect(await requests.countBy({ importId: IsNull() })).toBe(0); // the warm-up's job has its import too
    const stored = await call<ImportAnswer>(stack.gatewayUrl, 'GET', `/v1/imports/${answer.body.id}`, {
      token: apiKey,
    });
    expect(stored.body).toEqual(answer.body);

    // What holding the rows would take: the same 100,000 rows parsed into cells, as any reader that
    // kept them would have them at the very least (before even building their jobs).
    const before = liveHeap();
    const held: string[][] = [];
    for (let i = 0; i < ROWS; i += 1) {
      held.push(bigRow(i).split(','));
    }
    const holding = liveHeap() - before;
    expect(held).toHaveLength(ROWS);
    // The gateway holds one chunk of rows at a time (IMPORT_CHUNK_SIZE = 500), the first errors
    // (220 small objects) and its connections' buffers: its live heap grew by about 4 MB here,
    // against about 21 MB for the bare parsed rows (a reader that kept the rows would hold those and
    // their jobs besides). A third of the bare rows leaves room for noise and still fails clearly
    // if the rows, or even a large share of them, were kept.
    const growth = peak - baseline;
    expect({ growth, holding, ok: growth < holding / 3 }).toMatchObject({ ok: true });
    // 100,000 rows take about 35 s on two idle cores; the bound leaves room for a busy machine.
  }, 300_000);
});

describe('CSV imports with a worker, and exports', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let people: WorldPerson[];

  beforeAll(async () => {
    // Only RocketReach finds e-mails here, so its results must carry its attribution.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } }),
      IMPORT_MAX_ROWS: '30',
      IMPORT_CHUNK_SIZE: '10',
      // Short, so the sweep for imports whose gateway died is seen at work; uploads held open by
      // the tests stay alive through the heartbeat.
      IMPORT_STALE_AFTER_MS: '3000',
      // One download at a time, so that a held one shows the bound.
      EXPORT_MAX_CONCURRENT: '1',
    });
    people = (await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people')).filter(
      (person) => person.emails.rocketreach === person.email,
    );
  });
  afterAll(() => tearDown(ctx));

  const counts = async (workspaceId: string): Promise<[number, number]> => [
    await ctx.db.dataSource.getRepository(ImportRecord).countBy({ workspaceId }),
    await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId }),
  ];

  it('imports with a mapping, runs the jobs, and exports them as CSV and JSON Lines with attribution; other workspaces get 404', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Mapped Co');
    const chosen = people.slice(0, 3);
    expect(chosen).toHaveLength(3);
    const csv = [
      'First,Last,Work Domain,Notes',
      ...chosen.map((p) => `${p.first_name},"${p.last_name}",${p.domain},"met at a fair, 2026"`),
      'Nobody,Known,,no domain',
    ].join('\r\n');
    const mapping = JSON.stringify({ First: 'first_name', Last: 'last_name', 'Work Domain': 'domain' });
    const imported = await uploadForm(stack, apiKey, { type: 'person.email', mapping }, { text: csv });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      status: 'completed',
      rows_total: 4,
      rows_accepted: 3,
      rows_rejected: 1,
      errors: [{ line: 5, message: expect.stringMatching(/needs input\.linkedin_url, or a name/) as string }],
    });
    const importId = imported.body.id;
    // The upload is done; the enrichment has only begun: the import's progress counts its jobs.
    expect(imported.body.progress).toMatchObject({ total: 3 });
    expect(imported.body.progress.finished).toBeLessThan(3);

    const jobs = await eventually(
      async () => {
        const page = await call<{ data: { id: string; status: string }[] }>(
          stack.gatewayUrl,
          'GET',
          `/v1/jobs?import_id=${importId}`,
          { token: apiKey },
        );
        return page.body.data.length === 3 && page.body.data.every((job) => job.status === 'completed')
          ? page.body.data
          : undefined;
      },
      { timeoutMs: 45_000, what: 'the imported jobs to complete' },
    );
    expect(jobs).toHaveLength(3);
    let spent = 0;
    for (const job of jobs) {
      const view = await call<{ credits_spent: number }>(stack.gatewayUrl, 'GET', `/v1/jobs/${job.id}`, {
        token: apiKey,
      });
      spent += view.body.credits_spent;
    }
    expect(spent).toBeGreaterThan(0);
    const done = { progress: { total: 3, by_status: { completed: 3 }, finished: 3 }, credits_spent: spent };
    expect(
      (await call(stack.gatewayUrl, 'GET', `/v1/imports/${importId}`, { token: apiKey })).body,
    ).toMatchObject(done);
    const listed = await call<{ data: { id: string }[] }>(stack.gatewayUrl, 'GET', '/v1/imports', {
      token: apiKey,
    });
    expect(listed.body.data.find((row) => row.id === importId)).toMatchObject(done);

    const created = await call<{ id: string; url: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      body: { format: 'csv', import_id: importId },
    });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe(`/v1/exports/${created.body.id}`);
    const csvAnswer = await fetch(`${stack.gatewayUrl}${created.body.url}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(csvAnswer.status).toBe(200);
    expect(csvAnswer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvAnswer.headers.get('content-disposition')).toBe(
      `attachment; filename="sluice-export-${created.body.id}.csv"`,
    );
    const table = parse<Record<string, string>>(await csvAnswer.text(), { columns: true });
    expect(table).toHaveLength(3);
    expect(Object.keys(table[0] ?? {})).toEqual(
      expect.arrayContaining([
        'job_id',
        'input_first_name',
        'business_email',
        'sources',
        'attribution',
        'credits_spent',
      ]),
    );
    for (const person of chosen) {
      const row = table.find(
        (r) => r.input_first_name === person.first_name && r.input_last_name === person.last_name,
      );
      expect(row).toMatchObject({
        type: 'person.email',
        status: 'completed',
        input_domain: person.domain,
        business_email: person.email,
        attribution: 'Powered by RocketReach',
      });
      expect(JSON.parse(row?.sources ?? '{}')).toMatchObject({ business_email: 'rocketreach' });
      expect(Number(row?.credits_spent)).toBeGreaterThan(0);
    }
    expect(table.map((row) => row.job_id).sort()).toEqual(jobs.map((job) => job.id).sort());

    const jsonl = await fetch(`${stack.gatewayUrl}${created.body.url}?format=jsonl`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(jsonl.headers.get('content-disposition')).toMatch(/sluice-export-.*\.jsonl"$/);
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const person = chosen.find((p) => (line.input as { first_name?: string }).first_name === p.first_name);
      expect(line).toMatchObject({
        type: 'person.email',
        status: 'completed',
        data: { business_email: person?.email },
        sources: { business_email: 'rocketreach' },
        attribution: ['Powered by RocketReach'],
        error: null,
      });
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(['id', 'confidence', 'credits_spent', 'created_at', 'completed_at']),
      );
    }

    // Another workspace sees none of it.
    const stranger = await createWorkspace(stack.gatewayUrl, 'Stranger Co');
    const as = (path: string) => call(stack.gatewayUrl, 'GET', path, { token: stranger.apiKey });
    expect((await as(`/v1/imports/${importId}`)).status).toBe(404);
    expect((await as(created.body.url)).status).toBe(404);
    expect((await as(`/v1/jobs?import_id=${importId}`)).body).toMatchObject({ data: [] });
    const theirs = await call(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: stranger.apiKey,
      body: { format: 'csv', import_id: importId },
    });
    expect(theirs.status).toBe(404);
    // Their own empty export is a header and nothing else.
    const empty = await call<{ url: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: stranger.apiKey,
      body: { format: 'csv' },
    });
    const emptyFile = await fetch(`${stack.gatewayUrl}${empty.body.url}`, {
      headers: { authorization: `Bearer ${stranger.apiKey}` },
    });
    expect((await emptyFile.text()).trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses bad settings and bad files with a 400 naming the problem, writing nothing', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Careless Co');
    const good = 'first_name,last_name,domain\nAda,Lovelace,example.com\n';
    const raw = async (query: string, body: string, type = 'text/csv') =>
      upload(stack, apiKey, query, body, { 'content-type': type });
    const cases: [Promise<{ status: number; body: ImportAnswer }>, RegExp][] = [
      [raw('', good), /type is required/],
      [raw('type=person.anything', good), /type must be one of/],
      [raw('type=person.email&mapping=%7Bnope', good), /mapping must be a JSON object/],
      [
        raw(`type=person.email&mapping=${encodeURIComponent('{"Email":"favourite_colour"}')}`, good),
        /not an input field of person\.email/,
      ],
      [
        raw(`type=person.email&mapping=${encodeURIComponent('{"Work Email":"email"}')}`, good),
        /not an input field of person\.email/,
      ],
      [
        raw(`type=person.phone&mapping=${encodeURIComponent('{"Work Email":"email"}')}`, good),
        /mapping names column 'Work Email', which the header lacks/,
      ],
      [
        raw(`type=person.email&options=${encodeURIComponent('{"speed":"max"}')}`, good),
        /options has unknown field/,
      ],
      [raw('type=person.email&priority=urgent', good), /priority must be interactive or bulk/],
      [raw('type=person.email&colour=red', good), /Unknown import setting\(s\) colour/],
      [raw('type=person.email', ''), /The file is empty/],
      [raw('type=person.email', 'colour,size\nred,9\n'), /No column of the header is an input field/],
      [raw('type=person.email', 'PK\u0003\u0004\u0000\u0000binary'), /not CSV text/],
      [raw('type=person.email', '"first_name,last_name\nAda,Lovelace\n'), /not valid CSV/],
      [uploadForm(stack, apiKey, { type: 'person.email' }, null), /no file part/],
      [
        uploadForm(stack, apiKey, { type: 'person.email' }, { text: good, type: 'image/png' }),
        /The file part is image\/png, not CSV/,
      ],
      [uploadForm(stack, apiKey, {}, { text: good }), /type is required/],
    ];
    for (const [answer, problem] of cases) {
      const { status, body } = await answer;
      expect({ status, message: body.message }).toEqual({
        status: 400,
        message: expect.stringMatching(problem) as string,
      });
    }
    // A media type the route does not take is a 415, as on every other route, JSON included.
    const xml = await raw('type=person.email', good, 'application/xml');
    expect({ status: xml.status, message: xml.body.message }).toEqual({
      status: 415,
      message: expect.stringMatching(
        /takes multipart\/form-data .* or a text\/csv body; the request is application\/xml/,
      ) as string,
    });
    const json = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/imports?type=person.email', {
      token: apiKey,
      body: { rows: [] },
    });
    expect({ status: json.status, message: json.body.message }).toEqual({
      status: 415,
      message: expect.stringMatching(/or a text\/csv body; the request is application\/json/) as string,
    });
    expect(await counts(workspaceId)).toEqual([0, 0]);
  });

  it('takes a CSV under the other media types clients give it', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Legacy Browser Co');
    const good = 'first_name,last_name,domain\nAda,Lovelace,example.com\n';
    for (const type of [
      'text/x-csv',
      'application/x-csv',
      'text/comma-separated-values',
      'application/vnd.ms-excel',
    ]) {
      const form = await uploadForm(stack, apiKey, { type: 'person.email' }, { text: good, type });
      expect({ type, status: form.status, rows: form.body.rows_accepted }).toEqual({
        type,
        status: 201,
        rows: 1,
      });
    }
    for (const type of ['text/x-csv', 'text/comma-separated-values']) {
      const raw = await upload(stack, apiKey, 'type=person.email', good, { 'content-type': type });
      expect({ type, status: raw.status, rows: raw.body.rows_accepted }).toEqual({
        type,
        status: 201,
        rows: 1,
      });
    }
    // A .tsv file as a browser labels it, in a form and as the body.
    const tsv = good.replace(/,/g, '\t');
    const tsvForm = await uploadForm(
      stack,
      apiKey,
      { type: 'person.email' },
      { text: tsv, type: 'text/tab-separated-values' },
    );
    expect([tsvForm.status, tsvForm.body.rows_accepted]).toEqual([201, 1]);
    const tsvRaw = await upload(stack, apiKey, 'type=person.email', tsv, {
      'content-type': 'text/tab-separated-values',
    });
    expect([tsvRaw.status, tsvRaw.body.rows_accepted]).toEqual([201, 1]);
  });

  it('refuses the settings POST /v1/jobs refuses, in its words, and rejects the rows whose identifiers cannot reach the fields asked', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Enriching Co');
    const job = (body: Record<string, unknown>) =>
      call<{ message: string | string[] }>(stack.gatewayUrl, 'POST', '/v1/jobs', { token: apiKey, body });

    // Options wrong for the type whatever the rows: both refuse them with the same 400.
    const wrongForType: [Record<string, string>, string, Record<string, unknown>, RegExp][] = [
      [{ type: 'enrich' }, 'email\na@acme.com\n', { email: 'a@acme.com' }, /^enrich needs options\.fields/],
      [
        { type: 'person.email', options: JSON.stringify({ fields: ['title'] }) },
        'first_name,last_name,domain\nAda,Lovelace,acme.com\n',
        { first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com' },
        /^options\.fields applies to enrich only, not to person\.email/,
      ],
    ];
    for (const [settings, csv, input, problem] of wrongForType) {
      const imported = await uploadForm(stack, apiKey, settings, { text: csv });
      expect({ status: imported.status, message: imported.body.message }).toEqual({
        status: 400,
        message: expect.stringMatching(problem) as string,
      });
      const direct = await job({
        type: settings.type,
        input,
        ...(settings.options === undefined ? {} : { options: JSON.parse(settings.options) as unknown }),
      });
      expect({ status: direct.status, message: direct.body.message }).toEqual({
        status: 400,
        message: imported.body.message,
      });
    }
    expect(await counts(workspaceId)).toEqual([0, 0]);

    // Whether the fields can be reached depends on each row's identifiers: a row /v1/jobs would
    // refuse is a row error with its message; a row it would accept is accepted.
    const options = { fields: ['mobile_phone', 'business_email'] };
    const unreachable = await job({ type: 'enrich', input: { company_name: 'Acme Ltd' }, options });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.message).toEqual([
      expect.stringMatching(/^mobile_phone cannot be looked up from the identifiers given/),
      expect.stringMatching(/^business_email cannot be looked up from the identifiers given/),
    ]);
    const imported = await uploadForm(
      stack,
      apiKey,
      { type: 'enrich', options: JSON.stringify(options) },
      { text: 'company_name,email\nAcme Ltd,\nAcme Ltd,ada@acme.com\n' },
    );
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      status: 'completed',
      rows_total: 2,
      rows_accepted: 1,
      rows_rejected: 1,
      errors: [{ line: 2, message: [unreachable.body.message].flat().join('; ') }],
    });
    const reachable = await job({
      type: 'enrich',
      input: { company_name: 'Acme Ltd', email: 'ada@acme.com' },
      options,
    });
    expect(reachable.status).toBe(202);
    expect(await counts(workspaceId)).toEqual([1, 2]);
  });

  it('refuses a file longer than IMPORT_MAX_ROWS part-way: the import fails and the jobs it queued are cancelled', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Long File Co');
    function* rows(): Generator<string> {
      yield 'company_number';
      for (let i = 0; i < 45; i += 1) {
        yield `9${String(i).padStart(7, '0')}`;
      }
    }
    const answer = await upload(stack, apiKey, 'type=company.profile', csvBody(rows(), 5));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(
      /more than 30 data rows.*IMPORT_MAX_ROWS.*Nothing more of this import will run/,
    );
    expect(answer.body.import).toMatchObject({ status: 'failed', rows_total: 30, rows_accepted: 30 });
    const importId = String(answer.body.import?.id);
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ importId })).toBe(30);
    // Nothing of it is left to run: cancelled, or finished in the moment before the refusal.
    const left = await requests.countBy({ importId, status: Not('cancelled') });
    const finished = await requests
      .createQueryBuilder('r')
      .where('r.import_id = :importId', { importId })
      .andWhere("r.status IN ('completed', 'failed')")
      .getCount();
    expect(left).toBe(finished);
    const cancelled = await requests.countBy({ importId, status: 'cancelled' });
    expect(cancelled).toBeGreaterThan(0);
    // The answer counts both: it does not claim that nothing ran when some of it did.
    expect(answer.body.message).toContain(`the ${cancelled} unfinished job(s) it had queued were cancelled`);
    if (finished > 0) {
      expect(answer.body.message).toContain(`; ${finished} had already finished and keep their results`);
    } else {
      expect(answer.body.message).not.toContain('had already finished');
    }
  });

  it('marks an import failed when its upload breaks off, keeping the rows accepted so far queued', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Flaky Line Co');
    const encoder = new TextEncoder();
    // The file's first rows, then nothing more: the stream stays open until the client gives up.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // 25 rows: the parser keeps a row's end until it sees what follows, so the 20th is whole.
        const lines = [
          'company_number',
          ...Array.from({ length: 25 }, (_, i) => `8${String(i).padStart(7, '0')}`),
        ];
        controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
      },
    });
    const abort = new AbortController();
    const pending = upload(stack, apiKey, 'type=company.profile', body, {}, abort.signal).catch(
      (error: unknown) => error,
    );
    let record: ImportRecord;
    try {
      // Two chunks of ten are written while the client still holds the connection open...
      record = await eventually(
        async () => {
          const found = await ctx.db.dataSource.getRepository(ImportRecord).findOneBy({ workspaceId });
          return found && found.rowsAccepted === 20 ? found : undefined;
        },
        { what: 'the first rows to be enqueued' },
      );
    } finally {
      // ...then it goes away.
      abort.abort();
    }
    expect(await pending).toMatchObject({ name: 'AbortError' });
    const failed = await eventually(
      async () => {
        const view = await call<ImportAnswer>(stack.gatewayUrl, 'GET', `/v1/imports/${record.id}`, {
          token: apiKey,
        });
        return view.body.status === 'failed' ? view.body : undefined;
      },
      { what: 'the import to be marked failed' },
    );
    // The rows read after the last chunk was written were never enqueued.
    expect(failed).toMatchObject({ rows_accepted: 20 });
    expect(failed.rows_total).toBeGreaterThanOrEqual(20);
    expect(failed.error).toMatch(/broke off.*20 row\(s\) accepted before stay queued/);
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ importId: record.id })).toBe(20);
    expect(await requests.countBy({ importId: record.id, status: 'cancelled' })).toBe(0);
  });

  it('resumes, when sent again under the same Idempotency-Key, an import whose upload broke off, queueing no row twice', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Retrying Client Co');
    const lines = [
      'company_number',
      ...Array.from({ length: 25 }, (_, i) => `7${String(i).padStart(7, '0')}`),
    ];
    const key = { 'idempotency-key': 'import-retry-1' };
    const failed = await cutUpload(ctx, apiKey, workspaceId, 'type=company.profile', lines, 20, key);
    expect(failed).toMatchObject({ resumable: true, rows_accepted: 20 });

    // The client's retry: the same file, under the same key.
    const retry = await upload(stack, apiKey, 'type=company.profile', `${lines.join('\n')}\n`, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      resumed_from: failed.id,
      rows_skipped: failed.rows_committed,
      rows_accepted: 25 - failed.rows_committed,
    });
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ workspaceId })).toBe(25);
    // Once it has finished, the key replays it.
    const replay = await upload(stack, apiKey, 'type=company.profile', `${lines.join('\n')}\n`, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(retry.body.id);
    expect(await requests.countBy({ workspaceId })).toBe(25);
  });

  it('refused part-way after some of its jobs ran: says how many had finished, and cancels only the rest', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Half Run Co');
    const companies = (
      await call<{ company_number: string }[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=12')
    ).body;
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(opened) {
        controller = opened;
        // A chunk of ten, and two rows the parser holds until it sees what follows.
        opened.enqueue(
          encoder.encode(`company_number\n${companies.map((c) => c.company_number).join('\n')}\n`),
        );
      },
    });
    const pending = upload(stack, apiKey, 'type=company.profile', body);
    const requests = ctx.db.dataSource.getRepository(EnrichmentRequest);
    // The first chunk's jobs run to the end while the upload is still open...
    const record = await eventually(
      async () => {
        const found = await ctx.db.dataSource.getRepository(ImportRecord).findOneBy({ workspaceId });
        return found && (await requests.countBy({ importId: found.id, status: 'completed' })) === 10
          ? found
          : undefined;
      },
      { what: 'the first chunk of the import to run', timeoutMs: 60_000 },
    );
    // ...then a row that is not UTF-8 refuses the file.
    controller.enqueue(Buffer.from('0999\xe9999\n', 'latin1'));
    controller.close();
    const answer = await pending;
    expect(answer.status).toBe(400);
    const cancelled = await requests.countBy({ importId: record.id, status: 'cancelled' });
    expect(await requests.countBy({ importId: record.id, status: 'completed' })).toBe(10);
    expect(answer.body.message).toMatch(/not UTF-8 text/);
    // Before, it said "Nothing of this import will run" of an import ten of whose jobs had run.
    expect(answer.body.message).toContain(
      `Nothing more of this import will run: the ${cancelled} unfinished job(s) it had queued were cancelled; 10 had already finished and keep their results (GET /v1/jobs?import_id=${record.id}).`,
    );
  });

  it('answers a form cut off before its closing boundary with a 400, leaves no import running and the gateway up', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Cut Form Co');
    const form = [
      '--XB',
      'Content-Disposition: form-data; name="type"',
      '',
      'person.email',
      '--XB',
      'Content-Disposition: form-data; name="file"; filename="a.csv"',
      'Content-Type: text/csv',
      '',
      'first_name,last_name,domain\nAda,Lovelace,acme.com\n',
    ].join('\r\n');
    const answer = await upload(stack, apiKey, '', form, {
      'content-type': 'multipart/form-data; boundary=XB',
    });
    expect({ status: answer.status, message: answer.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^The upload broke off: Unexpected end of form/) as string,
    });
    expect((await call(stack.gatewayUrl, 'GET', '/health')).status).toBe(200);
    // Found before its import was recorded, nothing is written; found after, the import is the
    // failed, resumable one a broken-off upload leaves, never one left running.
    const imports = await ctx.db.dataSource.getRepository(ImportRecord).findBy({ workspaceId });
    expect(imports.length).toBeLessThanOrEqual(1);
    for (const record of imports) {
      expect(record).toMatchObject({ id: answer.body.import?.id, status: 'failed', resumable: true });
    }
    expect(await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);

    // A repeat under the Idempotency-Key of a finished import is only read, to compare: cut off
    // the same way, it is the same 400, and the import it repeats is untouched.
    const key = { 'idempotency-key': 'cut-form-1' };
    const first = await upload(
      stack,
      apiKey,
      'type=person.email',
      'first_name,last_name,domain\nAda,Lovelace,acme.com\n',
      key,
    );
    expect(first.status).toBe(201);
    const repeat = await upload(stack, apiKey, '', form, {
      'content-type': 'multipart/form-data; boundary=XB',
      ...key,
    });
    expect({ status: repeat.status, message: repeat.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^The upload broke off: Unexpected end of form/) as string,
    });
    expect((await call(stack.gatewayUrl, 'GET', '/health')).status).toBe(200);
    expect(await counts(workspaceId)).toEqual([imports.length + 1, 1]);
  });

  it('outlives clients that go away mid-body during a resume: whatever the moment, the imports stay failed and resumable, and every row is imported once', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Dropped Resume Co');
    const file = ['company_number', '71100001', '71100002'];
    // Cut off as soon as its import began: nothing committed.
    const failed = await cutUpload(ctx, apiKey, workspaceId, 'type=company.profile', file.slice(0, 2), 0);
    expect(failed).toMatchObject({ resumable: true, rows_committed: 0 });

    // Both bodies stop inside the header line: whenever the client goes, no import has begun.
    const form = [
      '--XB',
      'Content-Disposition: form-data; name="type"',
      '',
      'company.profile',
      '--XB',
      'Content-Disposition: form-data; name="resume"',
      '',
      failed.id,
      '--XB',
      'Content-Disposition: form-data; name="file"; filename="a.csv"',
      'Content-Type: text/csv',
      '',
      'company_n',
    ].join('\r\n');
    for (const afterMs of [0, 1, 2, 5, 10, 20, 50]) {
      await abandonUpload(
        stack,
        apiKey,
        `/v1/imports?type=company.profile&resume=${failed.id}`,
        'text/csv',
        'company_n',
        afterMs,
      );
      await abandonUpload(stack, apiKey, '/v1/imports', 'multipart/form-data; boundary=XB', form, afterMs);
      expect((await call(stack.gatewayUrl, 'GET', '/health')).status).toBe(200);
    }

    // The failed import is as it was.
    const view = (id: string) =>
      call<ImportAnswer>(stack.gatewayUrl, 'GET', `/v1/imports/${id}`, { token: apiKey });
    expect((await view(failed.id)).body).toEqual(failed);
    expect(await ctx.db.dataSource.getRepository(ImportRecord).countBy({ workspaceId })).toBe(1);

    // A resume whose client goes once its import has begun leaves that import failed and
    // resumable in turn, and resuming it imports every row once.
    const cutResume = await cutUpload(
      ctx,
      apiKey,
      workspaceId,
      `type=company.profile&resume=${failed.id}`,
      file.slice(0, 2),
      0,
    );
    expect(cutResume).toMatchObject({ resumed_from: failed.id, resumable: true, rows_committed: 0 });
    expect((await view(failed.id)).body).toMatchObject({ resumed_by: cutResume.id });
    const resumed = await upload(
      stack,
      apiKey,
      `type=company.profile&resume=${cutResume.id}`,
      `${file.join('\n')}\n`,
    );
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      status: 'completed',
      resumed_from: cutResume.id,
      rows_skipped: 0,
      rows_accepted: 2,
    });
    expect((await view(cutResume.id)).body).toMatchObject({ resumed_by: resumed.body.id });
    expect(await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(2);
  });

  it('resumes a cut-off import from its last committed row: every good row enqueued once, lines those of the file; refuses what cannot be resumed', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Resuming Co');
    // 28 rows; rows 4 and 22 (lines 6 and 24) are not company numbers.
    const rows = Array.from({ length: 28 }, (_, i) =>
      i === 4 || i === 22 ? `bad number ${i}` : `7${String(i).padStart(7, '0')}`,
    );
    const file = ['company_number', ...rows];
    const reference = 'companies-2026-12-02';
    const failed = await cutUpload(
      ctx,
      apiKey,
      workspaceId,
      `type=company.profile&reference=${reference}`,
      file.slice(0, 26),
      20,
    );
    // Chunks were written when the 10th and 20th good rows were read: rows 0–20 are committed.
    expect(failed).toMatchObject({
      reference,
      rows_accepted: 20,
      rows_committed: 21,
      resumable: true,
      resumed_by: null,
    });
    expect(failed.error).toMatch(
      /broke off.*20 row\(s\) accepted before stay queued.*resume=.*first 21 data row/,
    );
    const listed = await call<{ data: ImportAnswer[]; next_cursor: string | null }>(
      stack.gatewayUrl,
      'GET',
      `/v1/imports?reference=${reference}`,
      { token: apiKey },
    );
    expect(listed.body).toMatchObject({ data: [{ id: failed.id, status: 'failed' }], next_cursor: null });

    const whole = `${file.join('\n')}\n`;
    const resume = (query: string, body = whole, key = apiKey) =>
      upload(stack, key, `${query}&resume=${failed.id}`, body);
    // Another workspace cannot see it; another type, another file, cannot resume it.
    const stranger = await createWorkspace(stack.gatewayUrl, 'Resume Stranger Co');
    expect((await resume('type=company.profile', whole, stranger.apiKey)).status).toBe(404);
    const otherType = await resume('type=company.officers');
    expect(otherType.status).toBe(409);
    expect(otherType.body.message).toMatch(/ran with another type/);
    const otherFile = await resume('type=company.profile', whole.replace('70000003', '79999999'));
    expect(otherFile.status).toBe(409);
    expect(otherFile.body.message).toMatch(/first 21 data row\(s\) differ/);
    expect(await ctx.db.dataSource.getRepository(ImportRecord).countBy({ workspaceId })).toBe(1);

    const resumed = await resume(`type=company.profile&reference=${reference}`);
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      status: 'completed',
      reference,
      resumed_from: failed.id,
      rows_skipped: 21,
      rows_total: 7,
      rows_accepted: 6,
      rows_rejected: 1,
      rows_committed: 28,
      errors: [{ line: 24, column: 'company_number' }],
    });
    const before = await call<ImportAnswer>(stack.gatewayUrl, 'GET', `/v1/imports/${failed.id}`, {
      token: apiKey,
    });
    expect(before.body).toMatchObject({ resumed_by: resumed.body.id, resumable: false });

    // Every good row of the file is a job exactly once across the two imports.
    const perInput = await ctx.db.dataSource.query<{ number: string; jobs: number }[]>(
      `SELECT input->>'company_number' AS number, count(*)::int AS jobs
         FROM enrichment_requests WHERE workspace_id = $1 GROUP BY 1 ORDER BY 1`,
      [workspaceId],
    );
    expect(perInput).toEqual(
      rows.filter((row) => !row.startsWith('bad')).map((number) => ({ number, jobs: 1 })),
    );

    const again = await resume('type=company.profile');
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already resumed by import/);

    // A refused import (too many rows: its content) cannot be resumed.
    const tooLong = [
      'company_number',
      ...Array.from({ length: 31 }, (_, i) => `6${String(i).padStart(7, '0')}`),
    ].join('\n');
    const refused = await upload(stack, apiKey, 'type=company.profile', tooLong);
    expect(refused.status).toBe(400);
    const refusedId = refused.body.import?.id ?? '';
    expect(refused.body.import).toMatchObject({ status: 'failed', resumable: false });
    const notResumable = await upload(stack, apiKey, `type=company.profile&resume=${refusedId}`, tooLong);
    expect(notResumable.status).toBe(409);
    expect(notResumable.body.message).toMatch(/refused for its content, so it cannot be resumed/);
  });

  it('marks failed and resumable a running import whose gateway stopped refreshing it', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Orphaned Co');
    const [stale] = await ctx.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO imports (workspace_id, type, status, rows_total, rows_accepted, rows_committed, updated_at)
       VALUES ($1, 'company.profile', 'running', 0, 0, 0, now() - interval '1 hour') RETURNING id`,
      [workspaceId],
    );
    // One whose gateway died between storing a chunk's jobs and counting them: not resumable.
    const counted = await upload(stack, apiKey, 'type=company.profile', 'company_number\n71000001\n');
    expect(counted.status).toBe(201);
    await ctx.db.dataSource.query(
      `UPDATE imports SET status = 'running', rows_accepted = 0, completed_at = NULL,
              updated_at = now() - interval '1 hour' WHERE id = $1`,
      [counted.body.id],
    );
    const view = (id: string) =>
      call<ImportAnswer>(stack.gatewayUrl, 'GET', `/v1/imports/${id}`, { token: apiKey });
    const swept = await eventually(
      async () => {
        const found = await view(stale?.id ?? '');
        return found.body.status === 'failed' ? found.body : undefined;
      },
      { what: 'the sweep to mark the stale import failed' },
    );
    expect(swept).toMatchObject({ resumable: true, rows_committed: 0 });
    expect(swept.error).toMatch(/gateway handling this import stopped.*resume=/);
    const unsure = await eventually(
      async () => {
        const found = await view(counted.body.id);
        return found.body.status === 'failed' ? found.body : undefined;
      },
      { what: 'the sweep to mark the miscounted import failed' },
    );
    expect(unsure).toMatchObject({ resumable: false });
    expect(unsure.error).toMatch(/stored but not counted, so it cannot be resumed/);
    // A fresh running import (a live upload refreshes it) is left alone.
    const [live] = await ctx.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO imports (workspace_id, type, status) VALUES ($1, 'company.profile', 'running') RETURNING id`,
      [workspaceId],
    );
    expect((await view(live?.id ?? '')).body.status).toBe('running');
  });

  it('replays an import for a repeated Idempotency-Key and the same file; another file with that key is 409', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Retrying Co');
    const file = { text: 'company_number\n70000001\n70000002\n' };
    const first = await uploadForm(stack, apiKey, { type: 'company.profile' }, file, {
      'idempotency-key': 'upload-1',
    });
    expect(first.status).toBe(201);
    // FormData picks a new boundary each time: the envelope differs, the import does not.
    const again = await uploadForm(stack, apiKey, { type: 'company.profile' }, file, {
      'idempotency-key': 'upload-1',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    // The same file sent raw, with the settings in the query, is the same import too.
    const raw = await upload(stack, apiKey, 'type=company.profile', file.text, {
      'idempotency-key': 'upload-1',
    });
    expect(raw.body.id).toBe(first.body.id);
    const other = await uploadForm(
      stack,
      apiKey,
      { type: 'company.profile' },
      { text: 'company_number\n70000003\n' },
      { 'idempotency-key': 'upload-1' },
    );
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/different request/);
    const otherSettings = await uploadForm(stack, apiKey, { type: 'company.officers' }, file, {
      'idempotency-key': 'upload-1',
    });
    expect(otherSettings.status).toBe(409);
    expect(await counts(workspaceId)).toEqual([1, 2]);
  });

  it('rejects, row by row, the rows a used-up quota (policy refuse) leaves no provider for', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Frugal Co');
    const set = await call(
      stack.gatewayUrl,
      'PUT',
      `/v1/admin/workspaces/${workspaceId}/quotas/email-verifier`,
      {
        token: TEST_ADMIN_TOKEN,
        body: { monthly_credits: 0, policy: 'refuse' },
      },
    );
    expect(set.status).toBe(200);
    const answer = await upload(stack, apiKey, 'type=email.verify', 'email\nada@example.com\nnot-an-email\n');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      status: 'completed',
      rows_total: 2,
      rows_accepted: 0,
      rows_rejected: 2,
    });
    expect(answer.body.errors).toEqual([
      {
        line: 2,
        message: expect.stringMatching(/quota is used up at every provider.*email-verifier/) as string,
      },
      { line: 3, column: 'email', message: expect.stringMatching(/is not an e-mail address/) as string },
    ]);
    expect(await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);
  });

  it('streams a bounded number of downloads at once: beyond it a 503 with Retry-After, and the API keeps answering', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Big Export Co');
    // Far more than socket buffers hold, so a client that does not read keeps the stream open.
    await db.dataSource.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id)
       SELECT $1, 'person.email',
              jsonb_build_object('first_name', 'p' || i, 'last_name', repeat('x', 1000), 'domain', 'example.com'),
              'queued', 'big-' || i
         FROM generate_series(1, 20000) AS i`,
      [workspaceId],
    );
    const saved = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      body: { format: 'jsonl' },
    });
    expect(saved.status).toBe(201);
    const url = `${stack.gatewayUrl}/v1/exports/${saved.body.id}`;
    const held = new AbortController();
    const first = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` }, signal: held.signal });
    expect(first.status).toBe(200);
    try {
      // The first download is held open (its body unread): a second is refused, nothing half-sent.
      const second = await call<{ code: string; message: string }>(
        stack.gatewayUrl,
        'GET',
        `/v1/exports/${saved.body.id}`,
        { token: apiKey },
      );
      expect(second.status).toBe(503);
      expect(second.body.code).toBe('exports_busy');
      expect(second.headers.get('retry-after')).toBe('5');
      // Everything else still answers while it streams.
      expect((await call(stack.gatewayUrl, 'GET', '/v1/jobs?limit=1', { token: apiKey })).status).toBe(200);
    } finally {
      held.abort();
    }
    // Once the first ends, the slot is free again.
    const third = await eventually(
      async () => {
        const answer = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
        if (answer.status !== 200) {
          await answer.body?.cancel();
          return undefined;
        }
        return answer;
      },
      { timeoutMs: 10_000, what: 'a download after the held one ended' },
    );
    const lines = (await third.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(20_000);
  }, 60_000);

  it('validates an export’s filters and its download’s query', async () => {
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Picky Co');
    for (const [body, problem] of [
      [{}, /format/],
      [{ format: 'xlsx' }, /format must be csv or jsonl/],
      [{ format: 'csv', status: 'done' }, /status must be one of/],
      [{ format: 'csv', type: 'person.anything' }, /type must be one of/],
      [{ format: 'csv', import_id: 'nope' }, /import_id must be a UUID/],
      [{ format: 'csv', created_after: 'soon' }, /created_after must be an ISO 8601/],
      [
        { format: 'csv', created_after: '2026-12-02T00:00:00Z', created_before: '2026-12-01T00:00:00Z' },
        /created_after must be earlier than created_before/,
      ],
      [{ format: 'csv', colour: 'red' }, /colour should not exist/],
    ] as const) {
      const refused = await call<{ message: unknown }>(stack.gatewayUrl, 'POST', '/v1/exports', {
        token: apiKey,
        body,
      });
      expect({ status: refused.status, message: JSON.stringify(refused.body.message) }).toEqual({
        status: 400,
        message: expect.stringMatching(problem) as string,
      });
    }
    const missing = await call(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      body: { format: 'jsonl', import_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(missing.status).toBe(404);
    const saved = await call<{ id: string; url: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      body: { format: 'jsonl', status: 'completed', created_after: '2026-01-01' },
    });
    expect(saved.status).toBe(201);
    for (const query of ['format=xlsx', 'colour=red']) {
      expect(
        (await call(stack.gatewayUrl, 'GET', `${saved.body.url}?${query}`, { token: apiKey })).status,
      ).toBe(400);
    }
    expect((await call(stack.gatewayUrl, 'GET', '/v1/exports/not-an-id', { token: apiKey })).status).toBe(
      400,
    );
    expect(
      (
        await call(stack.gatewayUrl, 'GET', '/v1/exports/00000000-0000-4000-8000-000000000000', {
          token: apiKey,
        })
      ).status,
    ).toBe(404);
    const file = await fetch(`${stack.gatewayUrl}${saved.body.url}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(file.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await file.text()).toBe('');
    expect(await ctx.db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);
  });

  it('pages through an import’s jobs and through the imports, each once and in order, though rows share a millisecond', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Paged Import Co');
    /** Every id of a newest-first list, following next_cursor `limit` at a time. */
    const everyPage = async (path: string, limit: number): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: { status: number; body: { data: { id: string }[]; next_cursor: string | null } } =
          await call(stack.gatewayUrl, 'GET', `${path}${path.includes('?') ? '&' : '?'}${query}`, {
            token: apiKey,
          });
        expect(page.status).toBe(200);
        ids.push(...page.body.data.map((row) => row.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      return ids;
    };

    // 25 rows in chunks of 10 (IMPORT_CHUNK_SIZE): each chunk is one INSERT, one created_at.
    const rows = Array.from({ length: 25 }, (_, i) => `8${String(i).padStart(7, '0')}`);
    const imported = await upload(
      stack,
      apiKey,
      'type=company.profile',
      ['company_number', ...rows].join('\n'),
    );
    expect(imported.body).toMatchObject({ status: 'completed', rows_accepted: 25 });
    const stored: { id: string }[] = await db.dataSource.query(
      'SELECT id FROM enrichment_requests WHERE import_id = $1 ORDER BY created_at DESC, id DESC',
      [imported.body.id],
    );
    expect(stored).toHaveLength(25);
    const [{ instants }] = await db.dataSource.query<{ instants: number }[]>(
      'SELECT count(DISTINCT created_at)::int AS instants FROM enrichment_requests WHERE import_id = $1',
      [imported.body.id],
    );
    expect(instants).toBe(3);
    for (const limit of [1, 3, 7]) {
      expect(await everyPage(`/v1/jobs?import_id=${imported.body.id}`, limit)).toEqual(
        stored.map((row) => row.id),
      );
    }

    // Imports uploaded at the same moment: three in one millisecond (an hour ago), a microsecond apart.
    const uploads: string[] = [];
    for (const row of rows.slice(0, 3)) {
      uploads.push((await upload(stack, apiKey, 'type=company.profile', `company_number\n${row}\n`)).body.id);
    }
    await db.dataSource.query(
      `UPDATE imports
          SET created_at = date_trunc('milliseconds', now() - interval '1 hour')
                           + array_position($2::uuid[], id) * interval '1 microsecond'
        WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [workspaceId, uploads],
    );
    // Newest first: the import of 25 rows, then the three, the last uploaded first.
    const newestFirst = [imported.body.id, ...[...uploads].reverse()];
    for (const limit of [1, 2]) {
      expect(await everyPage('/v1/imports', limit)).toEqual(newestFirst);
    }
  });
});

describe('an export download whose client stops reading', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({ EXPORT_MAX_CONCURRENT: '1', EXPORT_STALL_TIMEOUT_MS: '2000' }, { worker: false });
  });
  afterAll(() => tearDown(ctx));

  it('is cut after EXPORT_STALL_TIMEOUT_MS without a byte taken, giving its slot back to every workspace', async () => {
    const { stack, db } = ctx;
    const stalled = await createWorkspace(stack.gatewayUrl, 'Stalled Reader Co');
    const other = await createWorkspace(stack.gatewayUrl, 'Other Export Co');
    // Far more than socket buffers hold, so a client that does not read stops the stream.
    await db.dataSource.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id)
       SELECT $1, 'person.email',
              jsonb_build_object('first_name', 'p' || i, 'last_name', repeat('x', 1000), 'domain', 'example.com'),
              'queued', 'stall-' || i
         FROM generate_series(1, 20000) AS i`,
      [stalled.id],
    );
    const exportOf = async (apiKey: string): Promise<string> => {
      const saved = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
        token: apiKey,
        body: { format: 'jsonl' },
      });
      expect(saved.status).toBe(201);
      return `${stack.gatewayUrl}/v1/exports/${saved.body.id}`;
    };
    const stalledUrl = await exportOf(stalled.apiKey);
    const otherUrl = await exportOf(other.apiKey);
    const held = new AbortController();
    const first = await fetch(stalledUrl, {
      headers: { authorization: `Bearer ${stalled.apiKey}` },
      signal: held.signal,
    });
    expect(first.status).toBe(200);
    try {
      // Its body is never read: the other workspace's download is refused while it holds the slot…
      const refused = await fetch(otherUrl, { headers: { authorization: `Bearer ${other.apiKey}` } });
      expect(refused.status).toBe(503);
      await refused.body?.cancel();
      // …until the stalled one is cut, though its client is still connected.
      const taken = await eventually(
        async () => {
          const answer = await fetch(otherUrl, { headers: { authorization: `Bearer ${other.apiKey}` } });
          if (answer.status !== 200) {
            await answer.body?.cancel();
            return undefined;
          }
          return answer;
        },
        { timeoutMs: 15_000, what: 'the stalled download to be cut' },
      );
      expect(await taken.text()).toBe('');
    } finally {
      held.abort();
    }
  }, 60_000);

  it('is not cut while PostgreSQL takes longer than EXPORT_STALL_TIMEOUT_MS to find its first row', async () => {
    const { stack, db } = ctx;
    const slow = await createWorkspace(stack.gatewayUrl, 'Slow Query Co');
    await db.dataSource.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id)
       SELECT $1, 'person.email', jsonb_build_object('first_name', 'p' || i, 'domain', 'example.com'),
              'queued', 'slow-' || i
         FROM generate_series(1, 3) AS i`,
      [slow.id],
    );
    const saved = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/exports', {
      token: slow.apiKey,
      body: { format: 'jsonl' },
    });
    expect(saved.status).toBe(201);
    // The export's query reads the steps' credits: a lock on that table holds it, as a long scan
    // would, for longer than the stall timeout (2 s).
    const locker = db.dataSource.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query('LOCK TABLE enrichment_steps IN ACCESS EXCLUSIVE MODE');
    // One try: a download cut at the stall timeout must fail the test, not be asked again.
    const download = fetch(`${stack.gatewayUrl}/v1/exports/${saved.body.id}`, {
      headers: { authorization: `Bearer ${slow.apiKey}` },
    }).then(async (answer) => ({ status: answer.status, text: await answer.text() }));
    download.catch(() => undefined);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3500));
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }
    const served = await download;
    expect(served.status).toBe(200);
    expect(served.text.trimEnd().split('\n')).toHaveLength(3);
  }, 60_000);
});

describe('CSV imports of spreadsheet exports (no worker: the jobs stay queued)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let stack: Stack;
  let db: TestDatabase;

  beforeAll(async () => {
    // Two rows a chunk: a file refused on its fifth line has had a chunk enqueued before.
    ctx = await setUp({ IMPORT_CHUNK_SIZE: '2' }, { worker: false });
    ({ stack, db } = ctx);
  });
  afterAll(() => tearDown(ctx));

  const counts = async (workspaceId: string): Promise<[number, number]> => [
    await db.dataSource.getRepository(ImportRecord).countBy({ workspaceId }),
    await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId }),
  ];
  const inputsOf = async (importId: string): Promise<Record<string, unknown>[]> =>
    (await db.dataSource.getRepository(EnrichmentRequest).find({ where: { importId } }))
      .map((request) => request.input)
      .sort((a, b) => String(a.first_name).localeCompare(String(b.first_name)));

  it('reads a file as spreadsheets write it — BOM, CRLF, LF and CR mixed, blank lines, quoted commas, quotes and line breaks — naming the lines of the file', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Spreadsheet Co');
    const file =
      '\uFEFFfirst_name,last_name,domain,Notes\r\n' +
      'Ada,Lovelace,ada.example.com,"met at a fair, 2026"\r\n' +
      'Bob,Smith,bob.example.com,"said ""call me""\r\non two lines"\r\n' +
      '\r\n' +
      'Cy,Young,not a domain,appended by another program\n' +
      'Di,Jones,di.example.com,classic Mac OS\r' +
      'Eve,Stone,eve.example.com,the last line';
    for (const ending of ['', '\r\n\r\n\n']) {
      const answer = await upload(stack, apiKey, 'type=person.email', `${file}${ending}`);
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 201,
        body: {
          status: 'completed',
          rows_total: 5,
          rows_accepted: 4,
          rows_rejected: 1,
          errors: [
            {
              line: 6,
              column: 'domain',
              message: expect.stringMatching(/"not a domain" is not a domain/) as string,
            },
          ],
        },
      });
      expect(await inputsOf(answer.body.id)).toEqual(
        ['Ada', 'Bob', 'Di', 'Eve'].map((first) => ({
          first_name: first,
          last_name: { Ada: 'Lovelace', Bob: 'Smith', Di: 'Jones', Eve: 'Stone' }[first],
          domain: 'example.com',
        })),
      );
    }
  });

  it('reads "First Name" as first_name, and refuses a header whose separator cannot be told with a 400 saying why', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'HubSpot Export Co');
    const named = await upload(
      stack,
      apiKey,
      'type=person.email',
      'First Name,Last Name,Domain,Lifecycle Stage\nAda,Lovelace,example.com,lead\n',
    );
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ rows_accepted: 1, rows_rejected: 0 });
    expect(await inputsOf(named.body.id)).toEqual([
      { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
    ]);

    // Semicolons and tabs, and no comma: either could separate the columns.
    const ambiguous = await upload(
      stack,
      apiKey,
      'type=person.email',
      'first_name;last_name\tdomain\r\nAda;Lovelace\texample.com\r\n',
    );
    expect({ status: ambiguous.status, message: ambiguous.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(
        /^The file's separator cannot be told: its header line holds no comma but both semicolons \(1\) and tabs \(1\)/,
      ) as string,
    });
    expect(await counts(workspaceId)).toEqual([1, 1]);
  });

  it('reads a semicolon-separated file as Excel in many European locales saves "CSV", naming the lines of the file', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Europäische Tabellen GmbH');
    const file =
      '\uFEFFVorname;Nachname;Domain;Notiz\r\n' +
      'Zoë;Müller;zoe.example.de;"Kunde seit 2019; Rabatt 5,5 %"\r\n' +
      'Jean;Dupont;"dupont.example.fr";"zwei\r\nZeilen"\r\n' +
      '\r\n' +
      'Hans;Schmidt;keine Domain;Komma, im Text\r\n' +
      'Ana;Costa;ana.example.pt;\r\n' +
      'Li;Wei;li.example.cn;ohne Zeilenende';
    const answer = await upload(
      stack,
      apiKey,
      `type=person.email&mapping=${encodeURIComponent(JSON.stringify({ Vorname: 'first_name', Nachname: 'last_name', Domain: 'domain' }))}`,
      file,
    );
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: 201,
      body: {
        status: 'completed',
        rows_total: 5,
        rows_accepted: 4,
        rows_rejected: 1,
        errors: [
          {
            line: 6,
            column: 'Domain',
            message: expect.stringMatching(/"keine Domain" is not a domain/) as string,
          },
        ],
      },
    });
    expect(await inputsOf(answer.body.id)).toEqual([
      { first_name: 'Ana', last_name: 'Costa', domain: 'example.pt' },
      { first_name: 'Jean', last_name: 'Dupont', domain: 'example.fr' },
      { first_name: 'Li', last_name: 'Wei', domain: 'example.cn' },
      { first_name: 'Zoë', last_name: 'Müller', domain: 'example.de' },
    ]);
    // A tab-separated file is read the same way, its columns named after the input fields.
    const tabs = await upload(
      stack,
      apiKey,
      'type=person.email',
      'first_name\tlast_name\tdomain\nAda\tLovelace\tada.example.com\nBob\tSmith\tnot a domain\n',
    );
    expect(tabs.status).toBe(201);
    expect(tabs.body).toMatchObject({ rows_accepted: 1, rows_rejected: 1, errors: [{ line: 3 }] });
    expect(await inputsOf(tabs.body.id)).toEqual([
      { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
    ]);
  });

  it('reads UTF-16 text with its byte order mark (Excel\'s "Unicode Text"), and still refuses a workbook renamed .csv with a 400 saying so', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Unicode Text Co');
    const text =
      'First Name\tLast Name\tDomain\r\nSøren\tKierkegaard\tsoren.example.dk\r\nFrançois\tMüller\tnot a domain\r\n王\t小明\twang.example.cn\r\n';
    const unicodeText = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const form = new FormData();
    form.append('type', 'person.email');
    form.append('file', new Blob([unicodeText], { type: 'text/plain' }), 'leads.txt');
    const response = await fetch(`${stack.gatewayUrl}/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: form,
    });
    expect({ status: response.status, body: (await response.json()) as ImportAnswer }).toMatchObject({
      status: 201,
      body: {
        status: 'completed',
        rows_total: 3,
        rows_accepted: 2,
        rows_rejected: 1,
        errors: [{ line: 3, column: 'Domain', message: expect.stringMatching(/"not a domain"/) as string }],
      },
    });
    const inputs = (await db.dataSource.getRepository(EnrichmentRequest).find({ where: { workspaceId } }))
      .map((request) => request.input)
      .sort((a, b) => String(a.domain).localeCompare(String(b.domain)));
    expect(inputs).toEqual([
      { first_name: '王', last_name: '小明', domain: 'example.cn' },
      { first_name: 'Søren', last_name: 'Kierkegaard', domain: 'example.dk' },
    ]);

    // An .xlsx workbook is a ZIP archive: its first bytes already hold NULs.
    const xlsx = await upload(
      stack,
      apiKey,
      'type=person.email',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]),
    );
    expect({ status: xlsx.status, message: xlsx.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(
        /^The file is not CSV text: it holds binary data \(a spreadsheet workbook such as \.xlsx/,
      ) as string,
    });
    expect(await counts(workspaceId)).toEqual([1, 2]);
  });

  it('refuses, row by row and naming the column, text that was UTF-8 read as Windows-1252 and saved again, and formulas: none of them is queued', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Round Trip Co');
    // A UTF-8 export without a BOM, opened in Excel on Windows (read as Windows-1252) and saved as
    // "CSV UTF-8": every letter beyond ASCII is two or three characters of Windows-1252.
    const original =
      'first_name,last_name,domain\n' +
      'Søren,Kierkegaard,soren.example.dk\n' +
      'Ada,Lovelace,ada.example.com\n' +
      'Conor,O’Brien,conor.example.ie\n' +
      '"=HYPERLINK(""https://x.example"",""Bob"")",Smith,bob.example.com\n' +
      'JOSÉ\u00A0MARÍA,GARCÍA,jose.example.es\n';
    // As Windows reads it: iconv-lite's Windows-1252 (Node's TextDecoder reads it as Latin-1), and
    // the bytes Windows-1252 leaves undefined (Í is 0xC3 0x8D) as the control characters Windows
    // reads them as.
    const roundTripped = iconv
      .decode(Buffer.from(original, 'utf8'), 'windows-1252')
      .replace('Ã\uFFFD', 'Ã\u008D');
    const answer = await upload(stack, apiKey, 'type=person.email', `\uFEFF${roundTripped}`);
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: 201,
      body: {
        status: 'completed',
        rows_total: 5,
        rows_accepted: 1,
        rows_rejected: 4,
        errors: [
          {
            line: 2,
            column: 'first_name',
            message: expect.stringMatching(
              /^input\.first_name "SÃ¸ren" is UTF-8 text that was read in another encoding and saved again \(it reads as "Søren"\)/,
            ) as string,
          },
          {
            line: 4,
            column: 'last_name',
            message: expect.stringMatching(
              /^input\.last_name "Oâ€™Brien" .*\(it reads as "O’Brien"\)/,
            ) as string,
          },
          {
            line: 5,
            column: 'first_name',
            message: expect.stringMatching(/is a spreadsheet formula, not a value/) as string,
          },
          {
            line: 6,
            column: 'first_name',
            message: expect.stringMatching(/it reads as "JOSÉ\u00A0MARÍA"/) as string,
          },
        ],
      },
    });
    // Only the row that was ASCII throughout is queued: nothing misread is looked up (or paid for).
    expect(
      (await db.dataSource.getRepository(EnrichmentRequest).find({ where: { workspaceId } })).map(
        (request) => request.input,
      ),
    ).toEqual([{ first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' }]);

    // The same names written right are read as they are.
    const right = await upload(
      stack,
      apiKey,
      'type=person.email',
      `\uFEFF${original.replace(/^"=HYPERLINK.*\n/m, '')}`,
    );
    expect(right.body).toMatchObject({ status: 'completed', rows_accepted: 4, rows_rejected: 0 });
  });

  it('refuses a file that is not UTF-8 with a 400 naming the line: in the header nothing is written; part-way the import fails and the jobs it queued are cancelled', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Windows Excel Co');
    // As Excel on Windows saves "CSV (Comma delimited)": Windows-1252, é is the byte 0xE9.
    const send = (text: string) =>
      fetch(`${stack.gatewayUrl}/v1/imports?type=person.email`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
        body: Buffer.from(text, 'latin1'),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as ImportAnswer,
      }));

    const header = await send('Pr\u00e9nom,last_name,domain\nAda,Lovelace,example.com\n');
    expect({ status: header.status, message: header.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(
        /not UTF-8 text: line 1 \(the header\) holds byte 0xE9.*"CSV UTF-8"/,
      ) as string,
    });
    expect(await counts(workspaceId)).toEqual([0, 0]);

    const rows = await send(
      'first_name,last_name,domain\nAda,Lovelace,example.com\nBob,Smith,example.com\nCy,Young,example.com\nR\u00e9my,Dupont,example.com\n',
    );
    expect(rows.status).toBe(400);
    expect(rows.body.message).toMatch(
      /not UTF-8 text: line 5 \(column 'first_name'\) holds byte 0xE9.*Nothing more of this import will run: the 2 unfinished job\(s\) it had queued were cancelled/,
    );
    expect(rows.body.import).toMatchObject({ status: 'failed', resumable: false });
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ workspaceId })).toBe(2);
    expect(await requests.countBy({ workspaceId, status: 'cancelled' })).toBe(2);
  });

  it('bounds a row by its bytes, however many cells they make: a line of a million commas is refused like an overlong cell', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Wide Rows Co');
    // Every cell empty or short, so no one cell is long: each was held, a Buffer a cell, until the
    // row ended (a 40 MB line of commas ran the gateway out of heap).
    const commas = ','.repeat(1_000_000);
    const header = await upload(stack, apiKey, 'type=person.email', `first_name,last_name,domain${commas}\n`);
    expect({ status: header.status, message: header.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^A row is longer than 65536 bytes \(line 1\)/) as string,
    });
    expect(await counts(workspaceId)).toEqual([0, 0]);

    const rows = await upload(
      stack,
      apiKey,
      'type=person.email',
      `first_name,last_name,domain\nAda,Lovelace,example.com\nBob,Smith,example.com\nCy,Young,example.com${commas}\n`,
    );
    expect(rows.status).toBe(400);
    expect(rows.body.message).toMatch(
      /A row is longer than 65536 bytes \(line 4\).*Nothing more of this import will run: the \d unfinished job\(s\) it had queued were cancelled/,
    );
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ workspaceId, status: Not('cancelled') })).toBe(0);
    // A row whose quoted cells hold line breaks is one row, however short its lines.
    const quoted = await upload(
      stack,
      apiKey,
      'type=person.email',
      `first_name,last_name,domain\nAda,Lovelace,example.com${',"\n"'.repeat(40_000)}\n`,
    );
    expect(quoted.status).toBe(400);
    expect(quoted.body.message).toMatch(/^A row is longer than 65536 bytes/);

    // A row just within the bound still imports.
    const wide = await upload(
      stack,
      apiKey,
      'type=person.email',
      `first_name,last_name,domain${','.repeat(30_000)}\nAda,Lovelace,example.com${','.repeat(30_000)}\n`,
    );
    expect({ status: wide.status, accepted: wide.body.rows_accepted }).toEqual({ status: 201, accepted: 1 });
  });

  it('takes the CSV only from a file part named file: another name, or a file part without a filename, is a 400 naming the part', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Form Co');
    const csv = 'first_name,last_name,domain\nAda,Lovelace,example.com\n';
    const post = async (body: FormData | string, contentType?: string) => {
      const response = await fetch(`${stack.gatewayUrl}/v1/imports`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body,
      });
      return { status: response.status, message: ((await response.json()) as ImportAnswer).message };
    };
    const form = (parts: [string, string | Blob, string?][]): FormData => {
      const body = new FormData();
      for (const [name, value, filename] of parts) {
        if (typeof value === 'string') {
          body.append(name, value);
        } else {
          body.append(name, value, filename);
        }
      }
      return body;
    };
    const csvFile = new Blob([csv], { type: 'text/csv' });

    expect(
      await post(
        form([
          ['type', 'person.email'],
          ['upload', csvFile, 'leads.csv'],
        ]),
      ),
    ).toEqual({
      status: 400,
      message: expect.stringMatching(
        /file part is named 'upload'; send the CSV as a file part named "file"/,
      ) as string,
    });
    // curl -F mapping=@mapping.json: a setting sent as a file is not taken for the CSV.
    const mappingFile = new Blob(['{"First":"first_name"}'], { type: 'application/json' });
    expect(
      await post(
        form([
          ['type', 'person.email'],
          ['mapping', mappingFile, 'mapping.json'],
          ['file', csvFile, 'leads.csv'],
        ]),
      ),
    ).toEqual({ status: 400, message: expect.stringMatching(/file part is named 'mapping'/) as string });
    // curl -F 'file=<leads.csv' sends the file without a filename: a text field to multipart.
    const boundary = 'sluice-test-boundary';
    const withoutFilename = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="type"',
      '',
      'person.email',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"',
      'Content-Type: text/csv',
      '',
      csv,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    expect(await post(withoutFilename, `multipart/form-data; boundary=${boundary}`)).toEqual({
      status: 400,
      message: expect.stringMatching(/"file" part has no filename.*-F file=@leads\.csv/) as string,
    });
    expect(await counts(workspaceId)).toEqual([0, 0]);
  });
});

describe('CSV imports sent compressed (Content-Encoding; no worker: the jobs stay queued)', () => {
  /** The file limit here: a bomb goes past it after a few kilobytes of its compressed body. */
  const LIMIT = 1024 * 1024;
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let stack: Stack;
  let db: TestDatabase;

  beforeAll(async () => {
    ctx = await setUp({ IMPORT_MAX_BYTES: String(LIMIT) }, { worker: false });
    ({ stack, db } = ctx);
  });
  afterAll(() => tearDown(ctx));

  const counts = async (workspaceId: string): Promise<[number, number]> => [
    await db.dataSource.getRepository(ImportRecord).countBy({ workspaceId }),
    await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId }),
  ];
  const jobsOf = async (importId: string): Promise<unknown[]> =>
    (await db.dataSource.getRepository(EnrichmentRequest).find({ where: { importId } }))
      .map((request) => [request.type, request.priority, request.input])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const csv = [
    'First Name,Last Name,Domain',
    'Ada,Lovelace,example.com',
    'Bob,Smith,not a domain',
    'Cy,Young,acme.org',
    '',
  ].join('\n');

  it('decodes a gzip, deflate or br body, raw or a form, as it arrives: the same import and jobs as the file sent plain', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Compressed Co');
    const plain = await upload(stack, apiKey, 'type=person.email', csv);
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ rows_total: 3, rows_accepted: 2, rows_rejected: 1 });
    const expected = await jobsOf(plain.body.id);
    expect(expected).toHaveLength(2);
    const same = async (what: string, answer: { status: number; body: ImportAnswer }): Promise<void> => {
      expect({ what, status: answer.status, message: answer.body.message }).toEqual({
        what,
        status: 201,
        message: undefined,
      });
      const {
        id: _id,
        created_at: _created,
        completed_at: _completed,
        ...rest
      } = answer.body as ImportAnswer & Record<string, unknown>;
      const {
        id: _plainId,
        created_at: _plainCreated,
        completed_at: _plainCompleted,
        ...plainRest
      } = plain.body as ImportAnswer & Record<string, unknown>;
      expect({ what, answer: rest }).toEqual({ what, answer: plainRest });
      expect({ what, jobs: await jobsOf(answer.body.id) }).toEqual({ what, jobs: expected });
    };
    const body = Buffer.from(csv);
    await same(
      'gzip',
      await upload(stack, apiKey, 'type=person.email', gzipSync(body), { 'content-encoding': 'gzip' }),
    );
    await same(
      'deflate',
      await upload(stack, apiKey, 'type=person.email', deflateSync(body), { 'content-encoding': 'deflate' }),
    );
    await same(
      'br, in upper case',
      await upload(stack, apiKey, 'type=person.email', brotliCompressSync(body), {
        'content-encoding': 'BR',
      }),
    );
    // A form compressed whole, as a client compressing every body sends it.
    const form = new FormData();
    form.append('type', 'person.email');
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'leads.csv');
    const encoded = new Response(form);
    const formType = encoded.headers.get('content-type') ?? '';
    const formBody = gzipSync(Buffer.from(await encoded.arrayBuffer()));
    await same(
      'a gzip form',
      await upload(stack, apiKey, '', formBody, { 'content-type': formType, 'content-encoding': 'gzip' }),
    );
  });

  it('refuses a body that does not decode as its Content-Encoding says with a 400 naming it, an encoding it does not read and a body it does not take with a 415, writing nothing', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Mislabelled Co');
    const refusal = async (
      body: string | Buffer,
      headers: Record<string, string>,
    ): Promise<{ status: number; message: string | undefined }> => {
      const answer = await upload(stack, apiKey, 'type=person.email', body, headers);
      return { status: answer.status, message: answer.body.message };
    };
    // The file itself, labelled gzip: it was once read as the CSV it is, and imported.
    expect(await refusal(csv, { 'content-encoding': 'gzip' })).toEqual({
      status: 400,
      message: expect.stringMatching(/could not be decoded as its Content-Encoding \(gzip\) says/) as string,
    });
    // Brotli data labelled gzip.
    expect(await refusal(brotliCompressSync(Buffer.from(csv)), { 'content-encoding': 'gzip' })).toEqual({
      status: 400,
      message: expect.stringMatching(/Content-Encoding \(gzip\)/) as string,
    });
    expect(await refusal(gzipSync(Buffer.from(csv)), { 'content-encoding': 'deflate' })).toEqual({
      status: 400,
      message: expect.stringMatching(/Content-Encoding \(deflate\)/) as string,
    });
    expect(await refusal(gzipSync(Buffer.from(csv)), { 'content-encoding': 'compress' })).toEqual({
      status: 415,
      message: expect.stringMatching(
        /Content-Encoding is compress, which POST \/v1\/imports does not decode/,
      ) as string,
    });
    expect(await refusal(gzipSync(Buffer.from(csv)), { 'content-encoding': 'gzip, br' })).toEqual({
      status: 415,
      message: expect.stringMatching(/Content-Encoding is gzip, br/) as string,
    });
    // A JSON body, plain or compressed, is a 415 as on every route that does not take it; so is
    // one that is not even valid JSON (it is not read as JSON first: no 400 for its syntax).
    expect(await refusal('{"rows": [', { 'content-type': 'application/json' })).toEqual({
      status: 415,
      message: expect.stringMatching(/the request is application\/json/) as string,
    });
    for (const encoding of [null, 'gzip']) {
      const json = Buffer.from(JSON.stringify({ rows: [{ first_name: 'Ada' }] }));
      expect(
        await refusal(encoding ? gzipSync(json) : json, {
          'content-type': 'application/json',
          ...(encoding ? { 'content-encoding': encoding } : {}),
        }),
      ).toEqual({
        status: 415,
        message: expect.stringMatching(/or a text\/csv body; the request is application\/json/) as string,
      });
    }
    expect(await counts(workspaceId)).toEqual([0, 0]);

    // Cut short after its rows: they were read, so the import fails (and its jobs are cancelled).
    const whole = gzipSync(Buffer.from(csv));
    const truncated = await upload(stack, apiKey, 'type=person.email', whole.subarray(0, whole.length - 8), {
      'content-encoding': 'gzip',
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.message).toMatch(/Content-Encoding \(gzip\)/);
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ workspaceId, status: Not('cancelled') })).toBe(0);
  });

  it('refuses a small body that decodes to more than IMPORT_MAX_BYTES with a 413 while it is still arriving, never reading it whole', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Bomb Co');
    // A header, then gzip members of a mebibyte of blank lines each (rows that are skipped; about
    // a kilobyte compressed): gzip allows members one after another, so the body goes on for as
    // long as the client likes. It never ends here (no last chunk is sent): an answer can only
    // come while the body is still arriving, from a gateway that counts what it has decoded so far.
    const head = gzipSync('first_name,last_name,domain\n');
    const member = gzipSync(Buffer.alloc(1024 * 1024, '\n'));
    const { hostname, port } = new URL(stack.gatewayUrl);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (data: Buffer) => {
      answer += data.toString();
    });
    const closed = once(socket, 'close');
    let sent = 0;
    const sendChunk = (bytes: Buffer): void => {
      socket.write(`${bytes.length.toString(16)}\r\n`);
      socket.write(bytes);
      socket.write('\r\n');
      sent += bytes.length;
    };
    socket.write(
      [
        'POST /v1/imports?type=person.email HTTP/1.1',
        `Host: ${hostname}:${port}`,
        `Authorization: Bearer ${apiKey}`,
        'Content-Type: text/csv',
        'Content-Encoding: gzip',
        'Transfer-Encoding: chunked',
        '',
        '',
      ].join('\r\n'),
    );
    sendChunk(head);
    // Members while no answer has come, and only as long as what is sent stays under the limit
    // itself (about a thousand members, a gibibyte decoded): a limit counted on the compressed
    // bytes would never be reached.
    while (!answer.includes('\r\n\r\n') && !socket.destroyed && sent + member.length < LIMIT) {
      sendChunk(member);
      await delay(5);
    }
    await eventually(() => /"message":"[^"]*"/.test(answer) || socket.destroyed, {
      what: 'the answer to the compressed upload, while its body is still arriving',
    });
    socket.destroy();
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(
      /The file is larger than the import limit of 1048576 bytes \(once decoded from its Content-Encoding, gzip\)/,
    );
    expect(sent).toBeLessThan(LIMIT);
    // The header had been read: the import was written, and failed when the limit was passed.
    expect(await counts(workspaceId)).toEqual([1, 0]);
    const failed = await db.dataSource.getRepository(ImportRecord).findOneByOrFail({ workspaceId });
    expect(failed.status).toBe('failed');
  });
});
