import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandName, DEFAULT_API_URL, parseCommand, usage, UsageError } from './args';
import { type ImportSummary, importKeyOf, planImport, printSummary } from './import';
import { describeJobs } from './wait';
import { renderBar } from './progress';

describe('sluice command line', () => {
  it('reads import settings, the key from --key or SLUICE_API_KEY and the URL with its default', () => {
    expect(parseCommand(['import', 'a.csv', '--type', 'person.email'], { SLUICE_API_KEY: 'k1' })).toEqual({
      command: 'import',
      file: 'a.csv',
      type: 'person.email',
      mapping: undefined,
      wait: false,
      api: DEFAULT_API_URL,
      key: 'k1',
    });
    expect(parseCommand(['import', 'a.csv', '--type', 't', '--wait'], { SLUICE_API_KEY: 'k' })).toMatchObject(
      {
        wait: true,
      },
    );
    expect(
      parseCommand(['import', 'a.csv', '--type', 't', '--key', 'k2', '--api', 'https://s.example.com'], {
        SLUICE_API_KEY: 'k1',
        SLUICE_API_URL: 'http://other',
      }),
    ).toMatchObject({ key: 'k2', api: 'https://s.example.com' });
    expect(
      parseCommand(['export', '--format', 'jsonl', '--batch', 'b', '-o', 'out.jsonl'], {
        SLUICE_API_KEY: 'k',
        SLUICE_API_URL: 'http://h:1',
      }),
    ).toEqual({
      command: 'export',
      format: 'jsonl',
      importId: undefined,
      batchId: 'b',
      output: 'out.jsonl',
      wait: false,
      api: 'http://h:1',
      key: 'k',
    });
    expect(
      parseCommand(['export', '--format', 'csv', '--import', 'i', '--wait'], { SLUICE_API_KEY: 'k' }),
    ).toMatchObject({ importId: 'i', wait: true });
    expect(parseCommand([], {})).toEqual({ command: 'help' });
  });

  it.each([
    [['import', 'a.csv'], /--type is required/],
    [['import', '--type', 't'], /exactly one CSV file/],
    [['import', 'a.csv', '--type', 't', '--mapping', '{bad'], /--mapping must be JSON/],
    [['import', 'a.csv', '--type', 't', '--mapping', '[1]'], /JSON object/],
    [['export', '--format', 'xml'], /--format is required: csv or jsonl/],
    [['export', '--format', 'csv', '--import', 'a', '--batch', 'b'], /not both/],
    [['export', '--format', 'csv', '--wait'], /--wait waits for the jobs of an import or a batch/],
    [['export', '--format', 'csv', '--api', 'ftp://x'], /--api must be an http/],
    [['export', '--format', 'csv', '--bogus'], /Unknown option/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCommand(argv, { SLUICE_API_KEY: 'k' })).toThrow(UsageError);
    expect(() => parseCommand(argv, { SLUICE_API_KEY: 'k' })).toThrow(message);
  });

  it('asks for a key without one and never names the key in a message', () => {
    expect(() => parseCommand(['export', '--format', 'csv'], {})).toThrow('No API key');
    try {
      parseCommand(['export', '--format', 'nope', '--key', 'slk_secret'], {});
    } catch (error) {
      expect(String(error)).not.toContain('slk_secret');
    }
  });

  it('names itself as the user runs it, in the usage and in the export line it suggests', () => {
    expect(commandName('/usr/local/bin/sluice', '/home/me')).toBe('sluice');
    expect(commandName('/srv/app/node_modules/.bin/sluice', '/srv/app')).toBe('sluice');
    expect(commandName(undefined, '/srv/app')).toBe('sluice');
    expect(commandName('/srv/sluice/dist/tools/cli/main.js', '/srv/sluice')).toBe(
      'node dist/tools/cli/main.js',
    );
    expect(commandName('/srv/sluice/dist/tools/cli/main.js', '/home/me')).toBe(
      'node /srv/sluice/dist/tools/cli/main.js',
    );
    expect(usage('node dist/tools/cli/main.js')).toContain(
      '  node dist/tools/cli/main.js export --format csv|jsonl',
    );
    expect(usage()).toContain('  sluice import <file.csv>');
    const lines: string[] = [];
    const summary: ImportSummary = {
      id: 'imp_1',
      status: 'completed',
      rows_total: 1,
      rows_accepted: 1,
      rows_rejected: 0,
      errors: [],
      errors_truncated: false,
      error: null,
    };
    printSummary(summary, false, (line) => lines.push(line), 'node dist/tools/cli/main.js');
    expect(lines).toContain(
      'export its results: node dist/tools/cli/main.js export --format csv --import imp_1',
    );
  });

  it('derives one Idempotency-Key per file content and settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-spec-'));
    try {
      const a = join(dir, 'a.csv');
      const b = join(dir, 'b.csv');
      await writeFile(a, 'email\nada@example.com\n');
      await writeFile(b, 'email\nada@example.com\n');
      const key = await importKeyOf(a, 'person.email', undefined);
      expect(key).toMatch(/^cli-import-[0-9a-f]{64}$/);
      expect(await importKeyOf(b, 'person.email', undefined)).toBe(key);
      expect(await importKeyOf(a, 'person.email', '{ "email" : "email" }')).toBe(
        await importKeyOf(a, 'person.email', '{"email":"email"}'),
      );
      expect(await importKeyOf(a, 'person.email', '{"email":"email"}')).not.toBe(key);
      expect(await importKeyOf(a, 'person.phone', undefined)).not.toBe(key);
      await writeFile(b, 'email\nbob@example.com\n');
      expect(await importKeyOf(b, 'person.email', undefined)).not.toBe(key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('draws the progress bar, of bytes or of jobs', () => {
    expect(renderBar(0.5, 'uploading', 512, 1024, 10)).toBe('uploading [#####-----]  50% 512 B/1.0 KiB');
    expect(renderBar(2, 'x', 10, 5, 4)).toBe('x [####] 100% 10 B/5 B');
    expect(renderBar(0.25, 'jobs finished', 1, 4, 4, String)).toBe('jobs finished [#---]  25% 1/4');
  });

  it("describes an import's jobs: finished first, then those still open, and the credits", () => {
    expect(
      describeJobs(
        { total: 61, by_status: { running: 50, completed: 2, queued: 8, failed: 1 }, finished: 3 },
        2,
      ),
    ).toBe('3 of 61 finished (completed 2, failed 1; running 50, queued 8), 2 credits spent');
    expect(describeJobs({ total: 1, by_status: { completed: 1 }, finished: 1 }, 1)).toBe(
      '1 of 1 finished (completed 1), 1 credit spent',
    );
    expect(describeJobs({ total: 2, by_status: { queued: 2 }, finished: 0 }, undefined)).toBe(
      '0 of 2 finished (queued 2)',
    );
    expect(describeJobs({ total: 0, by_status: {}, finished: 0 }, 0)).toBe(
      '0 of 0 finished, 0 credits spent',
    );
  });

  it('reports a completed import, waits for a running one, resumes a resumable failed one, else imports afresh', () => {
    const summary = (overrides: Partial<ImportSummary>): ImportSummary => ({
      id: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
      status: 'failed',
      rows_total: 25,
      rows_accepted: 20,
      rows_rejected: 0,
      errors: [],
      errors_truncated: false,
      error: 'The upload broke off.',
      rows_committed: 20,
      resumable: true,
      ...overrides,
    });
    const completed = summary({ status: 'completed', error: null, resumable: false });
    expect(planImport(completed)).toEqual({ action: 'report', summary: completed });
    expect(planImport(summary({ status: 'running', error: null, resumable: false }))).toEqual({
      action: 'wait',
      id: completed.id,
    });
    expect(planImport(summary({}))).toEqual({ action: 'resume', id: completed.id, after: 20 });
    expect(planImport(summary({ resumable: false }))).toEqual({ action: 'fresh' });
    expect(planImport(null)).toEqual({ action: 'fresh' });
    expect(planImport(undefined)).toEqual({ action: 'fresh' });
  });
});
