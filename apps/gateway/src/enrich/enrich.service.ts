import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { CoreConfig, GatewayConfig, ProvidersConfig, sandboxedProviders } from '@sluice/config';
import { LuaScript, QUEUE_NAMES, type EnrichmentPlanPayload } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Caller } from '../auth/request-context';
import { JobEventsHub } from '../jobs/job-events';
import { leftToRetryLater, TERMINAL_STATUSES, type JobView } from '../jobs/job-view';
import { JobsService } from '../jobs/jobs.service';
import { enrichAnswer, type EnrichAnswer } from './enrich-answer';
import { erasureMarkKey, READ_ERASURE_MARK, SET_UNLESS_ERASED } from '../persons/erasure-mark';
import { answerAgeOf, answerCacheTtlS, cacheEntryOf, servedFromCache } from './enrich-answer-cache';
import { enrichQueryKey, type EnrichRequest } from './enrich-input';

/** An in-flight marker's value while its job is being made (then the job's id). */
const PENDING_JOB = 'pending:';
/** How long a claim holds without its job id: a gateway that died making the job frees it then. */
const CLAIM_TTL_MS = 5_000;
/** Identical calls look for the claimed job's id this often, this many times (about 2 s in all). */
const CLAIM_WAIT_MS = 25;
const CLAIM_ROUNDS = 80;
/** Takes the marker when there is none or it holds ARGV[1] (one this query would not join). */
const CLAIM_IN_FLIGHT = new LuaScript(
  "local v = redis.call('get', KEYS[1]) if v and v ~= ARGV[1] then return 0 end redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1",
);
/** Drops the marker only while it is still this call's claim. */
const RELEASE_IN_FLIGHT = new LuaScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
);

export type EnrichOutcome =
  { kind: 'answer'; answer: EnrichAnswer } | { kind: 'pending'; jobId: string; status: string };

/**
 * Real-time enrichment: the workspace's answer cache first (one Redis GET), then an identical query
 * already in flight, then a new `enrich` job; it waits for the job's outcome up to the caller's
 * timeout, then hands back the job id instead of hanging.
 */
@Injectable()
export class EnrichService {
  private readonly logger = new Logger(EnrichService.name);
  private readonly sandboxed: ReadonlySet<string>;

  constructor(
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue<EnrichmentPlanPayload>,
    private readonly jobs: JobsService,
    private readonly hub: JobEventsHub,
    private readonly core: CoreConfig,
    private readonly gateway: GatewayConfig,
    providers: ProvidersConfig,
  ) {
    this.sandboxed = new Set(sandboxedProviders(providers));
  }

  private redis(): Promise<Redis> {
    // BullMQ types its connection minimally; it is the ioredis client the queue was given.
    return this.planQueue.client as unknown as Promise<Redis>;
  }

  // Keys are per workspace: one workspace's answers (and job ids) are never another's.
  private answerKey(workspaceId: string, key: string): string {
    return `${this.core.queuePrefix}:enrich:answer:${workspaceId}:${key}`;
  }

  private inFlightKey(workspaceId: string, key: string): string {
    return `${this.core.queuePrefix}:enrich:inflight:${workspaceId}:${key}`;
  }

  /** `beforeJob` runs only when a new job is about to be made (the quota check: it may refuse). */
  async enrich(
    caller: Caller,
    request: EnrichRequest,
    correlationId: string,
    beforeJob: () => Promise<void>,
  ): Promise<EnrichOutcome> {
    const redis = await this.redis();
    const key = enrichQueryKey(request);
    const cached = await this.cachedAnswer(caller.workspaceId, key, request.options.max_age_days);
    if (cached) {
      return { kind: 'answer', answer: cached };
    }
    const ttlS = answerCacheTtlS(this.gateway.enrichCacheTtlS, request.options.max_age_days);
    // Read before the job (and its answer) is: an erasure from here on — it sets a new mark before
    // it deletes the workspace's answers — keeps this call from caching an answer read before it,
    // which may name the erased person. That answer is still returned to this call.
    const mark = ttlS > 0 ? await this.erasureMark(redis, caller.workspaceId) : null;
    const jobId = await this.jobFor(caller, request, key, correlationId, beforeJob);
    const view = await this.waitFor(caller, jobId, request.timeoutMs);
    if (!TERMINAL_STATUSES.includes(view.status)) {
      return { kind: 'pending', jobId, status: view.status };
    }
    const answer = enrichAnswer(view, request.fields, this.sandboxed);
    // An answer some provider could not give for a reason that passes (its credits, its circuit, a
    // pause) is not kept: for ENRICH_CACHE_TTL_S the cache would serve its nulls after the provider
    // is back. The provider cache and the store still answer what was found.
    // With max_age_days, the entry is stamped with the age of what the answer was made of (see
    // answerAgeOf): one made of older answers, of an age unknown here, is not kept.
    const madeAt = answerAgeOf(view, request.options.max_age_days);
    if (view.status === 'completed' && mark !== null && madeAt !== null && !leftToRetryLater(view.result)) {
      await SET_UNLESS_ERASED.run(
        redis,
        [erasureMarkKey(this.core.queuePrefix, caller.workspaceId), this.answerKey(caller.workspaceId, key)],
        [mark, cacheEntryOf(answer, madeAt), ttlS],
      ).catch((error: unknown) =>
        this.logger.warn({ msg: 'enrich answer not cached', error: String(error) }),
      );
    }
    return { kind: 'answer', answer };
  }

