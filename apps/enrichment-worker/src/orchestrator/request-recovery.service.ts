import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig, CoreConfig, WorkerConfig } from '@sluice/config';
import {
  addPlanJobs,
  firstCallbackJobs,
  holdLease,
  JOB_NAMES,
  JOB_PRIORITY,
  JobSchedulerKeeper,
  planJobOptions,
  stepJobId,
  stepQueuesOf,
  QUEUE_NAMES,
  recoveryLeaseKey,
  recoveryScanKey,
  releaseLease,
  type CallbackDeliverPayload,
  type EnrichmentPlanPayload,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import {
  startsAtRegister,
  type RequestInput,
  type RequestOptions,
  type RequestType,
} from '@sluice/enrichment';
import { CreditGate } from '../pipeline/credit-gate';
import { Orchestrator } from '../pipeline/orchestrator';

/** Rows read and checked per round trip. */
const SWEEP_BATCH = 500;
/** Pages per scan and tick: bounds a tick's work when thousands of requests or steps wait. */
const SWEEP_PAGES = 10;
/** A scan position unused this long (no worker ran the sweep) is dropped: the scan starts over. */
const SCAN_POSITION_TTL_S = 24 * 3600;

/** Where a scan stopped: the last row read (its `created_at`, to the microsecond, and its id). */
interface ScanPosition {
  position: string;
  id: string;
}

/** A row's position as text that reads back as the same instant, whatever the session's settings. */
function positionOf(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position`;
}

/** Renews the running sweep's lease; false once it was lost (it expired and another sweep took it). */
type RenewLease = () => Promise<boolean>;

/** Before every row: the oldest possible creation time and the lowest uuid. */
const SCAN_START: ScanPosition = { position: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

/** A request whose plan job is to be enqueued again: what its options need. */
interface PlannedRequest {
  id: string;
  workspace_id: string;
  correlation_id: string;
  priority: 'interactive' | 'bulk';
  type: RequestType;
  input: RequestInput;
  options: RequestOptions;
}

interface StrandedRequest extends PlannedRequest {
  position: string;
}

/** Its plan job's options: see {@link planJobOptions}. */
function replanOptions(request: PlannedRequest): ReturnType<typeof planJobOptions> {
  const first = startsAtRegister(request.type, request.input, request.options) ? 'HIGH' : 'LOW';
  return planJobOptions(request.id, request.priority, first);
}

/**
 * SQL: a logged delivery attempt after which the callback is owed no more: the receiver took it
 * (2xx), said never again (410), or the tries ran out. `$5`: CALLBACK_MAX_ATTEMPTS.
 */
const SETTLED_DELIVERY = '(status BETWEEN 200 AND 299 OR status = 410 OR attempt >= $5)';

/** A finished request with a callback URL; `owed`: no delivery of it settled it (SETTLED_DELIVERY). */
interface FinishedWithCallback {
  id: string;
  workspace_id: string;
  owed: boolean;
  position: string;
}

interface PendingStep {
  id: string;
  provider: string;
  request_id: string;
  workspace_id: string;
  correlation_id: string | null;
  priority: 'interactive' | 'bulk' | null;
  position: string;
}

/** Asynchronous provider work of a step erased with its person (see ErasedTask). */
interface ErasedTaskRow {
  id: string;
  provider: string;
  request_id: string;
  workspace_id: string;
  position: string;
}

/**
 * The gateway commits a request before it enqueues the request's plan job. A crash or a Redis
 * failure between the two would strand the request in `queued`; so would a plan job that used up
 * its attempts during an outage. This sweep, run by a BullMQ job scheduler (once per tick across
 * all worker replicas), enqueues the first kind again and retries the second. The plan job id
 * derives from the request id, so a request whose job is still waiting is not planned twice.
 * When Redis loses its data, the scheduler is put back (see {@link JobSchedulerKeeper}) and the
 * sweep enqueues again, from PostgreSQL, every request and step whose job was lost with it, after
 * putting back the operators' pauses lost with them (see {@link CreditGate.restoreOperatorPauses}).
 * It also queues the callback owed for a finished request when no delivery of it is logged and its
 * delivery job is gone (see {@link requeueLostCallbacks}), and the job collecting the charge of an
 * erased step's provider task when it is gone (see {@link requeueLostErasedTasks}).
 */
@Injectable()
export class RequestRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RequestRecovery.name);
  private keeper: JobSchedulerKeeper | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment)
    private readonly queue: Queue<EnrichmentPlanPayload | Record<string, never>>,
    @InjectQueue(QUEUE_NAMES.callbacks) private readonly callbackQueue: Queue<CallbackDeliverPayload>,
    private readonly config: WorkerConfig,
    private readonly callbacks: CallbackConfig,
    private readonly core: CoreConfig,
    private readonly moduleRef: ModuleRef,
    private readonly creditGate: CreditGate,
    private readonly orchestrator: Orchestrator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.keeper = new JobSchedulerKeeper(
      this.queue as Queue,
      [
        {
          id: JOB_NAMES.enrichmentRecover,
          repeat: { every: this.config.requestRecoveryIntervalMs },
          template: {
            name: JOB_NAMES.enrichmentRecover,
            data: {},
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
          },
        },
      ],
      { log: (level, entry) => this.logger[level](entry) },
    );
    await this.keeper.start();
  }

  onApplicationShutdown(): void {
    this.keeper?.stop();
  }

  /**
   * How long a sweep's lease lasts without renewal (it is renewed at every page): long enough for
   * a page on a busy host, short enough that a worker killed mid-sweep holds up the next sweeps
   * for a few intervals at most.
   */
  private get leaseMs(): number {
    return Math.min(Math.max(3 * this.config.requestRecoveryIntervalMs, 10_000), 120_000);
  }

  /**
   * Re-enqueues stranded requests and steps; returns how many, or null when another sweep was still
   * running. One sweep runs at a time across replicas: the scheduler adds each tick's job when the
   * previous one starts, so a sweep slower than the interval (a long backlog on a busy host) had the
   * next ones start beside it, each reading the same rows from the same scan position, up to the
   * orchestrator's concurrency, whose slots the plan jobs then waited for.
   */
  async sweep(): Promise<number | null> {
    const redis = await this.redis();
    const key = recoveryLeaseKey(this.core.queuePrefix);
    const owner = randomUUID();
    if (!(await holdLease(redis, key, owner, this.leaseMs))) {
      return null;
    }
    const renew: RenewLease = () => holdLease(redis, key, owner, this.leaseMs);
    try {
      // Lost work goes back on its queues only once the operators' pauses lost with it are back.
      await this.creditGate.restoreOperatorPauses();
      const cutoff = new Date(Date.now() - this.config.requestRecoveryAfterMs);
      let enqueued = await this.requeueStrandedRequests(cutoff, renew);
      enqueued += await this.unstickRunning(cutoff);
      enqueued += await this.requeueLostSteps(cutoff, renew);
      enqueued += await this.requeueLostErasedTasks(cutoff, renew);
      if (enqueued > 0) {
        this.logger.warn({ msg: 're-enqueued stranded requests', count: enqueued });
      }
      const callbacks = await this.requeueLostCallbacks(cutoff, renew);
      if (callbacks.length > 0) {
        this.logger.warn({
          msg: 'callbacks owed and never sent queued again',
          count: callbacks.length,
          requestIds: callbacks.slice(0, 50),
        });
      }
      return enqueued + callbacks.length;
    } finally {
      await releaseLease(redis, key, owner).catch(() => undefined);
    }
  }

  /**
   * A `queued` request whose plan job is gone gets it back; one whose plan job ran out of attempts
   * (e.g. through a long outage) while the request still waits has it retried. A request the plan
   * refused is no longer `queued`.
   */
  private async requeueStrandedRequests(cutoff: Date, renew: RenewLease): Promise<number> {
    let enqueued = 0;
    await this.scan<StrandedRequest>(
      'requests',
      renew,
      (after, limit) =>
        this.dataSource.query(
          `SELECT id, workspace_id, correlation_id, priority, type, input, options, ${positionOf('created_at')}
             FROM enrichment_requests
            WHERE status = 'queued' AND created_at < $1
              AND (created_at, id) > ($2::timestamptz, $3::uuid)
            ORDER BY created_at, id
            LIMIT ${limit}`,
          [cutoff, after.position, after.id],
        ),
      async (page) => {
        enqueued += await this.restoreJobs(
          page.map((request) => ({
            queues: [this.queue as Queue],
            jobId: `plan-${request.id}`,
            add: () =>
              addPlanJobs(this.queue as Queue, [
                {
                  name: JOB_NAMES.enrichmentPlan,
                  data: {
                    requestId: request.id,
                    workspaceId: request.workspace_id,
                    correlationId: request.correlation_id,
                  },
                  opts: replanOptions(request),
                },
              ]),
          })),
        );
      },
    );
    return enqueued;
  }

  /**
   * A worker killed between settling a step and planning the next leaves its request `running`
   * with nothing pending: plan it again (the orchestrator is idempotent under its row lock).
   */
  private async unstickRunning(cutoff: Date): Promise<number> {
    const rows = await this.dataSource.query<(PlannedRequest & { updated_at: Date })[]>(
      `SELECT r.id, r.workspace_id, r.correlation_id, r.priority, r.type, r.input, r.options, r.updated_at
         FROM enrichment_requests r
        WHERE r.status = 'running' AND r.updated_at < $1
          AND NOT EXISTS (SELECT 1 FROM enrichment_steps s WHERE s.request_id = r.id AND s.state = 'pending')
          AND NOT EXISTS (SELECT 1 FROM enrichment_steps s WHERE s.request_id = r.id AND s.completed_at >= $1)
        ORDER BY r.updated_at
        LIMIT ${SWEEP_BATCH}`,
      [cutoff],
    );
    for (const row of rows) {
      await addPlanJobs(this.queue as Queue, [
        {
          name: JOB_NAMES.enrichmentPlan,
          data: { requestId: row.id, workspaceId: row.workspace_id, correlationId: row.correlation_id },
          opts: { ...replanOptions(row), jobId: `replan-${row.id}-${Date.now()}` },
        },
      ]);
    }
    return rows.length;
  }

  /**
   * A pending step whose job is gone (removed, or failed for good through an outage) gets it back,
   * once nothing has touched the step for the recovery delay: a run may outlive its job.
   */
  private async requeueLostSteps(cutoff: Date, renew: RenewLease): Promise<number> {
    let requeued = 0;
    await this.scan<PendingStep>(
      'steps',
      renew,
      (after, limit) =>
        this.dataSource.query(
          `SELECT s.id, s.provider, s.request_id, s.workspace_id, ${positionOf('s.created_at')},
                  r.correlation_id, r.priority
             FROM enrichment_steps s
             LEFT JOIN enrichment_requests r ON r.id = s.request_id
            WHERE s.state = 'pending' AND s.created_at < $1
              -- Taken (or waiting on its task) since the cutoff: a run may still hold it even
              -- though its job is gone with Redis's data; a second run would ask the provider again.
              AND s.updated_at < $1
              AND (s.created_at, s.id) > ($2::timestamptz, $3::uuid)
            ORDER BY s.created_at, s.id
            LIMIT ${limit}`,
          [cutoff, after.position, after.id],
        ),
      async (page) => {
        requeued += await this.restoreJobs(
          page.map((step) => {
            const queues = stepQueuesOf(this.moduleRef, step.provider as ProviderName);
            return {
              // Its job may be on either of the provider's queues: its workspace may have stored or
              // removed its own credentials since the step was enqueued.
              queues: [queues.platform, queues.ownAccounts],
              jobId: stepJobId(step.id),
              // Where the orchestrator would put it now.
              add: () =>
                this.orchestrator.enqueueStep(
                  step.provider as ProviderName,
                  {
                    stepId: step.id,
                    requestId: step.request_id,
                    workspaceId: step.workspace_id,
                    correlationId: step.correlation_id ?? '',
                  },
                  JOB_PRIORITY[step.priority ?? 'bulk'],
                ),
            };
          }),
        );
      },
    );
    return requeued;
  }

  /**
   * The asynchronous work of a step erased with its person is collected by the step's job, which
   * finds the step gone and the task kept (see ErasedTask): the provider charges for that work
   * when it finishes, step or not. A job lost (with Redis's data) while it waited on the task is
   * given back, so that the charge still reaches the ledger; the erasure left no step for
   * `requeueLostSteps` to find. A job added for a task collected meanwhile finds neither and ends.
   */
  private async requeueLostErasedTasks(cutoff: Date, renew: RenewLease): Promise<number> {
    let requeued = 0;
    await this.scan<ErasedTaskRow>(
      'erased-tasks',
      renew,
      (after, limit) =>
        this.dataSource.query(
          `SELECT t.step_id AS id, t.provider, t.request_id, t.workspace_id, ${positionOf('t.created_at')}
             FROM erased_tasks t
            WHERE t.created_at < $1
              AND (t.created_at, t.step_id) > ($2::timestamptz, $3::uuid)
            ORDER BY t.created_at, t.step_id
            LIMIT ${limit}`,
          [cutoff, after.position, after.id],
        ),
      async (page) => {
        requeued += await this.restoreJobs(
          page.map((task) => {
            const queues = stepQueuesOf(this.moduleRef, task.provider as ProviderName);
            return {
              queues: [queues.platform, queues.ownAccounts],
              jobId: stepJobId(task.id),
              add: () =>
                this.orchestrator.enqueueStep(
                  task.provider as ProviderName,
                  {
                    stepId: task.id,
                    requestId: task.request_id,
                    workspaceId: task.workspace_id,
                    correlationId: '',
                  },
                  JOB_PRIORITY.bulk,
                ),
            };
          }),
        );
      },
    );
    return requeued;
  }

  /**
   * A finished request with a callback URL is owed its callback until a delivery settles it (see
   * SETTLED_DELIVERY). Its delivery job is all that carries it meanwhile, the first attempt's and
   * each retry's alike, and it is lost with Redis's data (while the delivery waited for its turn or
   * for its next try, the receiver down), when the gateway could not queue a cancelled job's
   * callback, or when a worker died between finishing the request and queueing it. A request that
   * ended more than the recovery delay ago and at most `CALLBACK_RECOVERY_MAX_AGE_MS` ago, still
   * owed, with no delivery job (on the callbacks queue, or under the same id on the enrichment
   * queue where an earlier version queued it), gets that same job again; its tries start over. A job
   * failed for good (a refused URL, no webhook secret) is left as it is: Bull Board keeps it, and
   * the sweep does not try again while it is there. Its id derives from the request, so a second
   * add meanwhile is a no-op; a job completed and then removed (`removeOnComplete`) logged its
   * settling attempt first, and the deliveries are read again after Redis answered, so a delivery
   * that ended between the two reads is not sent again. Returns the ids queued.
   */
  private async requeueLostCallbacks(cutoff: Date, renew: RenewLease): Promise<string[]> {
    if (this.config.callbackRecoveryMaxAgeMs === 0) {
      return [];
    }
    const oldest = new Date(Date.now() - this.config.callbackRecoveryMaxAgeMs);
    const queued: string[] = [];
    await this.scan<FinishedWithCallback>(
      'callbacks',
      renew,
      (after, limit) =>
        this.dataSource.query(
          // One look at each row's deliveries (LIMIT 1), by their index: never the whole log hashed.
          `SELECT r.id, r.workspace_id, ${positionOf('r.completed_at')}, d.settled IS NULL AS owed
             FROM enrichment_requests r
             LEFT JOIN LATERAL (
               SELECT true AS settled FROM callback_deliveries
                WHERE request_id = r.id AND ${SETTLED_DELIVERY}
                LIMIT 1
             ) d ON true
            WHERE r.callback_url IS NOT NULL AND r.completed_at IS NOT NULL
              AND r.status IN ('completed', 'failed', 'cancelled')
              AND r.completed_at < $1 AND r.completed_at >= $2
              AND (r.completed_at, r.id) > ($3::timestamptz, $4::uuid)
            ORDER BY r.completed_at, r.id
            LIMIT ${limit}`,
          [cutoff, oldest, after.position, after.id, this.callbacks.maxAttempts],
        ),
      async (page) => {
        const owed = page.filter((request) => request.owed);
        if (owed.length === 0) {
          return;
        }
        const queues = [this.callbackQueue as Queue, this.queue as Queue];
        const states = await jobStates(
          await this.redis(),
          owed.flatMap((request) =>
            queues.map((queue) => ({ queue, jobId: `callback-${request.id}-first` })),
          ),
        );
        const gone = owed.filter((_, index) =>
          states
            .slice(index * queues.length, (index + 1) * queues.length)
            .every((state) => state === 'missing'),
        );
        if (gone.length === 0) {
          return;
        }
        const logged = await this.dataSource.query<{ request_id: string }[]>(
          `SELECT DISTINCT request_id FROM callback_deliveries
            WHERE request_id = ANY($1::uuid[]) AND ${SETTLED_DELIVERY.replace('$5', '$2')}`,
          [gone.map((request) => request.id), this.callbacks.maxAttempts],
        );
        const delivered = new Set(logged.map((row) => row.request_id));
        const lost = gone.filter((request) => !delivered.has(request.id));
        if (lost.length === 0) {
          return;
        }
        await this.callbackQueue.addBulk(
          firstCallbackJobs(
            lost.map((request) => ({ id: request.id, workspaceId: request.workspace_id })),
            this.callbacks,
          ),
        );
        queued.push(...lost.map((request) => request.id));
      },
    );
    return queued;
  }

  /**
   * Reads the rows of one scan (`queued` requests, `pending` steps, finished requests with a
   * callback URL, the last in order of their end) a page at a time, in order of
   * creation, from where the previous tick stopped, and hands each page over to be checked. A
   * scan that always began with the oldest rows would never see past a backlog: with a provider
   * paused for credits, its thousands of waiting steps all have their jobs, and a lost one newer
   * than the first page would never be found. So the position reached is kept in Redis between
   * ticks (whichever replica runs the next one carries on; lost with Redis's data, the scan just
   * starts again from the oldest), and a scan that reaches the newest row starts again from the
   * oldest at the next tick. At most SWEEP_PAGES pages are read per tick. The sweep's lease is
   * renewed after each page; a sweep that lost it stops there and leaves the position to the other.
   */
  private async scan<Row extends { id: string; position: string }>(
    name: 'requests' | 'steps' | 'erased-tasks' | 'callbacks',
    renew: RenewLease,
    read: (after: ScanPosition, limit: number) => Promise<Row[]>,
    check: (page: Row[]) => Promise<void>,
  ): Promise<void> {
    const redis = await this.redis();
    const key = recoveryScanKey(this.core.queuePrefix, name);
    const kept = await redis.get(key);
    let after: ScanPosition = kept ? (JSON.parse(kept) as ScanPosition) : SCAN_START;
    for (let pages = 0; pages < SWEEP_PAGES; pages += 1) {
      const page = await read(after, SWEEP_BATCH);
      await check(page);
      if (!(await renew())) {
        return;
      }
      if (page.length < SWEEP_BATCH) {
        after = SCAN_START;
        break;
      }
      const last = page[page.length - 1];
      after = { position: last.position, id: last.id };
    }
    await redis.set(key, JSON.stringify(after), 'EX', SCAN_POSITION_TTL_S);
  }

  /**
   * Of these jobs (a page of one scan), retries those that failed for good and adds again those
   * that are gone; returns how many. A job is looked for on each of its `queues` (a step's, on both
   * of its provider's): gone only when it is on none.
   *
   * A job that completed while PostgreSQL still has its request `queued` or its step `pending` ran
   * for rows PostgreSQL no longer has as it left them: the database was restored from a backup
   * older than Redis's data (a job completes only once its request or step has moved on). BullMQ
   * keeps completed jobs for a day and ignores a second add under their ids, so such work would wait
   * that long, or for good on a quiet queue. The completed job is removed and the job added again;
   * it runs what the restored rows say is left to do (an answer paid for before the restore comes
   * from the cache).
   */
  private async restoreJobs(
    jobs: readonly { queues: readonly Queue[]; jobId: string; add: () => Promise<unknown> }[],
  ): Promise<number> {
    const places = jobs.flatMap(({ queues, jobId }) => queues.map((queue) => ({ queue, jobId })));
    const states = await jobStates(await this.redis(), places);
    let restored = 0;
    const completedAgain: string[] = [];
    let at = 0;
    for (const job of jobs) {
      const found = job.queues.map((queue, index) => ({ queue, state: states[at + index] }));
      at += job.queues.length;
      if (found.some(({ state }) => state === 'present')) {
        continue;
      }
      const failed = found.find(({ state }) => state === 'failed');
      if (failed) {
        await (await failed.queue.getJob(job.jobId))?.retry('failed');
        restored += 1;
        continue;
      }
      for (const { queue, state } of found) {
        if (state === 'completed') {
          await queue.remove(job.jobId);
          completedAgain.push(job.jobId);
        }
      }
      await job.add();
      restored += 1;
    }
    if (completedAgain.length > 0) {
      this.logger.warn({
        msg: 'jobs completed in Redis for requests or steps PostgreSQL has as still to do (PostgreSQL restored from an older backup?): queued again',
        count: completedAgain.length,
        jobIds: completedAgain.slice(0, 50),
      });
    }
    return restored;
  }

  /** BullMQ types its connection minimally; it is the ioredis client the queue was given. */
  private async redis(): Promise<Redis> {
    return (await this.queue.client) as unknown as Redis;
  }
}

/**
 * Whether each job exists, and whether it failed for good or completed, in one round trip: an
 * EXISTS on the job's hash and a ZSCORE in its queue's `failed` and `completed` sets per job (keys
 * named by the queue itself). Reading each job with `Queue.getJob` would cost a round trip (and a
 * whole job) per row, most of them for jobs simply waiting their turn.
 */
async function jobStates(
  redis: Redis,
  jobs: readonly { queue: Queue; jobId: string }[],
): Promise<('missing' | 'failed' | 'completed' | 'present')[]> {
  if (jobs.length === 0) {
    return [];
  }
  const batch = redis.pipeline();
  for (const { queue, jobId } of jobs) {
    batch.exists(queue.toKey(jobId));
    batch.zscore(queue.keys.failed, jobId);
    batch.zscore(queue.keys.completed, jobId);
  }
  const replies = await batch.exec();
  const noAnswer: [Error, null] = [new Error('no answer from Redis'), null];
  return jobs.map((_, index) => {
    const [existsError, exists] = replies?.[3 * index] ?? noAnswer;
    const [failedError, failed] = replies?.[3 * index + 1] ?? noAnswer;
    const [completedError, completed] = replies?.[3 * index + 2] ?? noAnswer;
    // An answer missing or refused is not a missing job: the sweep stops and the next tick reads again.
    if (existsError || failedError || completedError) {
      throw existsError ?? failedError ?? completedError ?? new Error('no answer from Redis');
    }
    if (exists === 0) {
      return 'missing';
    }
    if (failed !== null) {
      return 'failed';
    }
    return completed === null ? 'present' : 'completed';
  });
}
