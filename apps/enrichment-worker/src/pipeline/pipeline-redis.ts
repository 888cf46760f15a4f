import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CallbackConfig, CoreConfig, PipelineConfig } from '@sluice/config';
import { cacheClassOf } from '@sluice/enrichment';
import {
  ACTIVE_PROVIDERS,
  CallbackTokens,
  cancelMarkerKey,
  circuitBreakerPrefix,
  connectionOptions,
  emitPipelineEvent,
  CreditWallet,
  creditWalletPrefix,
  LuaScript,
  providerRateLimiter,
  QueueErrorLog,
  RedisCircuitBreaker,
  type CircuitState,
  type CircuitTransition,
  type RateLimiter,
} from '@sluice/queue';
import { Redis } from 'ioredis';
import { WorkerMetrics } from '../ops/worker-metrics';
import type { ProviderErrorKind } from '@sluice/providers';
import type { StepOutcome } from './provider-invoker';

export const PIPELINE_REDIS = Symbol('PIPELINE_REDIS');

/**
 * What a step's provider call paid for, kept until the step is settled: the answer (for
 * asynchronous work, with what starting it charged), or a final failure the provider charged for
 * all the same (an answer it charged that could not be read). A later run of the step settles from
 * it instead of calling, and paying, again.
 */
export type PaidAnswer =
  /** `account`, of a task: the account it was started on (see `taskAccountTag`). */
  | (StepOutcome & { startedCredits?: number; account?: string })
  | {
      status: 'unreadable';
      credits: number;
      kind: ProviderErrorKind;
      error: string;
      /**
       * Kept before a paid call goes out, by the run making it (its claim's owner): the answer has
       * not come yet. Replaced by what the call gives (its answer, or its failure), so it outlives
       * the call only when that run ended mid-call (killed, say), and then it stands for a call the
       * provider may have charged.
       */
      inFlightOf?: string;
    };

/** Deletes KEYS[1] if its value starts with ARGV[1]: compared and deleted in one step. */
const UNCLAIM = new LuaScript(
  "local v = redis.call('get', KEYS[1]) if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
);

/** The pipeline's own Redis connection (cache, guards, events), closed with the app. */
export const pipelineRedisProvider = {
  provide: PIPELINE_REDIS,
  inject: [CoreConfig, QueueErrorLog],
  // Producer options (commands fail fast while Redis is away, so jobs retry with backoff) but with
  // the offline queue on, so commands issued while the connection is still opening wait for it.
  useFactory: (core: CoreConfig, errors: QueueErrorLog): Redis => {
    const redis = new Redis({
      ...connectionOptions(core.redisUrl, 'producer', 'sluice-enrichment-worker-pipeline'),
      enableOfflineQueue: true,
      // No command timeout: a step waits for a slow Redis's answer rather than take it for a
      // failure. Given up on, a write made after a paid call (the answer kept for a retry, the
      // charge) would still land later, and the step's retry would race it; there is no caller to
      // answer, and a job whose lock lapses meanwhile is guarded by its claim.
      commandTimeout: undefined,
      // Commands issued in the same tick by concurrent steps go out in one write: on small machines
      // a socket write costs more than the command itself.
      enableAutoPipelining: true,
    });
    errors.watch('pipeline redis', redis);
    return redis;
  },
};

/** The tokens of the callback URLs given to providers (see {@link CallbackTokens}). */
export const callbackTokensProvider = {
  provide: CallbackTokens,
  inject: [CallbackConfig, CoreConfig, PIPELINE_REDIS],
  useFactory: (callbacks: CallbackConfig, core: CoreConfig, redis: Redis): Promise<CallbackTokens> =>
    CallbackTokens.load(callbacks.encryptionKey, redis, core.queuePrefix),
};

