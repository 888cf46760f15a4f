import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, GatewayConfig } from '@sluice/config';
import { ApiKey, Workspace, type WorkspaceRateLimits } from '@sluice/db';
import { ApiKeyCache, type KnownKey } from './api-key-cache';
import { ApiKeyUsage } from './api-key-usage';
import { QUEUE_NAMES, RedisSlidingWindowLimiter, type RateLimitRule } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { DataSource, IsNull } from 'typeorm';
import { bearerToken, hashApiKey } from './api-keys';
import type { AuthenticatedRequest, Caller } from './request-context';
import { type ApiScope, SCOPES_KEY } from './scopes';

const MINUTE = 60_000;

/** The body of a 429 for a workspace over one of its limits. */
export interface RateLimitRefusal {
  code: 'rate_limited';
  message: string;
}

/** Who calls with this key, as handlers see it. */
export function callerOf(key: KnownKey): Caller {
  return { workspaceId: key.workspace_id, apiKeyId: key.id, tier: key.tier };
}

/** The workspace's limits: its own where set, the gateway's defaults otherwise. */
export function workspaceRules(own: WorkspaceRateLimits | null, defaults: GatewayConfig): RateLimitRule[] {
  return [
    { name: 'minute', limit: own?.per_minute ?? defaults.rateLimitPerMinute, windowMs: MINUTE },
    { name: 'hour', limit: own?.per_hour ?? defaults.rateLimitPerHour, windowMs: 60 * MINUTE },
    { name: 'day', limit: own?.per_day ?? defaults.rateLimitPerDay, windowMs: 24 * 60 * MINUTE },
  ];
}

/**
 * Authenticates `Authorization: Bearer <workspace API key>`, checks the key holds the scope the
 * route needs, and counts the request against the workspace's limits (per minute, hour and day) in
 * a Redis sliding window shared by every gateway replica. Every answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` for the tightest window; a request over a limit gets
 * `429` with `Retry-After` and nothing behind it runs.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private limiter: RedisSlidingWindowLimiter | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly reflector: Reflector,
    private readonly core: CoreConfig,
    private readonly config: GatewayConfig,
    private readonly keys: ApiKeyCache,
    private readonly usage: ApiKeyUsage,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new UnauthorizedException(
        'Missing API key: send the header "Authorization: Bearer <your API key>".',
      );
    }
    const key = await this.authenticate(token);
    if (!key) {
      throw new UnauthorizedException('Invalid or revoked API key.');
    }
    const needed = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (needed && !key.scopes.includes(needed)) {
      throw new ForbiddenException(
        `This API key lacks the scope '${needed}' (it has: ${key.scopes.join(', ') || 'none'}).`,
      );
    }
    const response = context.switchToHttp().getResponse<Response>();
    const refused = await this.count(key, response);
    if (refused) {
      throw new HttpException(refused, HttpStatus.TOO_MANY_REQUESTS);
    }
    request.caller = callerOf(key);
    return true;
  }

  /**
   * The live key behind a presented token (cached for API_KEY_CACHE_MS), or null. Both the guard
   * and the cached fast path of POST /v1/enrich authenticate here, so a key found is noted as used
   * here too (written at most once a minute, not awaited).
   */
  async authenticate(token: string): Promise<KnownKey | null> {
    const hash = hashApiKey(token);
    const key = await this.keys.resolve(hash, () => this.lookUp(hash));
    if (key) {
      this.usage.touch(key.id);
    }
    return key;
  }

  /** One round trip: the key with its workspace's tier and limits. */
  private async lookUp(hash: string): Promise<KnownKey | null> {
    const key = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .innerJoin(Workspace, 'w', 'w.id = k.workspace_id')
      .select([
        'k.id AS id',
        'k.workspace_id AS workspace_id',
        'k.scopes AS scopes',
        'w.tier AS tier',
        'w.rate_limits AS rate_limits',
      ])
      .where({ keyHash: hash, revokedAt: IsNull() })
      .getRawOne<KnownKey>();
    return key ?? null;
  }

  /**
   * Counts one request of the key's workspace against its limits and sets the `RateLimit-*`
   * headers (and `Retry-After` when refused). Returns null when the request may go on, else the
   * body of the 429 to answer (a refused request takes no slot).
   */
  async count(key: KnownKey, response: Pick<ServerResponse, 'setHeader'>): Promise<RateLimitRefusal | null> {
    const workspaceId = key.workspace_id;
    const rules = workspaceRules(key.rate_limits, this.config);
    // The minute is a sliding log (exact, at most a minute's limit of entries); the hour and the day
    // are counted (two numbers each), so a workspace allowed millions a day keeps Redis small.
    this.limiter ??= new RedisSlidingWindowLimiter(
      (await this.queue.client) as unknown as Redis,
      `${this.core.queuePrefix}:api:rate`,
      { countAboveMs: MINUTE },
    );
    const decision = await this.limiter.acquire(workspaceId, rules);
    const remaining = decision.remaining ?? (await this.limiter.remaining(workspaceId, rules));
    // The window with the fewest requests left is the one to report.
    const tightest = rules.reduce((a, b) => ((remaining[a.name] ?? 0) <= (remaining[b.name] ?? 0) ? a : b));
    response.setHeader('RateLimit-Limit', String(tightest.limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, remaining[tightest.name] ?? 0)));
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const refusing = rules.find((rule) => rule.name === decision.rule) ?? tightest;
      response.setHeader('RateLimit-Limit', String(refusing.limit));
      response.setHeader('RateLimit-Remaining', '0');
      response.setHeader('RateLimit-Reset', String(seconds));
      response.setHeader('Retry-After', String(seconds));
      return {
        code: 'rate_limited',
        message: `This workspace made ${refusing.limit} requests in the last ${refusing.name}, its limit; retry after ${seconds} s.`,
      };
    }
    response.setHeader('RateLimit-Reset', String(Math.ceil(tightest.windowMs / 1000)));
    return null;
  }
}
