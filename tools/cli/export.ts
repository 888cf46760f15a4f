import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSluiceClient, type SluiceClient } from '@sluice/client';
import { messageOf } from './gateway-error';
import { type JobSet, progressOf, waitForJobs } from './wait';

export interface ExportOptions {
  format: 'csv' | 'jsonl';
  importId: string | undefined;
  batchId: string | undefined;
  /** A file; stdout when absent. */
  output: string | undefined;
  /** First wait until every job of the import or batch has finished. */
  wait?: boolean;
  /** How often `wait` asks for their progress. */
  pollMs?: number;
  api: string;
  key: string;
  log?: (line: string) => void;
  stdout?: Writable;
}

/**
 * `sluice export`: saves an export (POST /v1/exports, through the typed client), then streams its
 * file (GET) to a file or stdout as it arrives. A file is written beside its name and renamed when
 * complete, so an interrupted download never leaves a file that looks whole. Returns the exit code.
 */
export async function runExport(options: ExportOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const client = createSluiceClient({ baseUrl: options.api, apiKey: options.key });
  const set = jobSetOf(options);
  if (options.wait && set) {
    const waited = await waitForJobs(client, set, log, options.pollMs);
    if (waited !== 0) {
      return waited;
    }
  }
  const created = await client.POST('/v1/exports', {
    body: {
      format: options.format,
      ...(options.importId ? { import_id: options.importId } : {}),
      ...(options.batchId ? { batch_id: options.batchId } : {}),
    },
  });
  if (!created.data) {
    log(`export refused (${created.response.status}): ${messageOf(created.error)}`);
    return 1;
  }
  // Just waited for: every job has finished, no second read needed.
  const unfinished = set && !options.wait ? await unfinishedJobs(client, set) : null;
  const response = await fetch(`${options.api.replace(/\/+$/, '')}${created.data.url}`, {
    headers: { authorization: `Bearer ${options.key}` },
  });
  if (response.status !== 200 || !response.body) {
    log(`export download refused (${response.status}): ${await response.text()}`);
    return 1;
  }
  const source = Readable.fromWeb(response.body);
  if (options.output === undefined) {
    await pipeline(source, options.stdout ?? process.stdout, { end: false });
    log(`export ${created.data.id}: written to stdout`);
    noteUnfinished(unfinished, log);
    return 0;
  }
  const partial = `${options.output}.partial`;
  try {
    await pipeline(source, createWriteStream(partial));
    await rename(partial, options.output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  log(`export ${created.data.id}: written to ${options.output}`);
  noteUnfinished(unfinished, log);
  return 0;
}

function jobSetOf(options: ExportOptions): JobSet | null {
  return options.importId
    ? { import: options.importId }
    : options.batchId
      ? { batch: options.batchId }
      : null;
}

/**
 * How many of the exported import's or batch's jobs had not finished just before the download (its
 * rows are the jobs as they were then); null when the key may not read the import or batch (the
 * note is a courtesy, not a condition of the export).
 */
async function unfinishedJobs(
  client: SluiceClient,
  set: JobSet,
): Promise<{ unfinished: number; total: number } | null> {
  const now = await progressOf(client, set);
  return 'problem' in now
    ? null
    : { unfinished: now.progress.total - now.progress.finished, total: now.progress.total };
}

function noteUnfinished(
  jobs: { unfinished: number; total: number } | null,
  log: (line: string) => void,
): void {
  if (!jobs || jobs.unfinished === 0) {
    return;
  }
  log(
    `note: ${jobs.unfinished} of ${jobs.total} jobs had not finished: their rows have no results yet; export with --wait to wait for them.`,
  );
}