  /**
   * The workspace's erasure mark as it stands (see READ_ERASURE_MARK), or null when Redis cannot
   * say: the answer is then not cached.
   */
  private async erasureMark(redis: Redis, workspaceId: string): Promise<string | null> {
    try {
      const mark = await READ_ERASURE_MARK.run(
        redis,
        [erasureMarkKey(this.core.queuePrefix, workspaceId)],
        [randomUUID()],
      );
      return typeof mark === 'string' ? mark : null;
    } catch (error) {
      this.logger.warn({
        msg: 'enrich erasure mark not read; the answer will not be cached',
        error: String(error),
      });
      return null;
    }
  }

  /**
   * The workspace's cached answer to the query with this key (see `enrichQueryKey`), or null; with
   * the query's `max_age_days`, only an answer cached at most that many days ago (with 0, none: not
   * even the one Redis GET is made).
   */
  async cachedAnswer(
    workspaceId: string,
    key: string,
    maxAgeDays: number | undefined,
  ): Promise<EnrichAnswer | null> {
    if (maxAgeDays === 0) {
      return null;
    }
    const cached = await (await this.redis()).get(this.answerKey(workspaceId, key));
    return cached ? servedFromCache(cached, maxAgeDays) : null;
  }

  /**
   * The job answering this query: one already running for the same workspace and query (so a burst
   * of identical calls makes one job), else a new one. The in-flight marker lives a little longer
   * than the longest wait; a job that failed to enqueue never leaves one behind. A job that has
   * since failed or been cancelled is not joined (its failure may have been passing: out of
   * credits, an outage, a cancel), nor one that completed leaving goals to retry later (for the
   * same reasons), nor, by a query with `max_age_days: 0`, one that has completed:
   * it holds an answer from before the query, which is exactly what 0 refuses. Either way the new
   * job replaces the marker.
   *
   * Making a job takes a claim on the marker first (`pending:…`, set only where there is no marker
   * or one this query would not join), so identical calls arriving together wait for the one
   * making the job and join it, rather than each making its own.
   */
  private async jobFor(
    caller: Caller,
    request: EnrichRequest,
    key: string,
    correlationId: string,
    beforeJob: () => Promise<void>,
  ): Promise<string> {
    const redis = await this.redis();
    const inFlight = this.inFlightKey(caller.workspaceId, key);
    const fresh = request.options.max_age_days === 0;
    const claim = `${PENDING_JOB}${randomUUID()}`;
    let claimed = false;
    for (let round = 0; !claimed && round < CLAIM_ROUNDS; round += 1) {
      const current = await redis.get(inFlight);
      let replaceable = '';
      if (current?.startsWith(PENDING_JOB)) {
        if (round < CLAIM_ROUNDS - 1) {
          await new Promise((resolve) => setTimeout(resolve, CLAIM_WAIT_MS));
          continue;
        }
        replaceable = current; // its maker is gone or stuck: make the job here
      } else if (current) {
        if (await this.joinable(caller, current, fresh)) {
          return current;
        }
        replaceable = current;
      }
      claimed = (await CLAIM_IN_FLIGHT.run(redis, [inFlight], [replaceable, claim, CLAIM_TTL_MS])) === 1;
    }
    // Unclaimed after every round (the marker kept changing hands): the job is made all the same,
    // without the marker; the pipeline coalesces identical provider calls, so nothing is paid twice.
    let created: { id: string };
    try {
      await beforeJob();
      created = await this.jobs.create(
        caller,
        {
          type: 'enrich',
          input: request.input,
          priority: 'interactive',
          callbackUrl: null,
          maxCredits: request.maxCredits,
          options: request.options,
        },
        correlationId,
      );
    } catch (error) {
      if (claimed) {
        // Refused (a quota) or failed: the waiting twins try for themselves.
        await RELEASE_IN_FLIGHT.run(redis, [inFlight], [claim]).catch(() => undefined);
      }
      throw error;
    }
    if (claimed) {
      const markerMs = this.gateway.enrichTimeoutMaxMs + 5_000;
      await redis.set(inFlight, created.id, 'PX', markerMs).catch(() => undefined);
    }
    return created.id;
  }

  /**
   * Whether an identical query's job may answer this one: while it runs, or once completed unless
   * `fresh` (max_age_days 0). A job no longer there (erased, expired) may not.
   */
  private async joinable(caller: Caller, jobId: string, fresh: boolean): Promise<boolean> {
    try {
      const { status, result } = await this.jobs.find(caller, jobId);
      return (
        !TERMINAL_STATUSES.includes(status) || (status === 'completed' && !fresh && !leftToRetryLater(result))
      );
    } catch (error) {
      if (error instanceof NotFoundException) {
        return false;
      }
      throw error;
    }
  }

  /**
   * The job once it has finished, or as it stands when `timeoutMs` runs out or the gateway starts
   * to shut down (the caller is then answered 202 with the job to poll, not cut off).
   */
  private async waitFor(caller: Caller, jobId: string, timeoutMs: number): Promise<JobView> {
    const closing = this.hub.closing;
    let view = await this.jobs.get(caller, jobId);
    if (TERMINAL_STATUSES.includes(view.status) || timeoutMs === 0 || closing.aborted) {
      return view;
    }
    let wake: (() => void) | null = null;
    const stop = await this.hub.listen(jobId, () => wake?.());
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        // Re-read after subscribing (a change may have come before) and after each announcement.
        view = await this.jobs.get(caller, jobId);
        const left = deadline - Date.now();
        if (TERMINAL_STATUSES.includes(view.status) || left <= 0 || closing.aborted) {
          return view;
        }
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            closing.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(left, 1_000)); // a lost message costs 1 s at most
          wake = done;
          closing.addEventListener('abort', done);
        });
        wake = null;
      }
    } finally {
      stop();
    }
  }
}
