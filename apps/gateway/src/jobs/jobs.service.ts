import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DependencyUnavailableError } from '@sluice/platform';
import {
  EnrichmentRequest,
  EnrichmentStep,
  preparedSql,
  queryPrepared,
  skipCancelledSteps,
  type ReleasedHold,
} from '@sluice/db';
import {
  providerTierOf,
  startsAtRegister,
  type RequestInput,
  type RequestOptions,
  type RequestType,
} from '@sluice/enrichment';
import {
  addPlanJobs,
  JOB_NAMES,
  planJobOptions,
  QUEUE_NAMES,
  type EnrichmentPlanPayload,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource, In, type EntityManager } from 'typeorm';
import { dropWorkRecord, recordWork, recordsWork } from '../auth/idempotent-work';
import type { Caller } from '../auth/request-context';
import { encodeKeysetCursor } from '../keyset-cursor';
import { SUPPRESSED_MESSAGE, SuppressionCheck } from '../persons/suppression-check';
import type { RejectedJob } from './bulk-jobs';
import { CancelledJobs, type CancelledJob } from './cancelled-jobs.service';
import type { JobListQuery } from './job-list';
import {
  claimOriginal,
  holdBatchRecord,
  repointRecord,
  retryConflict,
  unlinkRetry,
  type HeldRecord,
  type RetryLink,
} from './job-retry';
import { toJobView, type JobView } from './job-view';

