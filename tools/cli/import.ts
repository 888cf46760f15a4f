import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSluiceClient } from '@sluice/client';
import { messageOf } from './gateway-error';
import { ProgressBar } from './progress';
import { describeJobs, type JobProgress, waitForJobs } from './wait';

export interface ImportSummary {
  id: string;
  status: string;
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  errors: { line: number; column?: string; message: string }[];
  errors_truncated: boolean;
  error: string | null;
  /** Older gateways leave these out. */
  rows_skipped?: number;
  rows_committed?: number;
  resumable?: boolean;
  resumed_from?: string | null;
  progress?: JobProgress;
  credits_spent?: number;
}

export interface ImportOptions {
  file: string;
  type: string;
  mapping: string | undefined;
  api: string;
  key: string;
  /** Once imported, wait until every job of the import has finished, showing their progress. */
  wait?: boolean;
  /** How long to wait for a previous run of the same import that the server is still processing. */
  pendingWaitMs?: number;
  /** How often `wait` asks for the import's progress. */
  pollMs?: number;
  log?: (line: string) => void;
  /** How the user runs this command (`commandName`), for the line naming the export to run next. */
  commandName?: string;
}

/**
 * The Idempotency-Key of an import: a hash of the file's bytes and the settings, so the same file
 * with the same settings is the same import on every run. The gateway keeps a finished import's
 * answer under this key (IDEMPOTENCY_TTL_S) and replays it instead of importing again.
 */
export async function importKeyOf(file: string, type: string, mapping: string | undefined): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    `sluice-cli import v1\ntype=${type}\nmapping=${mapping === undefined ? '' : JSON.stringify(JSON.parse(mapping))}\n`,
  );
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }
  return `cli-import-${hash.digest('hex')}`;
}

/**
 * The latest import labelled `reference` in the workspace, null when there is none, or undefined
 * when the gateway would not say (a key without `jobs:read`, an older gateway): then the upload's
 * Idempotency-Key alone keeps a finished import from running twice.
 */
async function latestImport(
  options: ImportOptions,
  reference: string,
): Promise<ImportSummary | null | undefined> {
  const query = new URLSearchParams({ reference, limit: '1' });
  const response = await fetch(`${options.api.replace(/\/+$/, '')}/v1/imports?${query.toString()}`, {
    headers: { authorization: `Bearer ${options.key}` },
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  const page = (await response.json()) as { data?: ImportSummary[] };
  return page.data?.[0] ?? null;
}

/**
 * Uploads the CSV as a `text/csv` stream (never whole in memory), the settings as query parameters,
 * labelled `reference`; with `resume`, the gateway skips the rows that failed import committed.
 */
async function upload(
  options: ImportOptions,
  key: string,
  size: number,
  reference: string,
  resume: string | null,
): Promise<{ status: number; replayed: boolean; body: Record<string, unknown> }> {
  const bar = new ProgressBar(size, 'uploading');
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      bar.update(sent);
      callback(null, chunk);
    },
  });
  const source = createReadStream(options.file).pipe(counter);
  const query = new URLSearchParams({ type: options.type });
  if (options.mapping !== undefined) {
    query.set('mapping', options.mapping);
  }
  query.set('reference', reference);
  if (resume !== null) {
    query.set('resume', resume);
  }
  const response = await fetch(`${options.api.replace(/\/+$/, '')}/v1/imports?${query.toString()}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.key}`,
      'content-type': 'text/csv',
      'idempotency-key': key,
    },
    body: Readable.toWeb(source) as ReadableStream<Uint8Array>,
    // Node's fetch streams a ReadableStream body only in half-duplex mode.
    duplex: 'half',
  });
  bar.finish(sent);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { message: text.slice(0, 500) };
  }
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body };
}

/** Prints the import's counts and its first rejected rows; returns the process exit code. */
export function printSummary(
  summary: ImportSummary,
  replayed: boolean,
  log: (line: string) => void,
  commandName = 'sluice',
): number {
  log(
    `import ${summary.id}: ${summary.status}${replayed ? ' (already imported earlier: nothing imported again)' : ''}`,
  );
  if (summary.resumed_from) {
    log(
      `resumed import ${summary.resumed_from}: its first ${summary.rows_skipped ?? 0} data row(s), already handled by it, were skipped`,
    );
  }
  log(
    `rows: ${summary.rows_total} read, ${summary.rows_accepted} accepted, ${summary.rows_rejected} rejected`,
  );
  for (const error of summary.errors.slice(0, 10)) {
    log(`  line ${error.line}${error.column ? ` (${error.column})` : ''}: ${error.message}`);
  }
  if (summary.errors.length > 10 || summary.errors_truncated) {
    log(`  … more rejected rows: see GET /v1/imports/${summary.id}`);
  }
  if (summary.error) {
    log(`error: ${summary.error}`);
  }
  if (summary.progress) {
    log(`jobs: ${describeJobs(summary.progress, summary.credits_spent)}`);
  }
  log(`export its results: ${commandName} export --format csv --import ${summary.id}`);
  return summary.status === 'completed' ? 0 : 1;
}

