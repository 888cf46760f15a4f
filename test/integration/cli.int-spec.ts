import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrichmentRequest, ImportRecord } from '@sluice/db';
import { parse } from 'csv-parse/sync';
import { importKeyOf } from '../../tools/cli/import';
import { call, createWorkspace } from '../support/api';
import { answerKey, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

const CLI = join(__dirname, '..', '..', 'dist', 'tools', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The compiled `sluice` command as its own process, as a user runs it. */
async function sluice(args: string[], env: Record<string, string>): Promise<Run> {
  if (!existsSync(CLI)) {
    throw new Error('dist/tools/cli/main.js is missing: run `npm run build` first (npm test does).');
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}

/** A CSV of people by first name, last name and domain under `header`, then `extra` lines. */
async function writeLeads(
  path: string,
  header: string,
  people: WorldPerson[],
  ...extra: string[]
): Promise<void> {
  const rows = people.map((p) => `${p.first_name},"${p.last_name}",${p.domain}`);
  await writeFile(path, [header, ...rows, ...extra].join('\n') + '\n');
}

/** Each row of a JSON Lines export as [status, business e-mail], sorted. */
function statusesAndEmails(jsonl: string): (string | undefined)[][] {
  return jsonl
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { status: string; data: { business_email?: string } })
    .map((row) => [row.status, row.data.business_email])
    .sort();
}

describe('the sluice CLI against a running stack', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let people: WorldPerson[];
  let dir: string;

  beforeAll(async () => {
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } }),
      IMPORT_CHUNK_SIZE: '10',
    });
    people = (await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people')).filter(
      (person) => person.emails.rocketreach === person.email,
    );
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await tearDown(ctx);
  });

  it('imports a CSV once (a re-run is replayed, no duplicate jobs) and exports its results to a file', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'CLI Co');
    const chosen = people.slice(0, 3);
    expect(chosen).toHaveLength(3);
    const csvPath = join(dir, 'leads.csv');
    await writeLeads(csvPath, 'First,Last,Work Domain', chosen, 'Nobody,Known,');
    const mapping = JSON.stringify({ First: 'first_name', Last: 'last_name', 'Work Domain': 'domain' });
    const env = { SLUICE_API_URL: stack.gatewayUrl, SLUICE_API_KEY: apiKey };

    const first = await sluice(['import', csvPath, '--type', 'person.email', '--mapping', mapping], env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/uploading: 100%/);
    expect(first.stderr).toMatch(/import [0-9a-f-]{36}: completed\n/);
    expect(first.stderr).toMatch(/rows: 4 read, 3 accepted, 1 rejected/);
    expect(first.stderr).toMatch(/line 5: .*needs input\.linkedin_url, or a name/);
    expect(first.stderr).not.toContain(apiKey);
    const importId = /import ([0-9a-f-]{36}): completed/.exec(first.stderr)?.[1] ?? '';
    const requests = db.dataSource.getRepository(EnrichmentRequest);
    expect(await requests.countBy({ workspaceId })).toBe(3);

    // Run again, as after an interruption: the gateway replays the finished import.
    const again = await sluice(['import', csvPath, '--type', 'person.email', '--mapping', mapping], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`import ${importId}: completed (already imported earlier`);
    expect(await requests.countBy({ workspaceId })).toBe(3);
    expect(await db.dataSource.getRepository(ImportRecord).countBy({ workspaceId })).toBe(1);

    await eventually(
      async () => {
        const page = await call<{ data: { status: string }[] }>(
          stack.gatewayUrl,
          'GET',
          `/v1/jobs?import_id=${importId}`,
          { token: apiKey },
        );
        return page.body.data.length === 3 && page.body.data.every((job) => job.status === 'completed');
      },
      { timeoutMs: 60_000, what: 'the imported jobs to complete' },
    );

    const out = join(dir, 'out.csv');
    const exported = await sluice(['export', '--format', 'csv', '--import', importId, '-o', out], env);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(
      new RegExp(`export [0-9a-f-]{36}: written to ${out.replace(/[.]/g, '\\.')}`),
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
    const table = parse<Record<string, string>>(await readFile(out, 'utf8'), { columns: true });
    expect(table).toHaveLength(3);
    for (const person of chosen) {
      const row = table.find((r) => r.input_first_name === person.first_name);
      expect(row).toMatchObject({ status: 'completed', business_email: person.email });
      expect(row?.attribution).toMatch(/RocketReach/);
    }

    const lines = await sluice(['export', '--format', 'jsonl', '--import', importId], env);
    expect(lines.code).toBe(0);
    const objects = lines.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; input: { first_name: string } });
    expect(objects.map((o) => o.input.first_name).sort()).toEqual(chosen.map((p) => p.first_name).sort());
  });

  it('waits with --wait until the jobs of an import have finished, and notes in an export without it the jobs still running', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'CLI Wait Co');
    const chosen = people.slice(3, 5);
    expect(chosen).toHaveLength(2);
    const csvPath = join(dir, 'wait.csv');
    await writeLeads(csvPath, 'first_name,last_name,domain', chosen);
    const env = { SLUICE_API_URL: stack.gatewayUrl, SLUICE_API_KEY: apiKey };
    // RocketReach answers slowly: its search and lookup take 3 s a job, so the jobs are still under
    // way when the import and the first export below return.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 1500 });
    let importId = '';
    try {
      const imported = await sluice(['import', csvPath, '--type', 'person.email'], env);
      expect(imported.code).toBe(0);
      expect(imported.stderr).toMatch(/jobs: 0 of 2 finished \((queued|running) \d/);
      importId = /import ([0-9a-f-]{36}): completed/.exec(imported.stderr)?.[1] ?? '';

      const early = await sluice(['export', '--format', 'jsonl', '--import', importId], env);
      expect(early.code).toBe(0);
      expect(early.stderr).toContain(
        'note: 2 of 2 jobs had not finished: their rows have no results yet; export with --wait to wait for them.',
      );

      // With --wait, the export follows the jobs until they have all finished, then exports them.
      const waited = await sluice(['export', '--format', 'jsonl', '--import', importId, '--wait'], env);
      expect(waited.code).toBe(0);
      expect(waited.stderr).toMatch(/jobs finished: 100% \(2 of 2\)\n/);
      expect(waited.stderr).toContain('jobs: 2 of 2 finished (completed 2), 2 credits spent\n');
      expect(waited.stderr).not.toContain('note:');
      expect(statusesAndEmails(waited.stdout)).toEqual(chosen.map((p) => ['completed', p.email]).sort());
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 0 });
    }

    // The import again with --wait: found done, its jobs reported as they stand.
    const again = await sluice(['import', csvPath, '--type', 'person.email', '--wait'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`import ${importId}: completed (already imported earlier`);
    expect(again.stderr).toMatch(/jobs: 2 of 2 finished \(completed 2\), 2 credits spent\n$/);
  });

  it("waits for a batch's jobs with export --batch --wait, then exports them", async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'CLI Batch Co');
    const chosen = people.slice(5, 7);
    expect(chosen).toHaveLength(2);
    const env = { SLUICE_API_URL: stack.gatewayUrl, SLUICE_API_KEY: apiKey };
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 1000 });
    try {
      const created = await call<{ batch: { id: string } }>(stack.gatewayUrl, 'POST', '/v1/batches', {
        token: apiKey,
        body: {
          records: chosen.map((p) => ({
            first_name: p.first_name,
            last_name: p.last_name,
            domain: p.domain,
          })),
          enrich: ['business_email'],
        },
      });
      expect(created.status).toBe(201);
      const exported = await sluice(
        ['export', '--format', 'jsonl', '--batch', created.body.batch.id, '--wait'],
        env,
      );
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(/jobs: 2 of 2 finished \(completed 2\), 2 credits spent\n/);
      expect(statusesAndEmails(exported.stdout)).toEqual(chosen.map((p) => ['completed', p.email]).sort());
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'rocketreach', { latency_ms: 0 });
    }
  });

  it('resumes an import whose upload was cut off: the rows are enqueued once in total', async () => {
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'CLI Resume Co');
    const numbers = Array.from({ length: 25 }, (_, i) => `5${String(i).padStart(7, '0')}`);
    const lines = ['company_number', ...numbers];
    const csvPath = join(dir, 'companies.csv');
    await writeFile(csvPath, `${lines.join('\n')}\n`);
    // The CLI labels its import with this; an earlier run's upload is cut off after 15 rows.
    const reference = await importKeyOf(csvPath, 'company.profile', undefined);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${lines.slice(0, 16).join('\n')}\n`));
      },
    });
    const abort = new AbortController();
    const pending = fetch(`${stack.gatewayUrl}/v1/imports?type=company.profile&reference=${reference}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
      body,
      duplex: 'half',
      signal: abort.signal,
    }).catch((error: unknown) => error);
    const imports = db.dataSource.getRepository(ImportRecord);
    let cut: ImportRecord;
    try {
      cut = await eventually(
        async () => {
          const found = await imports.findOneBy({ workspaceId });
          return found && found.rowsAccepted === 10 ? found : undefined;
        },
        { what: 'the first chunk to be enqueued' },
      );
    } finally {
      abort.abort();
    }
    await pending;
    await eventually(async () => (await imports.findOneBy({ id: cut.id }))?.status === 'failed', {
      what: 'the cut-off import to be marked failed',
    });

    const env = { SLUICE_API_URL: stack.gatewayUrl, SLUICE_API_KEY: apiKey };
    const resumed = await sluice(['import', csvPath, '--type', 'company.profile'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming import ${cut.id} after row 10`);
    expect(resumed.stderr).toMatch(/uploading: 100%/);
    expect(resumed.stderr).toContain(`resumed import ${cut.id}: its first 10 data row(s)`);
    expect(resumed.stderr).toMatch(/rows: 15 read, 15 accepted, 0 rejected/);
    const perNumber = async () =>
      db.dataSource.query<{ number: string; jobs: number }[]>(
        `SELECT input->>'company_number' AS number, count(*)::int AS jobs
           FROM enrichment_requests WHERE workspace_id = $1 GROUP BY 1 ORDER BY 1`,
        [workspaceId],
      );
    expect(await perNumber()).toEqual(numbers.map((number) => ({ number, jobs: 1 })));

    // Once more: the completed resume is reported, nothing is imported again.
    const again = await sluice(['import', csvPath, '--type', 'company.profile'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/import [0-9a-f-]{36}: completed \(already imported earlier/);
    expect(await perNumber()).toEqual(numbers.map((number) => ({ number, jobs: 1 })));
    expect(await imports.countBy({ workspaceId })).toBe(2);
  });

  it('refuses bad command lines and bad keys with a message, never echoing the key', async () => {
    const { stack } = ctx;
    const noKey = await sluice(['import', 'x.csv', '--type', 'person.email'], {
      SLUICE_API_URL: stack.gatewayUrl,
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('No API key: pass --key or set SLUICE_API_KEY.');

    const badFormat = await sluice(['export', '--format', 'xml', '--key', 'k'], {});
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format is required: csv or jsonl.');

    const secret = 'slk_not_a_real_key_0123456789';
    const refused = await sluice(
      ['export', '--format', 'csv', '--api', stack.gatewayUrl, '--key', secret],
      {},
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/export refused \(401\)/);
    expect(refused.stderr).not.toContain(secret);
  });
});
