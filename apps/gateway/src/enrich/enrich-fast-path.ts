import { Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '@sluice/config';
import { correlationIdOf, HttpMetricsMiddleware } from '@sluice/platform';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { bearerToken } from '../auth/api-keys';
import { enrichQueryKey, parseEnrichBody } from './enrich-input';
import { EnrichService } from './enrich.service';

const ROUTE = '/v1/enrich';

/**
 * `POST /v1/enrich` answered from the workspace's answer cache ahead of NestJS's request pipeline.
 * For a cached answer the pipeline itself (router, guard and interceptor chains, pino-http's two
 * child loggers per request, the request-scoped logger binding) costs more than the answer: this
 * serves the common case with the same parts — the API-key cache, the `enrich` scope, the
 * workspace's rate limit, the audit row, the HTTP metric and the access log line — and measured
 * 2× the requests per second (docs/benchmarks.md).
 *
 * It serves only the plain case: no Idempotency-Key, a live key with the scope, a valid body, an
 * answer in the cache, room in the rate limit. Anything else — a miss, a bad body, a missing key,
 * a 429, an error of Redis or PostgreSQL — goes on to the controller untouched, which answers it
 * exactly as before; a request is counted against the rate limit only once it is served here, so
 * one passed on is never counted twice. Hand-written: serving ahead of Nest's router is a
 * decision about this one route, not something a library does.
 */
@Injectable()
export class EnrichFastPath {
  private readonly logger = new Logger(EnrichFastPath.name);

  constructor(
    private readonly keys: ApiKeyGuard,
    private readonly enrichment: EnrichService,
    private readonly audit: AuditLog,
    private readonly metrics: HttpMetricsMiddleware,
    private readonly config: GatewayConfig,
  ) {}

  /** Express middleware: mount it after the JSON body parser and before Nest's routes. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || req.path !== ROUTE || req.headers['idempotency-key'] !== undefined) {
      next();
      return;
    }
    this.serve(req, res).then(
      (served) => {
        if (!served && !res.headersSent) {
          next();
        }
      },
      (error: unknown) => {
        if (res.headersSent) {
          // Answered already: passing it on would run it a second time.
          this.logger.warn({ msg: 'cached answer sent, then an error', error: String(error) });
          return;
        }
        // Whatever went wrong before answering, the controller answers (an outage becomes its 503).
        next();
      },
    );
  };

  /** Answers the request from the cache and returns true, or returns false having written nothing. */
  private async serve(req: Request, res: Response): Promise<boolean> {
    const end = this.metrics.startTimer();
    const started = Date.now();
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      return false;
    }
    const key = await this.keys.authenticate(token);
    if (!key || !key.scopes.includes('enrich')) {
      return false;
    }
    let request: ReturnType<typeof parseEnrichBody>;
    try {
      request = parseEnrichBody(req.body, {
        defaultTimeoutMs: this.config.enrichTimeoutMs,
        maxTimeoutMs: this.config.enrichTimeoutMaxMs,
      });
    } catch {
      return false; // the controller names the problem
    }
    const answer = await this.enrichment.cachedAnswer(key.workspace_id, enrichQueryKey(request));
    if (!answer) {
      return false;
    }
    // Counted last, once nothing else can pass the request on: a refusal takes no slot, so the
    // controller's guard counts it again and answers the 429 itself.
    if (await this.keys.count(key, res)) {
      return false;
    }
    const correlationId = correlationIdOf(req);
    res.setHeader('x-request-id', correlationId);
    this.metrics.track(req, res, ROUTE, end);
    void this.audit.record({
      workspaceId: key.workspace_id,
      actor: key.id,
      action: 'enrich.read',
      targetType: 'job',
      targetId: answer.job_id,
      details: { fields: request.fields, cached: true },
      correlationId,
    });
    res.status(200).json(answer);
    // The access line pino-http writes for every other request, at its level and in its shape.
    const log = PinoLogger.root as PinoLogger['logger'] | undefined;
    if (log?.isLevelEnabled('info')) {
      log.info(
        {
          correlationId,
          req: { id: correlationId, method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
        },
        'request completed',
      );
    }
    return true;
  }
}