/** What to do given the latest import labelled with this file's reference. */
export type ImportPlan =
  | { action: 'report'; summary: ImportSummary }
  | { action: 'wait'; id: string }
  | { action: 'resume'; id: string; after: number }
  | { action: 'fresh' };

export function planImport(latest: ImportSummary | null | undefined): ImportPlan {
  if (latest?.status === 'completed') {
    return { action: 'report', summary: latest };
  }
  if (latest?.status === 'running') {
    return { action: 'wait', id: latest.id };
  }
  if (latest?.status === 'failed' && latest.resumable === true) {
    return { action: 'resume', id: latest.id, after: latest.rows_committed ?? 0 };
  }
  // None, none visible, or one refused for its content (or resumed already): a new import.
  return { action: 'fresh' };
}

/**
 * `sluice import`: imports the file once per (file, settings), labelling the import with the hash
 * of both (`reference`). Before uploading it looks that label up: a completed import is reported
 * (nothing imported again), a running one is waited for, and a failed one that can be resumed —
 * its upload was cut off or its gateway died — is resumed: the file is sent again and the gateway
 * skips the rows that import already handled. Otherwise the file is imported afresh; its
 * Idempotency-Key still replays a finished import when the lookup is not allowed. With `wait`, it
 * then waits for the import's jobs to finish (see `waitForJobs`). Returns the exit code.
 */
export async function runImport(options: ImportOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { code, id } = await importFile(options, log);
  if (!options.wait || code !== 0 || id === undefined) {
    return code;
  }
  const client = createSluiceClient({ baseUrl: options.api, apiKey: options.key });
  return waitForJobs(client, { import: id }, log, options.pollMs);
}

/** Imports the file (or finds it imported) and prints its summary: the exit code, and the import. */
async function importFile(
  options: ImportOptions,
  log: (line: string) => void,
): Promise<{ code: number; id?: string }> {
  const reported = (summary: ImportSummary, replayed: boolean) => ({
    code: printSummary(summary, replayed, log, options.commandName),
    id: summary.id,
  });
  const size = (await stat(options.file)).size;
  const key = await importKeyOf(options.file, options.type, options.mapping);
  const deadline = Date.now() + (options.pendingWaitMs ?? 10 * 60_000);
  const wait = async (what: string): Promise<boolean> => {
    if (Date.now() >= deadline) {
      log(`${what} is still being processed; run the command again later.`);
      return false;
    }
    log(`${what} is still being processed; waiting for it…`);
    await sleep(2000);
    return true;
  };
  for (;;) {
    const plan = planImport(await latestImport(options, key));
    if (plan.action === 'report') {
      return reported(plan.summary, true);
    }
    if (plan.action === 'wait') {
      if (await wait(`an earlier run of this import (${plan.id})`)) {
        continue;
      }
      return { code: 1 };
    }
    const resume = plan.action === 'resume' ? plan.id : null;
    if (plan.action === 'resume') {
      log(`resuming import ${plan.id} after row ${plan.after} (the rows it already handled)`);
    }
    // A resume is another request than the first upload: it gets its own Idempotency-Key.
    const answer = await upload(options, resume ? `${key}-resume-${resume}` : key, size, key, resume);
    if (answer.status === 201 || answer.status === 200) {
      const summary = answer.body as unknown as ImportSummary;
      // A replayed answer is the first upload's, progress then included: not the jobs' now.
      return reported(answer.replayed ? { ...summary, progress: undefined } : summary, answer.replayed);
    }
    if (answer.status === 409 && /still being processed/.test(messageOf(answer.body))) {
      if (await wait('an earlier run of this import')) {
        continue;
      }
      return { code: 1 };
    }
    const failed = answer.body.import as ImportSummary | undefined;
    log(`import refused (${answer.status}): ${messageOf(answer.body)}`);
    if (failed) {
      printSummary(failed, false, log, options.commandName);
    }
    return { code: 1 };
  }
}