/** A job in a list: what it is and how it stands (the steps and result are at GET /v1/jobs/:id). */
export interface JobSummary {
  id: string;
  type: string;
  status: string;
  priority: string;
  input: Record<string, unknown>;
  error: string | null;
  /** As the job's own view: the chain of retries it is in (see `JobView`). */
  retry_of: string | null;
  retried_as: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface NewJob {
  type: RequestType;
  input: RequestInput;
  priority: 'interactive' | 'bulk';
  callbackUrl: string | null;
  maxCredits: number | null;
  options: RequestOptions;
  /** The CSV import the job comes from (`POST /v1/imports`), or its original's for a retry. */
  importId?: string | null;
  /** For a retry, its original's batch. */
  batchId?: string | null;
  /** For a retry, the job it runs again (see `EnrichmentRequest.retryOf`). */
  retryOf?: string;
  /** For a retry, when the first attempt was made (see `EnrichmentRequest.firstAttemptAt`). */
  firstAttemptAt?: Date;
}

/**
 * New requests from a JSON array of rows (the caller's workspace, key, tier and correlation id apply
 * to all), none if the workspace has suppressed any of the identifier hashes `$6`. Asked under the
 * workspace's erasure lock held shared (`sluice_erasure_guard`, once per statement): an erasure
 * records its suppression under that lock held exclusively, so these rows either commit before the
 * suppression (and the erasure's deletions, which begin after it, find them) or find it. A plain
 * check let rows naming the person commit after the erasure had searched the table.
 */
const INSERT_REQUESTS_SQL = preparedSql(
  `INSERT INTO enrichment_requests (id, workspace_id, api_key_id, tier, correlation_id, import_id, batch_id,
          type, input, priority, status, max_credits, options, callback_url, first_attempt_at, retry_of)
   SELECT x.id, $1, $2, $3, $4, x.import_id, x.batch_id, x.type, x.input, x.priority, 'queued', x.max_credits,
          x.options, x.callback_url, x.first_attempt_at, x.retry_of
     FROM jsonb_to_recordset($5::jsonb) AS x(id uuid, import_id uuid, batch_id uuid, type text, input jsonb,
          priority text, max_credits numeric, options jsonb, callback_url text, first_attempt_at timestamptz,
          retry_of uuid)
    WHERE NOT (SELECT sluice_erasure_guard($1::uuid, $6::text[]))
   RETURNING id`,
);

@Injectable()
export class JobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue<EnrichmentPlanPayload>,
    private readonly suppression: SuppressionCheck,
    private readonly cancelledJobs: CancelledJobs,
  ) {}

  /**
   * Stores the request, then enqueues its planning. The row is committed before the job exists, so
   * a worker can never pick up a plan whose request it cannot see yet. If Redis refuses the job the
   * row is deleted again and the caller gets a 503 to retry; if even that delete fails (PostgreSQL
   * went away too), the request stays `queued` and the worker's recovery sweep enqueues it later.
   */
  async create(caller: Caller, job: NewJob, correlationId: string): Promise<{ id: string; status: string }> {
    return (await this.createMany(caller, [job], correlationId))[0];
  }

  /**
   * Stores many jobs in one INSERT, then enqueues their plans in one call; if Redis refuses, the
   * rows are deleted again and the caller gets a 503 (all or nothing).
   */
  async createMany(
    caller: Caller,
    jobs: readonly NewJob[],
    correlationId: string,
  ): Promise<{ id: string; status: string }[]> {
    // Erased people are refused before anything is written or spent: the insert itself checks.
    const hashes = this.suppression.hashes(jobs.map((job) => job.input as Record<string, unknown>));
    return this.insert(caller, jobs, correlationId, hashes);
  }

  /**
   * Stores and enqueues `job`, a retry of `link.original`, as {@link create} does a job. The retry
   * keeps its original's CSV import and batch, and stands for it there. In one transaction, the
   * original is claimed (`retried_as`; unless the caller holds it), its batch record is pointed at
   * the retry, and the retry is written: a record never points at a job that is not stored, and a
   * batch's refresh tick or cancel (which lock the batch too) sees either the original or the retry.
   * If Redis refuses the plan, all of it is undone. A 409 when the job was retried already, its batch
   * was cancelled, or its record has a newer job.
   */
  async createRetry(
    caller: Caller,
    link: RetryLink,
    job: NewJob,
    correlationId: string,
  ): Promise<{ id: string; status: string }> {
    const hashes = this.suppression.hashes([job.input as Record<string, unknown>]);
    const retry: NewJob = {
      ...job,
      importId: link.original.importId,
      batchId: link.original.batchId,
      retryOf: link.original.id,
    };
    try {
      return (await this.insert(caller, [retry], correlationId, hashes, link))[0];
    } catch (error) {
      throw await retryConflict(error, this.dataSource, caller.workspaceId, link.original.id);
    }
  }

  /**
   * The checked jobs of a list (bulk jobs, enrich records), each with its index in the list: those
   * naming a suppressed person join `rejected`, the others are created together. Not one left: a
   * 400 listing every refusal, and nothing written.
   */
  async createListed(
    caller: Caller,
    valid: readonly { index: number; job: NewJob }[],
    rejected: readonly RejectedJob[],
    correlationId: string,
    nothingAccepted: string,
  ): Promise<{ accepted: { index: number; id: string }[]; rejected: RejectedJob[] }> {
    const { allowed, refused } = await this.suppression.partition(
      caller.workspaceId,
      valid,
      (entry) => entry.job.input as Record<string, unknown>,
    );
    const refusals = [
      ...rejected,
      ...refused.map((entry) => ({ index: entry.index, errors: [SUPPRESSED_MESSAGE] })),
    ].sort((a, b) => a.index - b.index);
    if (allowed.length === 0) {
      throw new BadRequestException({ message: nothingAccepted, rejected: refusals });
    }
    const jobs = allowed.map((entry) => entry.job);
    // Checked again by the insert, under the erasure lock: an erasure may have recorded its
    // suppression since the check above. Then nothing was written, and the list is checked again.
    const created = await this.insert(
      caller,
      jobs,
      correlationId,
      this.suppression.hashes(jobs.map((job) => job.input as Record<string, unknown>)),
    ).catch((error: unknown) => {
      if (error instanceof UnprocessableEntityException && error.message === SUPPRESSED_MESSAGE) {
        return null;
      }
      throw error;
    });
    if (created === null) {
      return this.createListed(caller, valid, rejected, correlationId, nothingAccepted);
    }
    return {
      accepted: created.map((job, i) => ({ index: (allowed[i] as { index: number }).index, id: job.id })),
      rejected: refusals,
    };
  }

  /**
   * Inserts the jobs and enqueues their plans — or nothing, with a 422, when the workspace has
   * suppressed any of `suppressionHashes` (checked by the insert itself: one round trip).
   */
  private async insert(
    caller: Caller,
    jobs: readonly NewJob[],
    correlationId: string,
    suppressionHashes: readonly string[],
    retry?: RetryLink,
  ): Promise<{ id: string; status: string }[]> {
    const client = await this.planQueue.client;
    if (client.status !== 'ready') {
      // Fail before touching PostgreSQL: the caller retries, nothing is half-written.
      throw new DependencyUnavailableError('redis');
    }
    // The ids are drawn here, so the one INSERT's text is the same for any number of rows: one
    // prepared statement (no wrapping transaction: one statement is atomic) — unless the request runs
    // under an Idempotency-Key whose route records its work, or is a retry linked to its original,
    // written in the same transaction.
    const rows = jobs.map((job) => ({ id: randomUUID(), job }));
    const retryId = retry ? rows[0].id : '';
    let record: HeldRecord | null = null;
    const parameters = [
      caller.workspaceId,
      caller.apiKeyId,
      providerTierOf(caller.tier),
      correlationId,
      JSON.stringify(
        rows.map(({ id, job }) => ({
          id,
          import_id: job.importId ?? null,
          batch_id: job.batchId ?? null,
          type: job.type,
          input: job.input,
          priority: job.priority,
          max_credits: job.maxCredits,
          options: job.options,
          callback_url: job.callbackUrl,
          first_attempt_at: job.firstAttemptAt?.toISOString() ?? null,
          retry_of: job.retryOf ?? null,
        })),
      ),
      suppressionHashes,
    ];
    const inserted =
      recordsWork() || retry
        ? await this.dataSource.transaction(async (manager) => {
            const { original } = retry ?? {};
            if (retry && original && !retry.claimed) {
              await claimOriginal(manager, caller.workspaceId, original.id, retryId);
            }
            record =
              original?.batchId != null
                ? await holdBatchRecord(manager, caller.workspaceId, {
                    ...original,
                    batchId: original.batchId,
                  })
                : null;
            const made = await queryPrepared<unknown[]>(manager, INSERT_REQUESTS_SQL, parameters);
            if (made.length === rows.length) {
              if (record && original?.batchId) {
                await repointRecord(manager, caller.workspaceId, original.batchId, record, retryId);
              }
              await recordWork(manager, { job_ids: rows.map(({ id }) => id) });
            } else if (retry) {
              // Suppressed: nothing written, and the original is not claimed either.
              throw new UnprocessableEntityException(SUPPRESSED_MESSAGE);
            }
            return made;
          })
        : await queryPrepared<unknown[]>(this.dataSource, INSERT_REQUESTS_SQL, parameters);
    if (inserted.length < rows.length) {
      throw new UnprocessableEntityException(SUPPRESSED_MESSAGE);
    }
    const plans = rows.map(({ id, job }) => ({
      name: JOB_NAMES.enrichmentPlan,
      data: { requestId: id, workspaceId: caller.workspaceId, correlationId },
      opts: planJobOptions(
        id,
        job.priority,
        startsAtRegister(job.type, job.input, job.options) ? 'HIGH' : 'LOW',
      ),
    }));
    try {
      // Bulk plans at their workspace's turn; one job (POST /v1/jobs) without a pipeline.
      await addPlanJobs(this.planQueue, plans);
    } catch (error) {
      // Undone together with the record of the work under the request's key, if any: a retry of a
      // request whose jobs are gone must run again.
      await this.dataSource
        .transaction(async (manager) => {
          if (retry) {
            await unlinkRetry(manager, caller.workspaceId, retry, record, retryId);
          }
          await manager
            .getRepository(EnrichmentRequest)
            .delete({ id: In(rows.map((row) => row.id)), workspaceId: caller.workspaceId });
          await dropWorkRecord(manager);
        })
        .catch(() => undefined);
      throw error;
    }
    return rows.map(({ id }) => ({ id, status: 'queued' }));
  }

  /**
   * Cancels a job that has not finished: its pending steps are skipped and workers check the
   * request's status right before every provider call, so no further credit is spent on it.
   */
  async cancel(caller: Caller, id: string): Promise<JobView> {
    let cancelled: CancelledJob[] = [];
    let held: ReleasedHold[] = [];
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(EnrichmentRequest)
        .set({ status: 'cancelled', error: 'cancelled by the caller', completedAt: () => 'now()' })
        .where('id = :id AND workspace_id = :workspaceId', { id, workspaceId: caller.workspaceId })
        .andWhere("status NOT IN ('completed', 'failed', 'cancelled')")
        .returning('id, callback_url')
        .execute();
      cancelled = updated.raw as CancelledJob[];
      if (cancelled.length > 0) {
        held = await skipCancelledSteps(manager, caller.workspaceId, [id]);
      }
    });
    await this.cancelledJobs.announce(caller.workspaceId, cancelled, held, { id });
    const view = await this.get(caller, id);
    if (view.status !== 'cancelled') {
      throw new ConflictException(
        `Job ${id} is already ${view.status}; only unfinished jobs can be cancelled.`,
      );
    }
    return view;
  }

  /**
   * The caller's jobs, newest first, a page at a time: keyset pagination on (created_at, id), so a
   * page costs the same however deep it is and jobs arriving meanwhile never shift it.
   */
  async list(
    caller: Caller,
    query: JobListQuery,
  ): Promise<{ data: JobSummary[]; next_cursor: string | null }> {
    const rows = await this.dataSource.query<
      {
        id: string;
        type: string;
        status: string;
        priority: string;
        input: Record<string, unknown>;
        error: string | null;
        retry_of: string | null;
        retried_as: string | null;
        created_at: Date;
        created_key: string;
        updated_at: Date;
        completed_at: Date | null;
      }[]
    >(
      // created_key is the cursor's position: microseconds, where a Date would keep milliseconds.
      `SELECT id, type, status, priority, input, error, retry_of, retried_as, created_at,
              created_at::text AS created_key, updated_at, completed_at
         FROM enrichment_requests
        WHERE workspace_id = $1
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR type = $3)
          AND ($4::timestamptz IS NULL OR created_at >= $4)
          AND ($5::timestamptz IS NULL OR created_at < $5)
          AND ($6::timestamptz IS NULL OR (created_at, id) < ($6::timestamptz, $7::uuid))
          AND ($9::uuid IS NULL OR import_id = $9)
        ORDER BY created_at DESC, id DESC
        LIMIT $8`,
      [
        caller.workspaceId,
        query.status ?? null,
        query.type ?? null,
        query.createdAfter ?? null,
        query.createdBefore ?? null,
        query.after?.at ?? null,
        query.after?.id ?? null,
        query.limit + 1,
        query.importId ?? null,
      ],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => ({
        id: row.id,
        type: row.type,
        status: row.status,
        priority: row.priority,
        input: row.input,
        error: row.error,
        retry_of: row.retry_of,
        retried_as: row.retried_as,
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
        completed_at: row.completed_at?.toISOString() ?? null,
      })),
      next_cursor: rows.length > query.limit && last ? encodeKeysetCursor(last.created_key, last.id) : null,
    };
  }

  /**
   * Records that job `id` was run again as job `retriedAs` (see `EnrichmentRequest.retriedAs`), in
   * `manager`'s transaction when given one.
   */
  async markRetried(
    caller: Pick<Caller, 'workspaceId'>,
    id: string,
    retriedAs: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(
      'UPDATE enrichment_requests SET retried_as = $3 WHERE id = $1 AND workspace_id = $2',
      [id, caller.workspaceId, retriedAs],
    );
  }

  /** The caller's job; another workspace's job is indistinguishable from a missing one (404). */
  async find(caller: Caller, id: string): Promise<EnrichmentRequest> {
    const request = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOneBy({ id, workspaceId: caller.workspaceId });
    if (!request) {
      throw new NotFoundException(`No job ${id} in this workspace.`);
    }
    return request;
  }

  async get(caller: Caller, id: string): Promise<JobView> {
    const request = await this.find(caller, id);
    const steps = await this.dataSource
      .getRepository(EnrichmentStep)
      .findBy({ requestId: id, workspaceId: caller.workspaceId });
    return toJobView(request, steps);
  }
}
