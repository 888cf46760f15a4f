import { createHash, randomUUID } from 'node:crypto';
import {
  BadRequestException,
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Reflector } from '@nestjs/core';
import { CallbackConfig, CoreConfig, GatewayConfig } from '@sluice/config';
import { SecretBox } from '@sluice/platform';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from './request-context';
import { DurableIdempotencyAnswers, type FinishedAnswer } from './durable-idempotency-answers';
import { RECORDS_WORK_KEY, runUnderKey, type WorkUnderKey } from './idempotent-work';
import { erasureMarkKey, SET_UNLESS_ERASED } from '../persons/erasure-mark';
import { CLAIM_AND_READ_ERASURE_MARK, idempotencyKeyPrefix, type KeptAnswer } from './idempotency-store';
import { STREAMED_BODY_KEY, streamedDigestOf, type StreamedBodyDigest } from './streamed-body';
import { canonicalBody } from './canonical-body';

/** Answer fields that hold a secret shown once (a new API key, a webhook signing secret). */
const SECRET_FIELDS = new Set(['api_key', 'webhook_secret', 'secret', 'token']);

/** Whether an answer holds a secret anywhere in it (answers are small: a plain walk will do). */
function carriesSecret(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(carriesSecret);
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  return Object.entries(value as Record<string, unknown>).some(
    ([key, inner]) => (SECRET_FIELDS.has(key) && typeof inner === 'string') || carriesSecret(inner),
  );
}

const DIFFERENT_REQUEST =
  'This Idempotency-Key was used with a different request (method, path or body); use a new key.';