@Injectable()
export class PipelineRedisCloser implements OnApplicationShutdown {
  constructor(@Inject(PIPELINE_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The guards every replica shares: provider rate windows, circuit breakers, credit reservations. */
@Injectable()
export class PipelineGuards {
  private readonly logger = new Logger(PipelineGuards.name);
  readonly limiter: RateLimiter;
  readonly circuits: RedisCircuitBreaker;
  readonly wallet: CreditWallet;
  readonly prefix: string;
  readonly queuePrefix: string;

  constructor(
    @Inject(PIPELINE_REDIS) readonly redis: Redis,
    core: CoreConfig,
    config: PipelineConfig,
    private readonly metrics: WorkerMetrics,
  ) {
    this.queuePrefix = core.queuePrefix;
    this.prefix = `${core.queuePrefix}:pipeline`;
    // The credit monitor's balance reads take their slots in the same windows (same factory).
    this.limiter = providerRateLimiter(redis, core.queuePrefix, config.rateLimiter);
    this.circuits = new RedisCircuitBreaker(
      redis,
      circuitBreakerPrefix(core.queuePrefix),
      {
        failureRateThreshold: config.circuitFailureRate,
        minimumCalls: config.circuitMinimumCalls,
        windowMs: config.circuitWindowMs,
        coolDownMs: config.circuitCoolDownMs,
      },
      (transition) => this.onTransition(transition),
    );
    metrics.readCircuitsWith(
      async () =>
        new Map(
          await Promise.all(
            ACTIVE_PROVIDERS.map(
              async (provider) => [provider, circuitValue(await this.circuits.state(provider))] as const,
            ),
          ),
        ),
    );
    // A step retries for minutes, not hours; the PostgreSQL ledger (unique per step) guards beyond.
    this.wallet = new CreditWallet(redis, creditWalletPrefix(core.queuePrefix), {
      commitMarkerTtlMs: Math.max(3_600_000, 2 * config.asyncDeadlineMs),
    });
  }

  /** Appends an event for the credit monitor to the capped pipeline events stream. */
  async emit(event: Record<string, string | number>): Promise<void> {
    await emitPipelineEvent(this.redis, this.queuePrefix, event).catch((error: unknown) =>
      this.logger.warn({ msg: 'could not emit pipeline event', error: String(error) }),
    );
  }

  private onTransition(transition: CircuitTransition): void {
    const level = transition.to === 'open' ? 'warn' : 'log';
    this.logger[level]({
      msg: `circuit ${transition.from} → ${transition.to}`,
      provider: transition.key,
      failureRate: transition.failureRate,
    });
    // sluice_circuit_state is not set here: it is read from Redis at each scrape (WorkerMetrics).
    this.metrics.circuitTransitions.inc({ provider: transition.key, to: transition.to });
    void this.emit({ type: `circuit.${transition.to}`, provider: transition.key });
  }
}

/** A circuit state as the `sluice_circuit_state` gauge gives it. */
function circuitValue(state: CircuitState): number {
  return state === 'closed' ? 0 : state === 'open' ? 1 : 0.5;
}

/**
 * A cached answer as stored (with `answeredAt`), unless it was answered before `notBefore` (epoch
 * ms; null: any age). Entries written before answers carried their time are of unknown age: the
 * TTL bounds it only from above, so they are not reused when an age limit is set.
 */
function youngEnough(raw: string | null, notBefore: number | null): StepOutcome | null {
  if (!raw) {
    return null;
  }
  const { answeredAt, ...outcome } = JSON.parse(raw) as StepOutcome & { answeredAt?: number };
  if (notBefore !== null && (typeof answeredAt !== 'number' || answeredAt < notBefore)) {
    return null;
  }
  return outcome;
}
/**
 * Operations whose cached answers are dropped in every workspace at once when the provider's own
 * news says they changed: the register's company profile, on a companies stream event.
 */
const HELD_OPERATIONS: ReadonlySet<string> = new Set(['company.profile']);

/** A paid call that failed after it may have been charged (see `ResultCache.rememberFailedCall`). */
export interface FailedCall {
  kind: string;
  error: string;
}

/**
 * Redis cache of provider answers by normalised input, per workspace, and the claims that make
 * identical in-flight calls coalesce onto one. Also remembers what a step already paid for, so a
 * retry of that step reuses the paid answer instead of paying again.
 */
@Injectable()
export class ResultCache {
  constructor(
    private readonly guards: PipelineGuards,
    private readonly config: PipelineConfig,
  ) {}

  private key(kind: string, workspaceId: string, cacheKey: string): string {
    return `${this.guards.prefix}:${kind}:${workspaceId}:${cacheKey}`;
  }

  ttlSeconds(operation: string): number {
    switch (cacheClassOf(operation)) {
      case 'person':
        return this.config.cacheTtlPersonS;
      case 'company':
        return this.config.cacheTtlCompanyS;
      case 'search':
        return this.config.cacheTtlSearchS;
      case 'bulk':
        return this.config.cacheTtlBulkS;
      case 'account':
        return this.config.cacheTtlAccountS;
    }
  }

  /** The cached answer for `cacheKey`, if young enough for `notBefore` (see {@link youngEnough}). */
  async get(
    workspaceId: string,
    cacheKey: string,
    notBefore: number | null = null,
  ): Promise<StepOutcome | null> {
    return youngEnough(await this.guards.redis.get(this.key('cache', workspaceId, cacheKey)), notBefore);
  }

  async set(workspaceId: string, cacheKey: string, operation: string, outcome: StepOutcome): Promise<void> {
    if (outcome.status === 'pending') {
      return;
    }
    const key = this.key('cache', workspaceId, cacheKey);
    // With the time of the answer, so a request's max_age_days can refuse what is too old.
    const value = JSON.stringify({ ...outcome, answeredAt: Date.now() });
    const ttl = this.ttlSeconds(operation);
    if (!HELD_OPERATIONS.has(operation)) {
      await this.guards.redis.set(key, value, 'EX', ttl);
      return;
    }
    const holders = this.holdersKey(cacheKey);
    await this.guards.redis
      .multi()
      .set(key, value, 'EX', ttl)
      .sadd(holders, workspaceId)
      .expire(holders, ttl)
      .exec();
  }

  /** Drops the cached answer for `cacheKey` (one found to name a person erased meanwhile). */
  async forget(workspaceId: string, cacheKey: string): Promise<void> {
    await this.guards.redis.del(this.key('cache', workspaceId, cacheKey));
  }

  /**
   * Drops the cached answer for `cacheKey` in every workspace holding one (an operation of
   * {@link HELD_OPERATIONS}); answers how many there were. The workspaces are those {@link set}
   * listed beside the answer: finding them by a SCAN of the keyspace would walk every key of the
   * installation (jobs, caches, windows) once per companies stream event that strikes a company off,
   * which the register sends by the thousand a day.
   */
  async forgetEverywhere(cacheKey: string): Promise<number> {
    const holders = this.holdersKey(cacheKey);
    const workspaces = await this.guards.redis.smembers(holders);
    if (workspaces.length === 0) {
      return 0;
    }
    // Only the workspaces read leave the set, together with their answers: one that cached the
    // answer since stays listed (and an answer cached again in between goes too).
    const [deleted] =
      (await this.guards.redis
        .multi()
        .del(...workspaces.map((workspace) => this.key('cache', workspace, cacheKey)))
        .srem(holders, ...workspaces)
        .exec()) ?? [];
    if (deleted?.[0]) {
      throw deleted[0];
    }
    return Number(deleted?.[1] ?? 0);
  }

  /** The workspaces holding a cached answer for `cacheKey` (see {@link forgetEverywhere}). */
  private holdersKey(cacheKey: string): string {
    return `${this.guards.prefix}:cache-holders:${cacheKey}`;
  }

  /**
   * Remembers what a finder or verifier said of `domain`'s mailbox server: that it accepts every
   * address (catch-all, true of any address there), or that it told one address from another (an
   * address found valid or invalid). A catch-all verdict overrides an earlier "not"; a "not" never
   * overrides a catch-all one.
   */
  async rememberCatchAll(workspaceId: string, domain: string, catchAll = true): Promise<void> {
    const key = this.key('catchall', workspaceId, domain);
    const ttl = this.config.cacheTtlCatchAllS;
    await (catchAll
      ? this.guards.redis.set(key, '1', 'EX', ttl)
      : this.guards.redis.set(key, '0', 'EX', ttl, 'NX'));
  }

  /** Whether the gateway marked the request cancelled. */
  async isCancelled(requestId: string): Promise<boolean> {
    return (await this.guards.redis.exists(cancelMarkerKey(this.guards.queuePrefix, requestId))) === 1;
  }

  /** What is known of `domain` (see {@link rememberCatchAll}): true, false, or null when nothing is. */
  async catchAllOf(workspaceId: string, domain: string): Promise<boolean | null> {
    const known = await this.guards.redis.get(this.key('catchall', workspaceId, domain));
    return known === null ? null : known === '1';
  }

  async isCatchAll(workspaceId: string, domain: string): Promise<boolean> {
    return (await this.catchAllOf(workspaceId, domain)) === true;
  }

  /**
   * Claims the first paid finder call at `domain` for one step (`owner`: the step and this run; a
   * later run of the same step holds it too), for `ttlMs` at most: while it is out, other e-mail
   * steps there that refuse catch-all wait for what it learns of the domain instead of each paying
   * for an address that may be catch-all. Not claimed when another step holds it, with how long it
   * has held it (for how long to wait).
   */
  async claimCatchAllProbe(
    workspaceId: string,
    domain: string,
    owner: string,
    stepOwner: string,
    ttlMs: number,
  ): Promise<{ claimed: boolean; heldForMs: number }> {
    const key = this.key('probe', workspaceId, domain);
    if ((await this.guards.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') {
      return { claimed: true, heldForMs: 0 };
    }
    const [holder, left] = await Promise.all([this.guards.redis.get(key), this.guards.redis.pttl(key)]);
    if (holder !== null && holder.startsWith(stepOwner)) {
      return { claimed: true, heldForMs: 0 };
    }
    return { claimed: false, heldForMs: left > 0 ? Math.max(0, ttlMs - left) : 0 };
  }

  /** Gives the probe of `domain` back, if this step (any run of it) holds it. */
  async releaseCatchAllProbe(workspaceId: string, domain: string, stepOwner: string): Promise<void> {
    await UNCLAIM.run(this.guards.redis, [this.key('probe', workspaceId, domain)], [stepOwner]);
  }

  /**
   * Claims the call for `cacheKey` for one run of a step (`owner`: the step and the run). Not
   * re-entrant: a second run of the same step (a stalled job taken again while the first still
   * calls) waits like any identical request instead of paying for the call a second time. A run
   * that died holding a claim leaves it to expire.
   *
   * In the same round trip (MULTI) it reads the cache again, by {@link get}'s age rule: a caller
   * read the cache before claiming, and an identical call that finished in between cached its
   * answer and released its claim; `cached` is that answer, free.
   */
  async claim(
    workspaceId: string,
    cacheKey: string,
    owner: string,
    ttlMs: number,
    notBefore: number | null = null,
  ): Promise<{ claimed: boolean; cached: StepOutcome | null; failedCall: FailedCall | null }> {
    const replies = await this.guards.redis
      .multi()
      .set(this.key('inflight', workspaceId, cacheKey), owner, 'PX', ttlMs, 'NX')
      .get(this.key('cache', workspaceId, cacheKey))
      .get(this.key('failedcall', workspaceId, cacheKey))
      .exec();
    // exec() is null only for a transaction WATCH discarded, and none is watched here.
    const [[claimError, claimed], [readError, raw], [failedError, failed]] = replies as [
      Error | null,
      unknown,
    ][];
    if (claimError || readError || failedError) {
      throw (claimError ?? readError ?? failedError) as Error;
    }
    return {
      claimed: claimed === 'OK',
      cached: youngEnough(raw as string | null, notBefore),
      failedCall: typeof failed === 'string' ? (JSON.parse(failed) as FailedCall) : null,
    };
  }

  /**
   * Remembers, for `ttlMs`, that the paid call for `cacheKey` failed after it may have been charged
   * (a timeout, a connection broken once the request was sent): identical steps that waited on its
   * claim fail over as it did instead of each making (and paying for) the same call again.
   */
  async rememberFailedCall(
    workspaceId: string,
    cacheKey: string,
    failed: FailedCall,
    ttlMs: number,
  ): Promise<void> {
    await this.guards.redis.set(
      this.key('failedcall', workspaceId, cacheKey),
      JSON.stringify(failed),
      'PX',
      ttlMs,
    );
  }

  async extendClaim(workspaceId: string, cacheKey: string, ttlMs: number): Promise<void> {
    await this.guards.redis.pexpire(this.key('inflight', workspaceId, cacheKey), ttlMs);
  }

  /**
   * Releases the claim if a run of the step still holds it (`stepOwner`: the owners' common prefix),
   * compared and deleted in one step, so a claim another step took after this one's expired is never
   * released by mistake.
   */
  async unclaim(workspaceId: string, cacheKey: string, stepOwner: string): Promise<void> {
    // By its SHA (EVALSHA): every step runs it, and EVAL would send and hash the script each time.
    await UNCLAIM.run(this.guards.redis, [this.key('inflight', workspaceId, cacheKey)], [stepOwner]);
  }

  /** What a step's provider call answered, kept (7 days) the moment it is known, before PostgreSQL. */
  async rememberPaid(stepId: string, outcome: PaidAnswer): Promise<void> {
    await this.guards.redis.set(
      `${this.guards.prefix}:paid:${stepId}`,
      JSON.stringify(outcome),
      'EX',
      7 * 24 * 3600,
    );
  }

  /** Who holds the claim on `cacheKey` (a run of a step, see {@link claim}), or null. */
  async claimHolder(workspaceId: string, cacheKey: string): Promise<string | null> {
    return this.guards.redis.get(this.key('inflight', workspaceId, cacheKey));
  }

  async forgetPaid(stepId: string): Promise<void> {
    await this.guards.redis.del(`${this.guards.prefix}:paid:${stepId}`);
  }

  async paid(stepId: string): Promise<PaidAnswer | null> {
    const raw = await this.guards.redis.get(`${this.guards.prefix}:paid:${stepId}`);
    return raw ? (JSON.parse(raw) as PaidAnswer) : null;
  }
}
