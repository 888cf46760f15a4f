import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Batch, insertBatchRequests, type BatchRunRequest } from '@sluice/db';
import type { RequestOptions } from '@sluice/enrichment';
import {
  addPlanJobs,
  batchRefreshSchedulerId,
  JOB_NAMES,
  planJobOptions,
  PROVIDER_NAMES,
  QUEUE_NAMES,
  type BatchRefreshPayload,
  type EnrichmentPlanPayload,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { CreditGate } from '../pipeline/credit-gate';
import { PipelineGuards } from '../pipeline/pipeline-redis';
import { DataSource } from 'typeorm';

/** Records re-enqueued per transaction: a big batch is refreshed in slices, each committed on its own. */
const SLICE = 500;

/**
 * Whether request `r`'s result names a provider to retry later (see the orchestrator's `unresolved`)
 * that is no longer held back: not among `$4` (paused, or its circuit open, now), and not for the
 * workspace's monthly quota (which holds until the month ends). A record is not asked again while
 * the provider it waits for still cannot answer: each run would pay again the misses of providers
 * that charge for them once their cached answers expire.
 */
const RETRY_LATER_SQL = `EXISTS (
  SELECT 1
    FROM jsonb_array_elements(
           CASE WHEN jsonb_typeof(r.result->'unresolved') = 'array' THEN r.result->'unresolved' ELSE '[]' END
         ) AS u(goal),
         jsonb_array_elements(
           CASE WHEN jsonb_typeof(u.goal->'retry_later') = 'array' THEN u.goal->'retry_later' ELSE '[]' END
         ) AS l(entry)
   WHERE l.entry->>'reason' IS DISTINCT FROM 'quota_exceeded'
     AND NOT (coalesce(l.entry->>'provider', '') = ANY($4::text[])))`;

/**
 * A scheduled batch's tick (the job scheduler `batches.refresh:<batch id>` the gateway keeps, one per
 * batch so each is isolated): the records whose current job finished more than `every_days` ago, or
 * completed leaving a goal to retry later at a provider that can answer again (RETRY_LATER_SQL),
 * get a new ordinary `enrich` job whose `max_age_days` is `every_days` (the provider cache and store
 * answer only what was fetched more recently, without paying); records still being enriched, or
 * enriched recently, are left alone. Records are claimed with `FOR UPDATE SKIP LOCKED` and
 * re-pointed in the same transaction, so two ticks never enqueue one record twice. A plan job that
 * fails to enqueue after commit leaves its request `queued`, which the recovery sweep enqueues.
 * Each transaction first locks the batch's row and checks it is still scheduled and not cancelled:
 * a tick already queued or running when the batch is cancelled (or its schedule removed) enqueues
 * nothing more, and a cancel waits for a slice in progress, then cancels the jobs it made.
 */
@Injectable()
export class BatchRefresh {
  private readonly logger = new Logger(BatchRefresh.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue<EnrichmentPlanPayload>,
    private readonly gate: CreditGate,
    private readonly guards: PipelineGuards,
  ) {}

  /** The providers that cannot answer now: paused (for credits or by an operator), or their circuit open. */
  private async heldBack(): Promise<string[]> {
    const held = await Promise.all(
      PROVIDER_NAMES.map(async (name) => {
        const [pause, circuit] = await Promise.all([
          this.gate.pauseOf(name),
          this.guards.circuits.state(name),
        ]);
        return pause !== null || circuit === 'open' ? name : null;
      }),
    );
    return held.filter((name): name is NonNullable<typeof name> => name !== null);
  }

  async refresh(payload: BatchRefreshPayload): Promise<{ reenqueued: number; stopped?: boolean }> {
    const batch = await this.dataSource
      .getRepository(Batch)
      .findOneBy({ id: payload.batchId, workspaceId: payload.workspaceId });
    if (!batch?.schedule || batch.cancelledAt !== null) {
      // Deleted, cancelled, or its schedule removed while a tick was due: nothing to do, and no more ticks.
      await this.queue.removeJobScheduler(batchRefreshSchedulerId(payload.batchId));
      return { reenqueued: 0, stopped: true };
    }
    const correlationId = `batch-refresh-${batch.id}-${Date.now()}`;
    // A re-run asks the providers again for what is older than the schedule: without an age limit
    // the provider cache and the store would answer it (for up to STORE_FRESH_DAYS) for free, and a
    // weekly refresh would serve months-old data. Answers fetched more recently (by another job) are
    // still reused. The batch's own, smaller, max_age_days stands.
    const everyDays = batch.schedule.every_days;
    const own = (batch.options as RequestOptions).max_age_days;
    const rerun = {
      ...batch,
      options: {
        ...batch.options,
        max_age_days: Math.min(own ?? everyDays, everyDays),
      },
    };
    const heldBack = await this.heldBack();
    let total = 0;
    for (;;) {
      const run = await this.dataSource.transaction(async (manager): Promise<BatchRunRequest[] | null> => {
        // Locked as an UPDATE of the row would: a cancel (or a schedule change) waits for this slice.
        const live = await manager.query<unknown[]>(
          `SELECT 1 FROM batches
            WHERE id = $1 AND workspace_id = $2 AND cancelled_at IS NULL AND jsonb_typeof(schedule) = 'object'
              FOR NO KEY UPDATE`,
          [batch.id, batch.workspaceId],
        );
        if (live.length === 0) {
          return null;
        }
        const stale = await manager.query<{ index: number; input: Record<string, unknown> }[]>(
          `SELECT br.index, br.input
             FROM batch_records br JOIN enrichment_requests r ON r.id = br.request_id
            WHERE br.batch_id = $1 AND br.workspace_id = $2
              AND r.status IN ('completed', 'failed', 'cancelled')
              AND (r.completed_at < now() - make_interval(days => $3)
                   -- Or left a goal to retry later (a provider out of credits, paused, its circuit
                   -- open): asked again at the next tick, not a whole schedule later.
                   OR (r.status = 'completed' AND ${RETRY_LATER_SQL}))
            ORDER BY br.index
            LIMIT ${SLICE}
              FOR UPDATE OF br SKIP LOCKED`,
          [batch.id, batch.workspaceId, everyDays, heldBack],
        );
        const made = await insertBatchRequests(manager, rerun, stale, correlationId);
        if (made.length > 0) {
          await manager.query(
            `UPDATE batch_records br SET request_id = v.request_id, enqueued_at = now()
               FROM unnest($3::int[], $4::uuid[]) AS v(index, request_id)
              WHERE br.batch_id = $1 AND br.workspace_id = $2 AND br.index = v.index`,
            [batch.id, batch.workspaceId, made.map((m) => m.index), made.map((m) => m.requestId)],
          );
          await manager.query(`UPDATE batches SET last_run_at = now() WHERE id = $1 AND workspace_id = $2`, [
            batch.id,
            batch.workspaceId,
          ]);
        }
        return made;
      });
      if (run === null) {
        // Cancelled (or unscheduled) since this tick began: a cancel cancelled the slices committed before.
        await this.queue.removeJobScheduler(batchRefreshSchedulerId(batch.id));
        return { reenqueued: total, stopped: true };
      }
      if (run.length > 0) {
        await addPlanJobs(
          this.queue,
          run.map((entry) => ({
            name: JOB_NAMES.enrichmentPlan,
            data: { requestId: entry.requestId, workspaceId: batch.workspaceId, correlationId },
            opts: planJobOptions(entry.requestId, entry.priority, 'LOW'),
          })),
        );
      }
      total += run.length;
      if (run.length < SLICE) {
        break;
      }
    }
    if (total > 0) {
      this.logger.log({ msg: 'batch records re-enqueued', batchId: batch.id, count: total });
    }
    return { reenqueued: total };
  }
}
