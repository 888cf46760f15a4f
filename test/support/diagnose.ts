import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { JOB_NAMES, recoveryScanKey, redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';

/**
 * Where each request not completed stands, in PostgreSQL and in BullMQ (its plan job, each step and
 * the step's job on its provider queue): printed when a test times out waiting for requests, so a
 * rare stall can be diagnosed from the CI log.
 */
export async function describeUnfinished(
  dataSource: DataSource,
  redisUrl: string,
  prefix: string,
  ids: readonly string[],
): Promise<string> {
  const rows = await dataSource.getRepository(EnrichmentRequest).findBy({ id: In([...ids]) });
  const open = rows.filter((r) => r.status !== 'completed');
  const steps = await dataSource
    .getRepository(EnrichmentStep)
    .findBy({ requestId: In(open.map((r) => r.id)) });
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => {
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection: redisUrlOptions(redisUrl), prefix });
      queues.set(name, found);
    }
    return found;
  };
  const job = async (name: string, id: string): Promise<string> => {
    const found = await queue(name).getJob(id);
    if (!found) {
      return 'missing';
    }
    return `${await found.getState()} (${found.attemptsMade} attempts${found.failedReason ? `, ${found.failedReason}` : ''})`;
  };
  try {
    const lines: string[] = [];
    for (const row of open) {
      lines.push(
        `${row.id} ${row.status}${row.error ? ` (${row.error})` : ''}; plan job ${await job('enrichment', `plan-${row.id}`)}`,
      );
      for (const step of steps.filter((s) => s.requestId === row.id)) {
        lines.push(
          `  step ${step.id} ${step.provider}/${step.operation} ${step.state} (${step.attempts} attempts, ${step.reason ?? ''}); ` +
            `completed ${step.completedAt?.toISOString() ?? '-'}; job ${await job(`provider.${step.provider}`, `step-${step.id}`)}`,
        );
      }
    }
    return lines.join('\n') || 'none';
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
  }
}

/**
 * What the recovery sweep has been doing on `prefix`: its job scheduler and the job it waits on,
 * the orchestrator queue's counts, the latest sweep runs (what each recovered, or why it failed),
 * and where its two scans stand. Printed when a test times out waiting for the sweep.
 */
export async function describeRecoverySweep(redisUrl: string, prefix: string): Promise<string> {
  const queue = new Queue('enrichment', { connection: redisUrlOptions(redisUrl), prefix });
  try {
    const scheduler = await queue.getJobScheduler(JOB_NAMES.enrichmentRecover);
    const next = scheduler?.next
      ? await queue.getJob(`repeat:${JOB_NAMES.enrichmentRecover}:${scheduler.next}`)
      : undefined;
    const runs = (await queue.getJobs(['active', 'completed', 'failed'], 0, 200))
      .filter((job) => job.name === JOB_NAMES.enrichmentRecover)
      .sort((a, b) => (b.processedOn ?? 0) - (a.processedOn ?? 0))
      .slice(0, 8);
    const client = await queue.client;
    const lines = [
      `now ${Date.now()}; scheduler ${JSON.stringify(scheduler ?? null)}; its next job ${next ? `${next.id} ${await next.getState()}` : 'missing'}`,
      `enrichment queue ${JSON.stringify(await queue.getJobCounts())}; paused ${await queue.isPaused()}`,
      ...(await Promise.all(
        runs.map(
          async (job) =>
            `  run ${job.id} ${await job.getState()} processed ${job.processedOn ?? '-'} finished ${job.finishedOn ?? '-'}` +
            ` ${job.failedReason ? `failed: ${job.failedReason}` : `returned ${JSON.stringify(job.returnvalue)}`}`,
        ),
      )),
      `scan positions: requests ${await client.get(recoveryScanKey(prefix, 'requests'))}, steps ${await client.get(recoveryScanKey(prefix, 'steps'))}, callbacks ${await client.get(recoveryScanKey(prefix, 'callbacks'))}`,
    ];
    return lines.join('\n');
  } finally {
    await queue.close();
  }
}

/**
 * What every session of the PostgreSQL server is doing: its database, application, state, what it
 * waits for and for how long its statement has run. Printed when a request to the stack times out,
 * so a stall (a lock, a slow statement, a server that stopped answering) shows in the CI log.
 */
export async function describeSessions(serverUrl: string): Promise<string> {
  const client = new Client({
    connectionString: serverUrl,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000,
  });
  try {
    await client.connect();
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT pid, datname, application_name, state, wait_event_type, wait_event,
              round(extract(epoch FROM now() - query_start)::numeric, 1) AS running_s,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
        ORDER BY query_start NULLS LAST`,
    );
    return [`${rows.length} other session(s):`, ...rows.map((row) => `  ${JSON.stringify(row)}`)].join('\n');
  } catch (error) {
    return `PostgreSQL sessions could not be read: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
