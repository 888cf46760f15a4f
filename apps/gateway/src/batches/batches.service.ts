import { randomUUID } from 'node:crypto';
import { SUPPRESSED_MESSAGE, SuppressionCheck } from '../persons/suppression-check';
import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import {
  Batch,
  BatchRecord,
  EnrichmentRequest,
  insertBatchRequests,
  skipCancelledSteps,
  type BatchRunRequest,
  type ReleasedHold,
  type BatchSchedule,
} from '@sluice/db';
import { providerTierOf } from '@sluice/enrichment';
import { DependencyUnavailableError } from '@sluice/platform';
import {
  addPlanJobs,
  batchRefreshSchedulerId,
  JOB_NAMES,
  planJobOptions,
  QUEUE_NAMES,
  type BatchRefreshPayload,
  type EnrichmentPlanPayload,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { dropWorkRecord, recordWork } from '../auth/idempotent-work';
import type { Caller } from '../auth/request-context';
import { encodeKeysetCursor, type KeysetPosition } from '../keyset-cursor';
import { Quotas } from '../credits/quotas.service';
import {
  parseBatchSettings,
  perRecordCredits,
  selectRecords,
  type FilteredRecord,
  type ParsedRecord,
  type RejectedRecord,
} from './batch-input';
import type { BatchSummaryDto } from './batch.dto';
import { batchScheduler } from './batch-scheduler-keeper';
import { CancelledJobs, type CancelledJob } from '../jobs/cancelled-jobs.service';
import { groupProgress, type GroupJobs, type GroupProgressRow, type JobProgress } from '../jobs/job-progress';
import { companySizeBucketSql, DISTRIBUTED_FIELDS, distributionSql, TOP_VALUES } from './batch-summary';

export interface BatchView {
  id: string;
  name: string | null;
  status: string;
  fields: string[];
  options: Record<string, unknown>;
  filters: Record<string, unknown>;
  priority: string;
  max_credits: number | null;
  max_credits_per_record: number | null;
  records_received: number;
  record_count: number;
  schedule: BatchSchedule | null;
  progress: JobProgress;
  credits_spent: number;
  last_run_at: string | null;
  cancelled_at: string | null;
  created_at: string;
}

export interface BatchRecordView {
  index: number;
  external_id: string | null;
  input: Record<string, unknown>;
  occurred_at: string | null;
  job_id: string;
  status: string;
  error: string | null;
  last_enriched_at: string | null;
  steps: { provider: string; goal: string; state: string; reason: string | null; credits: number }[];
}

/** What cancelling a batch did, and whether it changed anything (only then is it audited). */
export interface BatchCancel {
  cancelled: number;
  batch: BatchView;
  /** The batch was cancelled now, or jobs of it were (a second cancel usually changes nothing). */
  changed: boolean;
}

/** A batch after its schedule was set or removed, and the schedule it had before. */
export interface BatchScheduleChange {
  batch: BatchView;
  previous: BatchSchedule | null;
}

/**
 * Status of a batch from the counts of its records' current jobs; a batch cancelled by its caller
 * is `cancelled` whatever its jobs had finished as.
 */
export function batchStatusOf(progress: JobProgress, cancelled = false): string {
  const { total, by_status: byStatus, finished } = progress;
  if (cancelled || (total > 0 && (byStatus.cancelled ?? 0) === total)) {
    return 'cancelled';
  }
  if (finished === total) {
    return 'completed';
  }
  return (byStatus.queued ?? 0) === total ? 'queued' : 'running';
}

function toView(batch: Batch, { progress, creditsSpent }: GroupJobs): BatchView {
  return {
    id: batch.id,
    name: batch.name,
    status: batchStatusOf(progress, batch.cancelledAt !== null),
    fields: batch.fields,
    options: batch.options,
    filters: batch.filters,
    priority: batch.priority,
    max_credits: batch.maxCredits === null ? null : Number(batch.maxCredits),
    max_credits_per_record: batch.maxCreditsPerRecord === null ? null : Number(batch.maxCreditsPerRecord),
    records_received: batch.recordsReceived,
    record_count: batch.recordCount,
    schedule: batch.schedule,
    progress,
    credits_spent: creditsSpent,
    last_run_at: batch.lastRunAt?.toISOString() ?? null,
    cancelled_at: batch.cancelledAt?.toISOString() ?? null,
    created_at: batch.createdAt.toISOString(),
  };
}

/**
 * Batches: a record set enriched by ordinary `enrich` jobs (one per record, tagged with the batch),
 * its progress and summary read in SQL from those jobs, and its re-enrichment schedule (a BullMQ job
 * scheduler per batch on the enrichment queue; the enrichment worker runs the tick).
 */
@Injectable()
export class BatchesService {
  private readonly logger = new Logger(BatchesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment)
    private readonly queue: Queue<EnrichmentPlanPayload | BatchRefreshPayload>,
    private readonly quotas: Quotas,
    private readonly config: GatewayConfig,
    private readonly suppression: SuppressionCheck,
    private readonly cancelledJobs: CancelledJobs,
  ) {}

  /**
   * Checks the batch, writes it with its records and their jobs in one transaction, then enqueues
   * the plans (and the schedule). If Redis refuses, everything written is deleted again and the
   * caller gets a 503: a batch exists whole or not at all.
   */
  async create(
    caller: Caller,
    body: unknown,
    correlationId: string,
  ): Promise<{
    batch: BatchView;
    accepted: { index: number; external_id: string | null; job_id: string }[];
    rejected: RejectedRecord[];
    filtered_out: FilteredRecord[];
  }> {
    const settings = parseBatchSettings(body, this.config.batchesMaxRecords);
    const { kept, rejected, filtered } = selectRecords(settings, new Date());
    // One read of the workspace's quotas for the whole batch.
    const room = await this.quotas.roomCheck(caller.workspaceId);
    const records: ParsedRecord[] = [];
    for (const record of kept) {
      if (room) {
        try {
          room('enrich', record.input, settings.options);
        } catch (error) {
          // A record no provider could serve within the quotas is refused by index, like a bad one;
          // anything else (PostgreSQL away) is the request's failure.
          if (!(error instanceof HttpException)) {
            throw error;
          }
          rejected.push({ index: record.index, errors: [error.message] });
          continue;
        }
      }
      records.push(record);
    }
    // Records naming an erased person are refused by index (`suppressed`), before anything is written.
    const { allowed, refused } = await this.suppression.partition(
      caller.workspaceId,
      records,
      (record) => record.input as Record<string, unknown>,
    );
    rejected.push(...refused.map((record) => ({ index: record.index, errors: [SUPPRESSED_MESSAGE] })));
    records.splice(0, records.length, ...allowed);
    rejected.sort((a, b) => a.index - b.index);
    if (records.length === 0) {
      throw new BadRequestException({
        message: 'No record could be accepted (invalid or filtered out); no batch was made.',
        rejected,
        filtered_out: filtered,
      });
    }
    const share = perRecordCredits(settings.maxCredits, records.length);
    const client = (await this.queue.client) as unknown as Redis;
    if (client.status !== 'ready') {
      throw new DependencyUnavailableError('redis');
    }
    const batchId = randomUUID();
    const batch: Batch = this.dataSource.getRepository(Batch).create({
      id: batchId,
      workspaceId: caller.workspaceId,
      apiKeyId: caller.apiKeyId,
      name: settings.name,
      fields: settings.fields,
      options: { ...settings.options },
      filters: {
        ...(settings.sinceDays !== null ? { since_days: settings.sinceDays } : {}),
        ...(settings.limit !== null ? { limit: settings.limit } : {}),
      },
      priority: settings.priority,
      maxCredits: settings.maxCredits === null ? null : String(settings.maxCredits),
      maxCreditsPerRecord: share === null ? null : String(share),
      recordsReceived: settings.records.length,
      recordCount: records.length,
      schedule: settings.schedule,
      tier: providerTierOf(caller.tier),
      correlationId,
    });
    let run: BatchRunRequest[] = [];
    const erasedMeanwhile = await this.dataSource.transaction(async (manager) => {
      // Checked again under the workspace's erasure lock: an erasure that recorded its suppression
      // since the check above would not find these rows, written after its search.
      if (
        await this.suppression.suppressedUnderLock(
          manager,
          caller.workspaceId,
          records.map((record) => record.input as Record<string, unknown>),
        )
      ) {
        return true;
      }
      await manager.getRepository(Batch).insert({ ...batch, lastRunAt: () => 'now()' } as never);
      run = await insertBatchRequests(manager, batch, records, correlationId);
      const requestOf = new Map(run.map((entry) => [entry.index, entry.requestId]));
      // Chunked: one INSERT per 1,000 records keeps each statement's parameters well under PostgreSQL's limit.
      for (let start = 0; start < records.length; start += 1000) {
        await manager.getRepository(BatchRecord).insert(
          records.slice(start, start + 1000).map((record) => ({
            batchId,
            index: record.index,
            workspaceId: caller.workspaceId,
            externalId: record.externalId,
            input: { ...record.input },
            occurredAt: record.occurredAt,
            requestId: requestOf.get(record.index) as string,
          })),
        );
      }
      await recordWork(manager, { batch_id: batchId });
      return false;
    });
    if (erasedMeanwhile) {
      // Nothing was written; checked again, the records naming the person erased are refused.
      return this.create(caller, body, correlationId);
    }
    try {
      await this.enqueuePlans(caller.workspaceId, run, correlationId);
      if (settings.schedule) {
        await this.upsertScheduler(caller.workspaceId, batchId);
      }
    } catch (error) {
      await this.dataSource
        .transaction(async (manager) => {
          await manager.query('DELETE FROM batches WHERE id = $1 AND workspace_id = $2', [
            batchId,
            caller.workspaceId,
          ]);
          await manager.query('DELETE FROM enrichment_requests WHERE batch_id = $1 AND workspace_id = $2', [
            batchId,
            caller.workspaceId,
          ]);
          // A retry of the request must run again: the batch it made is gone.
          await dropWorkRecord(manager);
        })
        .catch(() => undefined);
      throw error;
    }
    const externalIds = new Map(records.map((record) => [record.index, record.externalId]));
    return {
      batch: await this.view(caller, batchId),
      accepted: run.map((entry) => ({
        index: entry.index,
        external_id: externalIds.get(entry.index) ?? null,
        job_id: entry.requestId,
      })),
      rejected,
      filtered_out: filtered,
    };
  }

  private async enqueuePlans(
    workspaceId: string,
    run: BatchRunRequest[],
    correlationId: string,
  ): Promise<void> {
    for (let start = 0; start < run.length; start += 1000) {
      await addPlanJobs(
        this.queue,
        run.slice(start, start + 1000).map((entry) => ({
          name: JOB_NAMES.enrichmentPlan,
          data: { requestId: entry.requestId, workspaceId, correlationId },
          // A batch's records are `enrich` jobs: their first steps are at paid providers.
          opts: planJobOptions(entry.requestId, entry.priority, 'LOW'),
        })),
      );
    }
  }

  private async upsertScheduler(workspaceId: string, batchId: string): Promise<void> {
    const { id, repeat, template } = batchScheduler(this.config.batchRefreshTickMs, workspaceId, batchId);
    await (this.queue as Queue).upsertJobScheduler(id, repeat, template);
  }

  /** The caller's batch; another workspace's batch is indistinguishable from a missing one (404). */
  async find(caller: Caller, id: string): Promise<Batch> {
    const batch = await this.dataSource
      .getRepository(Batch)
      .findOneBy({ id, workspaceId: caller.workspaceId });
    if (!batch) {
      throw new NotFoundException(`No batch ${id} in this workspace.`);
    }
    return batch;
  }

  async view(caller: Caller, id: string): Promise<BatchView> {
    const batch = await this.find(caller, id);
    const jobsOf = await this.jobsOf(caller.workspaceId, [id]);
    return toView(batch, jobsOf(id));
  }

  /**
   * The batches' records' current jobs counted by status, and the credits every job of them (of any
   * run) spent: one statement for a whole page of batches, not two per batch.
   */
  private async jobsOf(workspaceId: string, ids: readonly string[]): Promise<(batchId: string) => GroupJobs> {
    if (ids.length === 0) {
      return groupProgress([]);
    }
    const rows = await this.dataSource.query<GroupProgressRow[]>(
      `SELECT br.batch_id AS group_id, r.status, count(*)::int AS count, NULL::numeric AS credits
         FROM batch_records br JOIN enrichment_requests r ON r.id = br.request_id
        WHERE br.batch_id = ANY($1::uuid[]) AND br.workspace_id = $2
        GROUP BY br.batch_id, r.status
       UNION ALL
       SELECT r.batch_id, NULL, NULL, sum(s.credits)
         FROM enrichment_requests r JOIN enrichment_steps s ON s.request_id = r.id
        WHERE r.batch_id = ANY($1::uuid[]) AND r.workspace_id = $2
        GROUP BY r.batch_id`,
      [ids, workspaceId],
    );
    return groupProgress(rows);
  }

  /**
   * The caller's batches, newest first, a page at a time: after a keyset position (`GET
   * /v1/batches?cursor=`), which batches created meanwhile do not shift, or at an offset, which they
   * do (kept for the clients that page so).
   */
  async list(
    caller: Caller,
    limit: number,
    from: { after: KeysetPosition } | { offset: number },
  ): Promise<{ data: BatchView[]; next_cursor: string | null; next_offset: number | null }> {
    const builder = this.dataSource
      .getRepository(Batch)
      .createQueryBuilder('b')
      // The cursor's position: microseconds, where the entity's Date would keep milliseconds.
      .addSelect('b.created_at::text', 'created_key')
      .where('b.workspace_id = :workspaceId', { workspaceId: caller.workspaceId })
      .orderBy('b.created_at', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .limit(limit + 1);
    if ('after' in from) {
      builder.andWhere('(b.created_at, b.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: from.after.at,
        afterId: from.after.id,
      });
    } else {
      builder.offset(from.offset);
    }
    const { entities: batches, raw } = await builder.getRawAndEntities<{
      b_id: string;
      created_key: string;
    }>();
    const page = batches.slice(0, limit);
    const jobsOf = await this.jobsOf(
      caller.workspaceId,
      page.map((batch) => batch.id),
    );
    const last = batches.length > limit ? page.at(-1) : undefined;
    // No joins: each raw row is one entity's, found again by its id.
    const lastKey = last && raw.find((row) => row.b_id === last.id)?.created_key;
    return {
      data: page.map((batch) => toView(batch, jobsOf(batch.id))),
      next_cursor: last && lastKey !== undefined ? encodeKeysetCursor(lastKey, last.id) : null,
      next_offset: last && 'offset' in from ? from.offset + limit : null,
    };
  }

  /** A page of the batch's records (by index, after `after`), each with its current job and steps. */
  async records(
    caller: Caller,
    id: string,
    limit: number,
    after: number,
  ): Promise<{ data: BatchRecordView[]; next_cursor: number | null }> {
    const batch = await this.find(caller, id);
    const rows = await this.dataSource.query<
      {
        index: number;
        external_id: string | null;
        input: Record<string, unknown>;
        occurred_at: Date | null;
        request_id: string;
        status: string;
        error: string | null;
        completed_at: Date | null;
      }[]
    >(
      `SELECT br.index, br.external_id, br.input, br.occurred_at, br.request_id, r.status, r.error, r.completed_at
         FROM batch_records br JOIN enrichment_requests r ON r.id = br.request_id
        WHERE br.batch_id = $1 AND br.workspace_id = $2 AND br.index > $3
        ORDER BY br.index
        LIMIT $4`,
      [batch.id, caller.workspaceId, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const steps = await this.dataSource.query<
      {
        request_id: string;
        provider: string;
        goal: string;
        state: string;
        reason: string | null;
        credits: string;
      }[]
    >(
      `SELECT request_id, provider, goal, state, reason, credits
         FROM enrichment_steps
        WHERE workspace_id = $1 AND request_id = ANY($2::uuid[])
        ORDER BY request_id, seq`,
      [caller.workspaceId, page.map((row) => row.request_id)],
    );
    const stepsOf = new Map<string, BatchRecordView['steps']>();
    for (const step of steps) {
      const list = stepsOf.get(step.request_id) ?? [];
      list.push({
        provider: step.provider,
        goal: step.goal,
        state: step.state,
        reason: step.reason,
        credits: Number(step.credits),
      });
      stepsOf.set(step.request_id, list);
    }
    return {
      data: page.map((row) => ({
        index: row.index,
        external_id: row.external_id,
        input: row.input,
        occurred_at: row.occurred_at?.toISOString() ?? null,
        job_id: row.request_id,
        status: row.status,
        error: row.error,
        last_enriched_at: row.completed_at?.toISOString() ?? null,
        steps: stepsOf.get(row.request_id) ?? [],
      })),
      next_cursor: rows.length > limit ? (page.at(-1)?.index ?? null) : null,
    };
  }

  /**
   * Cancels the batch: it is marked cancelled and loses its schedule, and every unfinished job of
   * it (of any run) is cancelled in the same transaction, as `POST /v1/jobs/:id/cancel` does one:
   * pending steps skipped, then the Redis cancel markers so a step already taken stops before its
   * provider call, and the batch's job scheduler removed. The batch row is locked and written
   * first: a tick holds it locked while it re-enqueues records (and checks it is not cancelled), so
   * the jobs of a tick that got there first are committed, and cancelled here, before this reads
   * them; and of two cancels at once, the second finds the batch cancelled already.
   */
  async cancel(caller: Caller, id: string): Promise<BatchCancel> {
    // A batch's jobs are made without a callback URL today; a job that has one is told all the same.
    let cancelled: CancelledJob[] = [];
    let held: ReleasedHold[] = [];
    let newlyCancelled = false;
    const ids = await this.dataSource.transaction(async (manager) => {
      newlyCancelled = (await this.lockedState(manager, caller, id)).cancelled_at === null;
      await manager.query(
        `UPDATE batches SET cancelled_at = COALESCE(cancelled_at, now()), schedule = NULL
          WHERE id = $1 AND workspace_id = $2`,
        [id, caller.workspaceId],
      );
      const updated = await manager
        .createQueryBuilder()
        .update(EnrichmentRequest)
        .set({ status: 'cancelled', error: 'cancelled by the caller', completedAt: () => 'now()' })
        .where('batch_id = :batchId AND workspace_id = :workspaceId', {
          batchId: id,
          workspaceId: caller.workspaceId,
        })
        .andWhere("status NOT IN ('completed', 'failed', 'cancelled')")
        .returning('id, callback_url')
        .execute();
      cancelled = updated.raw as CancelledJob[];
      const ids = cancelled.map((row) => row.id);
      held = await skipCancelledSteps(manager, caller.workspaceId, ids);
      return ids;
    });
    await this.cancelledJobs.announce(caller.workspaceId, cancelled, held, { batchId: id });
    // A scheduler left behind (Redis away) enqueues nothing: its tick finds the batch cancelled and
    // removes it.
    await this.queue
      .removeJobScheduler(batchRefreshSchedulerId(id))
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'batch scheduler not removed', batchId: id, error: String(error) }),
      );
    return {
      cancelled: ids.length,
      batch: await this.view(caller, id),
      changed: newlyCancelled || ids.length > 0,
    };
  }

  /**
   * Sets (or replaces) the batch's re-enrichment schedule and its job scheduler (whose first tick is
   * at once); a cancelled batch is a 409. Gives the schedule it had before.
   */
  async setSchedule(caller: Caller, id: string, schedule: BatchSchedule): Promise<BatchScheduleChange> {
    // The schedule first: a scheduler with `every` ticks at once, and a tick that finds no
    // schedule (or the batch cancelled) removes its scheduler.
    const previous = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockedState(manager, caller, id);
      if (row.cancelled_at !== null) {
        throw new ConflictException(
          `Batch ${id} was cancelled at ${row.cancelled_at.toISOString()}: a cancelled batch is not enriched again. Create a new batch with its records to enrich them again.`,
        );
      }
      await manager.getRepository(Batch).update({ id, workspaceId: caller.workspaceId }, { schedule });
      return row.schedule;
    });
    await this.upsertScheduler(caller.workspaceId, id);
    return { batch: await this.view(caller, id), previous };
  }

  /** Stops the batch's re-enrichment: no schedule, no job scheduler. Gives the schedule it had. */
  async deleteSchedule(caller: Caller, id: string): Promise<BatchScheduleChange> {
    const previous = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockedState(manager, caller, id);
      if (row.schedule !== null) {
        await manager
          .getRepository(Batch)
          .update({ id, workspaceId: caller.workspaceId }, { schedule: null });
      }
      return row.schedule;
    });
    await this.queue.removeJobScheduler(batchRefreshSchedulerId(id));
    return { batch: await this.view(caller, id), previous };
  }

  /**
   * The batch's schedule and cancellation, its row locked until the transaction ends: of two
   * changes at once (cancels, schedules), the second reads what the first wrote, so it can tell
   * whether it changed anything.
   */
  private async lockedState(
    manager: EntityManager,
    caller: Caller,
    id: string,
  ): Promise<{ schedule: BatchSchedule | null; cancelled_at: Date | null }> {
    const [row] = await manager.query<{ schedule: BatchSchedule | null; cancelled_at: Date | null }[]>(
      'SELECT schedule, cancelled_at FROM batches WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
      [id, caller.workspaceId],
    );
    if (!row) {
      throw new NotFoundException(`No batch ${id} in this workspace.`);
    }
    return row;
  }

  /**
   * The batch's summary over its records' current jobs, computed in PostgreSQL from the jobs'
   * results (jsonb): coverage per provider and per field, failures, distributions of the fields
   * asked, credits. Nothing is loaded into memory beyond the aggregates.
   */
  async summary(caller: Caller, id: string): Promise<BatchSummaryDto> {
    const batch = await this.find(caller, id);
    const latest = `SELECT r.id, r.status, r.error, r.result FROM batch_records br
                      JOIN enrichment_requests r ON r.id = br.request_id
                     WHERE br.batch_id = $1 AND br.workspace_id = $2`;
    const params = [batch.id, caller.workspaceId];
    const fields = batch.fields;
    // A field is known when the result's data holds a non-null value for it.
    const known = (field: string) => `jsonb_typeof(l.result->'data'->${field}) NOT IN ('null')`;
    const [totals] = await this.dataSource.query<
      { records: number; completed: number; failed: number; cancelled: number; unfinished: number }[]
    >(
      `WITH l AS (${latest})
       SELECT count(*)::int AS records,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE status NOT IN ('completed', 'failed', 'cancelled'))::int AS unfinished
         FROM l`,
      params,
    );
    const providers = await this.dataSource.query<{ provider: string; records: number; fields: number }[]>(
      `WITH l AS (${latest})
       SELECT src.value AS provider, count(DISTINCT l.id)::int AS records, count(*)::int AS fields
         FROM l CROSS JOIN LATERAL jsonb_each_text(COALESCE(l.result->'sources', '{}'::jsonb)) src
        WHERE src.key = ANY($3::text[]) AND ${known('src.key')}
        GROUP BY src.value
        ORDER BY fields DESC, provider`,
      [...params, fields],
    );
    const coverage = await this.dataSource.query<{ field: string; answered: number }[]>(
      `WITH l AS (${latest})
       SELECT f.field, count(l.id) FILTER (WHERE ${known('f.field')})::int AS answered
         FROM unnest($3::text[]) AS f(field) CROSS JOIN l
        GROUP BY f.field`,
      [...params, fields],
    );
    const jobErrors = await this.dataSource.query<{ reason: string; count: number }[]>(
      `WITH l AS (${latest})
       SELECT COALESCE(error, 'unknown') AS reason, count(*)::int AS count
         FROM l WHERE status = 'failed'
        GROUP BY 1 ORDER BY count DESC, reason LIMIT ${TOP_VALUES}`,
      params,
    );
    const stepFailures = await this.dataSource.query<
      { provider: string; reason: string; count: number; total: number }[]
    >(
      `WITH l AS (${latest})
       SELECT s.provider, COALESCE(s.reason, s.error, 'unknown') AS reason, count(*)::int AS count,
              (sum(count(*)) OVER ())::int AS total
         FROM l JOIN enrichment_steps s ON s.request_id = l.id AND s.workspace_id = $2
        WHERE s.state = 'failed'
        GROUP BY 1, 2 ORDER BY count DESC, provider, reason LIMIT ${TOP_VALUES}`,
      params,
    );
    // A run's jobs share its correlation id (the first run's request, or the tick's): the last run is
    // the newest first attempt's, which may have re-enqueued only some records (their other jobs are
    // older runs'). A retry (its own request's correlation id) counts in the run of the job it runs
    // again, found by following retry_of back; every attempt counts in all runs.
    const [credits] = await this.dataSource.query<{ last_run: string; all_runs: string }[]>(
      `WITH RECURSIVE last_run AS (
         SELECT r.id FROM enrichment_requests r
          WHERE r.batch_id = $1 AND r.workspace_id = $2 AND r.retry_of IS NULL
            AND r.correlation_id = (
                SELECT n.correlation_id FROM enrichment_requests n
                 WHERE n.batch_id = $1 AND n.workspace_id = $2 AND n.retry_of IS NULL
                 ORDER BY n.created_at DESC, n.id DESC LIMIT 1)
         UNION ALL
         SELECT n.id FROM last_run JOIN enrichment_requests n ON n.retry_of = last_run.id
          WHERE n.batch_id = $1 AND n.workspace_id = $2)
       SELECT COALESCE(sum(s.credits) FILTER (WHERE r.id IN (SELECT id FROM last_run)), 0) AS last_run,
              COALESCE(sum(s.credits), 0) AS all_runs
         FROM enrichment_requests r
         JOIN enrichment_steps s ON s.request_id = r.id
        WHERE r.batch_id = $1 AND r.workspace_id = $2`,
      params,
    );
    const distributions: Record<string, { value: string; count: number }[]> = {};
    for (const [field, key] of Object.entries(DISTRIBUTED_FIELDS)) {
      if (fields.includes(field)) {
        distributions[key] = await this.dataSource.query(distributionSql(latest), [...params, field]);
      }
    }
    if (fields.includes('company_size')) {
      const size = "(l.result->'data'->>'company_size')::numeric";
      distributions.company_sizes = await this.dataSource.query(
        `WITH l AS (${latest})
         SELECT b.bucket AS value, count(*)::int AS count
           FROM (SELECT ${companySizeBucketSql(size)} AS bucket, floor(${size}) AS size
                   FROM l WHERE jsonb_typeof(l.result->'data'->'company_size') = 'number') b
          WHERE b.bucket IS NOT NULL
          GROUP BY b.bucket ORDER BY min(b.size)`,
        params,
      );
    }
    const records = totals?.records ?? 0;
    const answered = new Map(coverage.map((row) => [row.field, row.answered]));
    return {
      batch_id: batch.id,
      records,
      jobs: {
        completed: totals?.completed ?? 0,
        failed: totals?.failed ?? 0,
        cancelled: totals?.cancelled ?? 0,
        unfinished: totals?.unfinished ?? 0,
      },
      providers,
      fields: Object.fromEntries(
        fields.map((field) => {
          const count = answered.get(field) ?? 0;
          return [field, { answered: count, share: records === 0 ? 0 : count / records }];
        }),
      ),
      failures: {
        jobs: totals?.failed ?? 0,
        top_reasons: jobErrors,
        steps: stepFailures[0]?.total ?? 0,
        top_step_reasons: stepFailures.map(({ total: _total, ...row }) => row),
      },
      ...distributions,
      credits_spent: { last_run: Number(credits?.last_run ?? 0), all_runs: Number(credits?.all_runs ?? 0) },
      last_run_at: batch.lastRunAt?.toISOString() ?? null,
      cancelled_at: batch.cancelledAt?.toISOString() ?? null,
    };
  }
}
