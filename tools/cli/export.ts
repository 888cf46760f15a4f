import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSluiceClient } from '@sluice/client';

export interface ExportOptions {
  format: 'csv' | 'jsonl';
  importId: string | undefined;
  batchId: string | undefined;
  /** A file; stdout when absent. */
  output: string | undefined;
  api: string;
  key: string;
  log?: (line: string) => void;
  stdout?: Writable;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : JSON.stringify(error);
}

/**
 * `sluice export`: saves an export (POST /v1/exports, through the typed client), then streams its
 * file (GET) to a file or stdout as it arrives. A file is written beside its name and renamed when
 * complete, so an interrupted download never leaves a file that looks whole. Returns the exit code.
 */
export async function runExport(options: ExportOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const client = createSluiceClient({ baseUrl: options.api, apiKey: options.key });
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
  const unfinished = await unfinishedJobs(client, options);
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
    noteUnfinished(unfinished, options, log);
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
  noteUnfinished(unfinished, options, log);
  return 0;
}

/**
 * How many of the exported import's or batch's jobs had not finished just before the download (its
 * rows are the jobs as they were then); null for a whole-workspace export, or when the key may not
 * read the import or batch (the note is a courtesy, not a condition of the export).
 */
async function unfinishedJobs(
  client: ReturnType<typeof createSluiceClient>,
  options: ExportOptions,
): Promise<{ unfinished: number; total: number } | null> {
  const answer = options.importId
    ? await client.GET('/v1/imports/{id}', { params: { path: { id: options.importId } } })
    : options.batchId
      ? await client.GET('/v1/batches/{id}', { params: { path: { id: options.batchId } } })
      : null;
  const progress = answer?.data?.progress;
  return progress ? { unfinished: progress.total - progress.finished, total: progress.total } : null;
}

function noteUnfinished(
  jobs: { unfinished: number; total: number } | null,
  options: ExportOptions,
  log: (line: string) => void,
): void {
  if (!jobs || jobs.unfinished === 0) {
    return;
  }
  const wait = options.importId
    ? `; \`sluice import <file> … --wait\` waits for them, then export again`
    : '; export again once they have';
  log(
    `note: ${jobs.unfinished} of ${jobs.total} jobs had not finished: their rows have no results yet${wait}.`,
  );
}
