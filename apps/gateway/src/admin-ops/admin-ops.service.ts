import { messagesOf } from '../http-errors';
import { InjectQueue } from '@nestjs/bullmq';
import { ConflictException, Injectable, HttpException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig } from '@sluice/config';
import type { RequestInput, RequestOptions, RequestType } from '@sluice/enrichment';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { Quotas } from '../credits/quotas.service';
import { storedInputOf } from '../jobs/job-input';
import { JobsService } from '../jobs/jobs.service';
import { workspaceOr404 } from '../admin/workspace-or-404';

/** Redis glob metacharacters, escaped so that a filter value matches only itself. */
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export interface RetryFilter {
  workspaceId?: string;
  since?: Date;
  type?: string;
  limit: number;
}

export interface RetryOutcome {
  matched: number;
  retried: number;
  refused: number;
  jobs: { retry_of: string; id: string }[];
  refusals: { job_id: string; reason: string }[];
}

/** Ops actions over the whole platform: cache clearing and bulk retries. */
@Injectable()
export class AdminOps {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue,
    private readonly core: CoreConfig,
    private readonly jobs: JobsService,
    private readonly quotas: Quotas,
  ) {}

  /**
   * An ops filter's workspace exists: a mistyped or deleted workspace's id matches nothing, and the
   * action would answer as if it had found nothing to do (a cache "cleared", no job to retry).
   */
  async requireWorkspace(id: string | null | undefined): Promise<void> {
    if (id) {
      await workspaceOr404(this.dataSource, id);
    }
  }

  private redis(): Promise<Redis> {
    // BullMQ types its connection minimally; it is the ioredis client the queue was given.
    return this.planQueue.client as unknown as Promise<Redis>;
  }

  /**
   * Deletes the pipeline's cached provider answers (`<prefix>:pipeline:cache:<workspace>:<provider>:
   * <operation>:<hash>`) matching the filters, walking the keys with SCAN (never KEYS, which blocks
   * Redis), and the real-time answer cache of the workspaces concerned: an answer there is built from
   * provider answers and cannot be told apart by provider, so it goes with them.
   */
  async clearCache(filter: {
    provider?: string;
    operation?: string;
    workspaceId?: string;
  }): Promise<{ deleted: number; answers_deleted: number }> {
    const redis = await this.redis();
    const workspace = filter.workspaceId ? escapeGlob(filter.workspaceId) : '*';
    const provider = filter.provider ? escapeGlob(filter.provider) : '*';
    const operation = filter.operation ? escapeGlob(filter.operation) : '*';
    const prefix = escapeGlob(this.core.queuePrefix);
    const deleted = await this.deleteMatching(
      redis,
      `${prefix}:pipeline:cache:${workspace}:${provider}:${operation}:*`,
    );
    const answers = await this.deleteMatching(redis, `${prefix}:enrich:answer:${workspace}:*`);
    return { deleted, answers_deleted: answers };
  }

  private async deleteMatching(redis: Redis, pattern: string): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        deleted += await redis.unlink(...keys);
      }
    } while (cursor !== '0');
    return deleted;
  }

  /**
   * Runs failed jobs again as new jobs (like POST /v1/jobs/:id/retry: each retry keeps its job's
   * import and batch), oldest first, each on behalf of its workspace and API key. A job the
   * workspace's quotas refuse, or whose batch was cancelled or has re-enqueued its record since, is
   * counted, not retried.
   *
   * Each failed job is run again once: a job already retried (`retried_as`, set here and by the
   * per-job retry, or a retry naming it in `retry_of`) is not taken, and the jobs taken stay locked
   * until their retries are recorded, so a second call, at once or later (an operator repeating a
   * request whose answer was lost), runs none of them again — the retries themselves, if they fail,
   * are failed jobs of their own. The lock is held while the new jobs are created (their own
   * transactions, on other connections, which lock no original: `retry_of` has no foreign key). A
   * creation that fails (Redis away: 503) ends the run, and the retries made before it are recorded
   * all the same before the failure is answered; a process that dies meanwhile leaves the originals
   * without `retried_as`, but their retries name them, so they are not taken again.
   */
  async retryFailed(filter: RetryFilter, correlationId: string): Promise<RetryOutcome> {
    const failure: { error?: unknown } = {};
    const outcome = await this.dataSource.transaction((manager) =>
      this.retryFailedIn(manager, filter, correlationId, failure),
    );
    if ('error' in failure) {
      throw failure.error;
    }
    return outcome;
  }

  private async retryFailedIn(
    manager: EntityManager,
    filter: RetryFilter,
    correlationId: string,
    failure: { error?: unknown },
  ): Promise<RetryOutcome> {
    const rows = await manager.query<
      {
        id: string;
        workspace_id: string;
        api_key_id: string | null;
        type: string;
        input: Record<string, unknown>;
        options: Record<string, unknown>;
        priority: 'interactive' | 'bulk';
        callback_url: string | null;
        max_credits: string | null;
        tier: string;
        first_attempt_at: Date;
        import_id: string | null;
        batch_id: string | null;
      }[]
    >(
      // A job with a retry is not taken again, even if the run that made the retry stopped before
      // recording it on the job (`retried_as`): a record or a row has one latest attempt.
      `SELECT r.id, r.workspace_id, r.api_key_id, r.type, r.input, r.options, r.priority, r.callback_url,
              r.max_credits, w.tier, COALESCE(r.first_attempt_at, r.created_at) AS first_attempt_at,
              r.import_id, r.batch_id
         FROM enrichment_requests r JOIN workspaces w ON w.id = r.workspace_id
        WHERE r.status = 'failed' AND r.retried_as IS NULL
          AND NOT EXISTS (SELECT 1 FROM enrichment_requests n WHERE n.retry_of = r.id)
          AND ($1::uuid IS NULL OR r.workspace_id = $1)
          AND ($2::timestamptz IS NULL OR r.created_at >= $2)
          AND ($3::text IS NULL OR r.type = $3)
        ORDER BY r.created_at, r.id
        LIMIT $4
        FOR UPDATE OF r SKIP LOCKED`,
      [filter.workspaceId ?? null, filter.since ?? null, filter.type ?? null, filter.limit],
    );
    const outcome: RetryOutcome = { matched: rows.length, retried: 0, refused: 0, jobs: [], refusals: [] };
    for (const row of rows) {
      const type = row.type as RequestType;
      const options = row.options as RequestOptions;
      let input: RequestInput;
      try {
        input = storedInputOf(row.id, type, row.input);
        await this.quotas.assertRoom(row.workspace_id, type, input, options);
      } catch (error) {
        if (!(error instanceof HttpException)) {
          throw error;
        }
        const reason = messagesOf(error).join('; ');
        outcome.refused += 1;
        outcome.refusals.push({ job_id: row.id, reason });
        continue;
      }
      // The original key may be gone (null): the new job is then the workspace's, made by no key.
      const caller = { workspaceId: row.workspace_id, apiKeyId: row.api_key_id as string, tier: row.tier };
      let created: { id: string };
      try {
        // The original is locked here, and its retried_as recorded below, in this transaction.
        created = await this.jobs.createRetry(
          caller,
          { original: { id: row.id, importId: row.import_id, batchId: row.batch_id }, claimed: true },
          {
            type,
            input,
            priority: row.priority,
            callbackUrl: row.callback_url,
            maxCredits: row.max_credits === null ? null : Number(row.max_credits),
            options,
            firstAttemptAt: row.first_attempt_at,
          },
          correlationId,
        );
      } catch (error) {
        // Its batch cancelled, or its record re-enqueued by a later run: refused, like a quota.
        if (error instanceof ConflictException) {
          outcome.refused += 1;
          outcome.refusals.push({ job_id: row.id, reason: messagesOf(error).join('; ') });
          continue;
        }
        failure.error = error;
        break;
      }
      await this.jobs.markRetried(caller, row.id, created.id, manager);
      outcome.retried += 1;
      outcome.jobs.push({ retry_of: row.id, id: created.id });
    }
    return outcome;
  }
}