/** What a key may look like: visible ASCII, as in Stripe's and the IETF draft's examples. */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST of a workspace or the operator: the first answer is kept (per
 * workspace, for IDEMPOTENCY_TTL_S) and the same key with the same body (its object keys in any
 * order) gets it again (`Idempotent-Replayed: true`) without doing the work twice; the same key
 * with another body is `409`, and so is a repeat while the first is still running. Only successful
 * answers are kept: a refused request did nothing, so retrying it is safe. Claimed and kept in
 * Redis: one key per (workspace, idempotency key), claimed with SET NX so two concurrent repeats
 * never both run. Each kept answer is also written to PostgreSQL (`idempotency_answers`,
 * DurableIdempotencyAnswers), which a request whose key Redis does not hold reads, under its claim,
 * before it runs: a retry after Redis lost its data is answered from there (and Redis warmed again)
 * instead of doing the work twice. A gateway that dies after the work but before the answer is
 * kept: on the routes that create jobs or batches (`@RecordsWorkUnderKey`) the work's own
 * transaction recorded it under the key, and the retry is a 409 naming what was made, nothing done
 * again; on others the claim lapses and the retry runs again (POST /v1/enrich joins the job it
 * made, an import resumes). A route that streams its body (`@StreamedBody`, the CSV import) is
 * fingerprinted on what its handler read — the settings and the file's bytes, not the multipart
 * envelope — and a repeat of a finished one is read (not run) to compare. A workspace's answer is
 * not kept when an erasure came while its request ran (it may name the erased person); the erasure
 * itself drops the kept answers that do.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  /**
   * Seals the answers kept for replay: some hold a secret shown once (a workspace's first API key,
   * a new key, a rotated webhook secret), which PostgreSQL keeps only hashed or sealed, and the
   * kept answers — in Redis, its replicas and backups, and in `idempotency_answers` — must not hold
   * in the clear either.
   */
  private readonly box: SecretBox | null;

  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly durable: DurableIdempotencyAnswers,
    private readonly reflector: Reflector,
    private readonly core: CoreConfig,
    private readonly config: GatewayConfig,
    callbacks: CallbackConfig,
  ) {
    this.box = SecretBox.fromSetting(callbacks.encryptionKey);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['idempotency-key'];
    // Only a caller its guard knows (a workspace's key, or the operator's token) has answers kept:
    // a route open to anybody (the dashboard's logout) would otherwise let anybody fill Redis with
    // kept answers for a day each, and take keys the operator's next calls would use.
    if (request.method !== 'POST' || header === undefined || (!request.caller && !request.operator)) {
      return next.handle();
    }
    return from(this.handle(context, next, request, Array.isArray(header) ? header.join(',') : header));
  }

  private async handle(
    context: ExecutionContext,
    next: CallHandler,
    request: AuthenticatedRequest,
    key: string,
  ): Promise<unknown> {
    if (!KEY_FORMAT.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const redis = (await this.queue.client) as unknown as Redis;
    const scope = request.caller?.workspaceId ?? 'admin';
    // The key is the client's: only its digest is stored (in Redis and in PostgreSQL).
    const keyDigest = createHash('sha256').update(key).digest('hex');
    // For a handler that links its work to the key itself (a CSV import, to resume one cut off).
    request.idempotencyKeyDigest = keyDigest;
    const redisKey = `${idempotencyKeyPrefix(this.core.queuePrefix, scope)}${keyDigest}`;
    // A streamed body (a CSV upload) is unread until its handler reads it: its fingerprint is known
    // only afterwards, from the handler, or for a repeat by reading the repeat's body. Its digest
    // covers its settings wherever they were given, so the query string is left out of its URL.
    const streamed = this.reflector.get<StreamedBodyDigest | undefined>(
      STREAMED_BODY_KEY,
      context.getHandler(),
    );
    const url = streamed ? request.path : (request.originalUrl ?? request.url);
    const fingerprintOf = (body: string): string =>
      createHash('sha256').update(`${request.method} ${url}\n${body}`).digest('hex');
    // A JSON body is fingerprinted in its canonical form (keys sorted): the same request sent again
    // with its keys in another order is the same request.
    let fingerprint = streamed ? null : fingerprintOf(canonicalBody(request.body));
    // Answers (and claims) kept before that hold the fingerprint of the body as sent, key order and
    // all, and live for IDEMPOTENCY_TTL_S after an upgrade: a repeat sent exactly as then still
    // matches them. This second fingerprint, and its use in `sameRequest`, can be removed once every
    // gateway has run the canonical form for longer than IDEMPOTENCY_TTL_S (24 h by default).
    const asSentFingerprint = streamed ? null : fingerprintOf(JSON.stringify(request.body ?? null));
    const sameRequest = (kept: string | null): boolean =>
      kept === fingerprint || (asSentFingerprint !== null && kept === asSentFingerprint);
    const ttl = this.config.idempotencyTtlS;
    // The claim outlives this process only briefly: renewed while the handler works, it lapses
    // soon after a gateway that died mid-request, instead of refusing the key for the whole TTL.
    const claimTtl = Math.min(ttl, this.config.idempotencyClaimTtlS);
    const claim = JSON.stringify({ state: 'pending', fingerprint });
    const workspaceId = request.caller?.workspaceId;
    // A workspace's answers may name people it erases: the erasure mark read with the claim tells,
    // when the answer is kept, whether an erasure came in between.
    let mark: string | null = null;
    let claimed: boolean;
    if (workspaceId) {
      const markKey = erasureMarkKey(this.core.queuePrefix, workspaceId);
      const reply = await CLAIM_AND_READ_ERASURE_MARK.run(
        redis,
        [markKey, redisKey],
        [randomUUID(), claim, claimTtl],
      );
      const [won, read] = Array.isArray(reply) ? (reply as unknown[]) : [];
      claimed = won === 1;
      mark = typeof read === 'string' ? read : null;
    } else {
      claimed = (await redis.set(redisKey, claim, 'EX', claimTtl, 'NX')) === 'OK';
    }
    if (!claimed) {
      const stored = JSON.parse((await redis.get(redisKey)) ?? 'null') as KeptAnswer | null;
      if (!stored) {
        throw new ConflictException('The request with this Idempotency-Key has just expired; send it again.');
      }
      if (streamed && stored.state === 'pending') {
        throw new ConflictException(
          'A request with this Idempotency-Key is still being processed; retry shortly.',
        );
      }
      if (streamed) {
        fingerprint = fingerprintOf(await streamed(request));
      }
      return this.replay(context, stored, sameRequest);
    }
    // Redis has nothing for the key, and the claim now held keeps a repeat out while PostgreSQL's
    // copy is read: Redis may have lost the answer (a restart without persistence, a failover).
    // Only calls with an Idempotency-Key get here; the others never read the table.
    const keptBefore = await this.durable
      .find(workspaceId ?? null, keyDigest)
      .catch(async (error: unknown) => {
        await redis.del(redisKey).catch(() => undefined);
        throw error;
      });
    if (keptBefore && 'unanswered' in keptBefore) {
      // The work was committed under this key, but the gateway running it stopped before its answer
      // was kept: running it again would do (and pay for) it twice, and its answer cannot be given.
      await redis.del(redisKey).catch(() => undefined);
      if (streamed) {
        fingerprint = fingerprintOf(await streamed(request));
      }
      if (!sameRequest(keptBefore.unanswered.fingerprint)) {
        throw new ConflictException(DIFFERENT_REQUEST);
      }
      throw new ConflictException({
        message:
          'The request with this Idempotency-Key was done, but its answer was not kept (the gateway stopped before it could keep it). Nothing was done again; `made` names what the request made.',
        made: keptBefore.unanswered.made,
      });
    }
    if (keptBefore) {
      // Back into Redis for what is left of its TTL (not when an erasure came meanwhile), so the
      // next repeat is answered from there; then answered as a repeat found in Redis is.
      const rewarmed = await this.keepInRedis(
        redis,
        redisKey,
        workspaceId,
        mark,
        JSON.stringify(keptBefore.kept),
        keptBefore.ttlS,
      ).catch(() => false);
      if (!rewarmed) {
        // The erasure that came meanwhile deletes PostgreSQL's copy if it names the person; this
        // repeat, read before, is answered as one served just before the erasure would have been.
        await redis.del(redisKey).catch(() => undefined);
      }
      if (streamed) {
        fingerprint = fingerprintOf(await streamed(request));
      }
      return this.replay(context, keptBefore.kept, sameRequest);
    }
    const renewal = this.renew(redis, redisKey, claimTtl);
    // A route that records its work under the key does so in the work's own transaction, so a
    // gateway stopping between the commit and the answer being kept below cannot make a retry run
    // the work again (see idempotent-work.ts).
    const underKey: WorkUnderKey | null =
      workspaceId &&
      fingerprint !== null &&
      this.reflector.get<boolean>(RECORDS_WORK_KEY, context.getHandler())
        ? {
            workspaceId,
            keyDigest,
            fingerprint,
            status: context.switchToHttp().getResponse<Response>().statusCode,
            ttlS: ttl,
          }
        : null;
    try {
      const handle = (): Promise<unknown> =>
        lastValueFrom(next.handle() as Observable<unknown>, { defaultValue: undefined });
      const body: unknown = await (underKey ? runUnderKey(underKey, handle) : handle()).finally(() =>
        renewal.stop(),
      );
      // The status the answer goes out with, as the response holds it now: the route's @HttpCode
      // (Nest sets it before the handler runs), or the one a handler picked itself (200 or 202 for
      // POST /v1/enrich, 202 for /v1/enrich/enqueue).
      const status = context.switchToHttp().getResponse<Response>().statusCode;
      if (streamed) {
        const digest = streamedDigestOf(request);
        fingerprint = digest === undefined ? null : fingerprintOf(digest);
      }
      if (fingerprint === null) {
        throw new Error('A streamed-body handler answered without recording what it read');
      }
      const answer = this.keep(fingerprint, status, body);
      // PostgreSQL first: an erasure changes the mark before it searches PostgreSQL, so an answer
      // Redis takes below (the mark unchanged) is already there for it to find, and one Redis
      // refuses is deleted here. A failed write loses durability, not the answer: the work is done.
      const durable = await this.durable.keep(workspaceId ?? null, keyDigest, answer, ttl).then(
        () => true,
        (error: unknown) => {
          this.logger.warn({
            msg: 'Idempotency-Key answer not kept in PostgreSQL: kept in Redis only',
            scope,
            error: error instanceof Error ? error.message : String(error),
          });
          return false;
        },
      );
      if (!(await this.keepInRedis(redis, redisKey, workspaceId, mark, JSON.stringify(answer), ttl))) {
        // An erasure came while the request ran (or no mark was read): what it answered may name
        // the erased person, so it is kept nowhere and a retry runs again under the suppression.
        await redis.del(redisKey);
        if (durable && workspaceId) {
          await this.durable.forget(workspaceId, keyDigest).catch((error: unknown) =>
            this.logger.error({
              msg: 'Idempotency-Key answer read before an erasure could not be deleted from PostgreSQL',
              scope,
              error: error instanceof Error ? error.message : String(error),
            }),
          );
        }
      }
      return body;
    } catch (error) {
      await redis.del(redisKey).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Replaces the claim on `redisKey` with a kept answer for `ttlS` s. A workspace's answer only
   * while its erasure mark is still the one read with the claim (see SET_UNLESS_ERASED): false, and
   * nothing set, when an erasure came since or no mark was read.
   */
  private async keepInRedis(
    redis: Redis,
    redisKey: string,
    workspaceId: string | undefined,
    mark: string | null,
    kept: string,
    ttlS: number,
  ): Promise<boolean> {
    if (!workspaceId) {
      await redis.set(redisKey, kept, 'EX', ttlS);
      return true;
    }
    return (
      mark !== null &&
      (await SET_UNLESS_ERASED.run(
        redis,
        [erasureMarkKey(this.core.queuePrefix, workspaceId), redisKey],
        [mark, kept, ttlS],
      )) === 1
    );
  }

  /**
   * A repeat's answer from what was kept for its key (in Redis, or PostgreSQL's copy);
   * `sameRequest` tells whether the kept fingerprint is the repeat's.
   */
  private replay(
    context: ExecutionContext,
    stored: KeptAnswer,
    sameRequest: (kept: string | null) => boolean,
  ): unknown {
    if (!sameRequest(stored.fingerprint)) {
      throw new ConflictException(DIFFERENT_REQUEST);
    }
    if (stored.state === 'pending') {
      throw new ConflictException(
        'A request with this Idempotency-Key is still being processed; retry shortly.',
      );
    }
    const body = this.replayOf(stored);
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('Idempotent-Replayed', 'true');
    response.status(stored.status ?? HttpStatus.OK);
    return body;
  }

  /**
   * Renews a pending claim every third of its TTL until stopped. `stop` resolves once no renewal is
   * in flight, so none can land after (and shorten) the answer that replaces the claim.
   */
  private renew(redis: Redis, key: string, ttlS: number): { stop(): Promise<void> } {
    let renewing: Promise<unknown> = Promise.resolve();
    let stopped = false;
    const timer = setInterval(
      () => {
        // A missed renewal is retried at the next tick.
        renewing = renewing.then(() => (stopped ? null : redis.expire(key, ttlS))).catch(() => undefined);
      },
      Math.max(200, (ttlS * 1000) / 3),
    );
    return {
      stop: async () => {
        stopped = true;
        clearInterval(timer);
        await renewing;
      },
    };
  }

  /**
   * What is kept of a finished request's answer: sealed when a key is set; else as it is, unless it
   * holds a secret.
   */
  private keep(fingerprint: string, status: number, body: unknown): FinishedAnswer {
    if (body === undefined) {
      return { state: 'done', fingerprint, status };
    }
    if (this.box) {
      return { state: 'done', fingerprint, status, sealed: this.box.seal(JSON.stringify(body)) };
    }
    return carriesSecret(body)
      ? { state: 'done', fingerprint, status, withheld: true }
      : { state: 'done', fingerprint, status, body };
  }

  /** The kept answer, for a repeat; a 409 when it cannot be given again. */
  private replayOf(stored: KeptAnswer): unknown {
    if (stored.withheld) {
      throw new ConflictException(
        'The request with this Idempotency-Key was done; its answer held a secret, which is shown once and not kept. Nothing was done again.',
      );
    }
    if (stored.sealed === undefined) {
      return stored.body;
    }
    // Sealed under another SLUICE_ENCRYPTION_KEY (rotated since), or none is set any more.
    const unreadable = new ConflictException(
      'The request with this Idempotency-Key was done, but its answer can no longer be read back (the encryption key changed). Nothing was done again.',
    );
    if (!this.box) {
      throw unreadable;
    }
    try {
      return JSON.parse(this.box.open(stored.sealed)) as unknown;
    } catch {
      throw unreadable;
    }
  }
}
