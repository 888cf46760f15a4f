import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProgressBar } from './progress';

export interface ImportSummary {
  id: string;
  status: string;
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  errors: { line: number; column?: string; message: string }[];
  errors_truncated: boolean;
  error: string | null;
}

export interface ImportOptions {
  file: string;
  type: string;
  mapping: string | undefined;
  api: string;
  key: string;
  /** How long to wait for a previous run of the same import that the server is still processing. */
  pendingWaitMs?: number;
  log?: (line: string) => void;
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

/** Uploads the CSV as a `text/csv` stream (never whole in memory), the settings as query parameters. */
async function upload(
  options: ImportOptions,
  key: string,
  size: number,
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

function messageOf(body: Record<string, unknown>): string {
  const message = body.message;
  return Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : JSON.stringify(body);
}

/** Prints the import's counts and its first rejected rows; returns the process exit code. */
export function printSummary(summary: ImportSummary, replayed: boolean, log: (line: string) => void): number {
  log(
    `import ${summary.id}: ${summary.status}${replayed ? ' (already imported earlier: answer replayed, nothing imported again)' : ''}`,
  );
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
  log(`export its results: sluice export --format csv --import ${summary.id}`);
  return summary.status === 'completed' ? 0 : 1;
}

/**
 * `sluice import`: uploads the file once per (file, settings). A re-run after a finished import is
 * replayed by the gateway (no row is imported twice); a re-run while the first is still being
 * processed waits for it. Returns the exit code.
 */
export async function runImport(options: ImportOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const size = (await stat(options.file)).size;
  const key = await importKeyOf(options.file, options.type, options.mapping);
  const deadline = Date.now() + (options.pendingWaitMs ?? 10 * 60_000);
  for (;;) {
    const answer = await upload(options, key, size);
    if (answer.status === 201 || answer.status === 200) {
      return printSummary(answer.body as unknown as ImportSummary, answer.replayed, log);
    }
    if (
      answer.status === 409 &&
      /still being processed/.test(messageOf(answer.body)) &&
      Date.now() < deadline
    ) {
      log('an earlier run of this import is still being processed; waiting for it…');
      await sleep(2000);
      continue;
    }
    const failed = answer.body.import as ImportSummary | undefined;
    log(`import refused (${answer.status}): ${messageOf(answer.body)}`);
    if (failed) {
      printSummary(failed, false, log);
    }
    return 1;
  }
}
