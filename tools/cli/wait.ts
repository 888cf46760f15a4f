import { setTimeout as sleep } from 'node:timers/promises';
import type { components, SluiceClient } from '@sluice/client';
import { messageOf } from './gateway-error';
import { ProgressBar } from './progress';

/** The jobs of an import or a batch by status (their `progress`). */
export type JobProgress = components['schemas']['JobProgressDto'];

/** Whose jobs to wait for. */
export type JobSet = { import: string } | { batch: string };

const STATUS_ORDER = ['completed', 'failed', 'cancelled', 'running', 'queued'];

/**
 * `3 of 61 finished (completed 2, failed 1; running 50, queued 8), 2 credits spent`: the jobs by
 * status, the finished ones first.
 */
export function describeJobs(progress: JobProgress, creditsSpent: number | undefined): string {
  const part = (statuses: string[]): string =>
    statuses
      .filter((status) => (progress.by_status[status] ?? 0) > 0)
      .map((status) => `${status} ${progress.by_status[status]}`)
      .join(', ');
  const others = Object.keys(progress.by_status).filter((status) => !STATUS_ORDER.includes(status));
  const done = part(STATUS_ORDER.slice(0, 3));
  const open = part([...STATUS_ORDER.slice(3), ...others]);
  const counts = [done, open].filter(Boolean).join('; ');
  const credits =
    creditsSpent === undefined ? '' : `, ${creditsSpent} credit${creditsSpent === 1 ? '' : 's'} spent`;
  return `${progress.finished} of ${progress.total} finished${counts ? ` (${counts})` : ''}${credits}`;
}

function nameOf(set: JobSet): string {
  return 'import' in set ? `import ${set.import}` : `batch ${set.batch}`;
}

/** The jobs of an import or a batch now, or why they cannot be read. */
export async function progressOf(
  client: SluiceClient,
  set: JobSet,
): Promise<{ progress: JobProgress; credits: number | undefined } | { problem: string }> {
  const answer =
    'import' in set
      ? await client.GET('/v1/imports/{id}', { params: { path: { id: set.import } } })
      : await client.GET('/v1/batches/{id}', { params: { path: { id: set.batch }, query: { limit: '1' } } });
  if (!answer.data) {
    return {
      problem: `its progress could not be read (${answer.response.status}): ${messageOf(answer.error)}`,
    };
  }
  // Typed as always there, but a gateway older than this command leaves an import's out.
  const { progress, credits_spent: credits } = answer.data as Partial<typeof answer.data>;
  return progress
    ? { progress, credits }
    : { problem: "this gateway does not report an import's progress; follow GET /v1/jobs?import_id=" };
}

/**
 * Waits until every job of the import or batch has finished (`finished` = `total`), drawing their
 * progress on stderr, then prints them by status. Returns the exit code: 0 once all have finished,
 * failed ones included (their rows say why), 1 when the progress cannot be read.
 */
export async function waitForJobs(
  client: SluiceClient,
  set: JobSet,
  log: (line: string) => void,
  pollMs = 2000,
): Promise<number> {
  let bar: ProgressBar | undefined;
  for (;;) {
    const asked = Date.now();
    const now = await progressOf(client, set);
    // Counting a large import's jobs takes the gateway's database a while (its rows, their steps'
    // credits): poll no more often than every three times that, so waiting never becomes its load.
    const pause = Math.max(pollMs, 3 * (Date.now() - asked));
    if ('problem' in now) {
      log(`${nameOf(set)}: ${now.problem}`);
      return 1;
    }
    const { progress, credits } = now;
    bar ??= new ProgressBar(progress.total, 'jobs finished', process.stderr, String);
    if (progress.finished >= progress.total) {
      bar.finish(progress.finished);
      log(`jobs: ${describeJobs(progress, credits)}`);
      return 0;
    }
    bar.update(progress.finished);
    await sleep(pause);
  }
}
