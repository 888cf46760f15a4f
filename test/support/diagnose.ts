import { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
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
