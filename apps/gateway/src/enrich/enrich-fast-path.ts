import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { GatewayConfig } from '@sluice/config';
import {
  bodyProblem,
  correlationIdOf,
  HttpMetricsMiddleware,
  INTERNAL_ERROR_BODY,
  plainJsonLength,
  readPlainJsonBody,
  sendJson,
} from '@sluice/platform';
import { PinoLogger } from 'nestjs-pino';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { bearerToken } from '../auth/api-keys';
import { enrichQueryKey, parseEnrichBody } from './enrich-input';
import { EnrichService } from './enrich.service';

const ROUTE = '/v1/enrich';

/**
 * `POST /v1/enrich` answered from the workspace's answer cache ahead of Express and NestJS. For a
 * cached answer the framework costs more than the answer: measured at 1,000 requests per second,
 * a Nest controller on Express that answers a constant spent 0.47 ms of CPU per request where a
 * bare `node:http` handler spent 0.14, and this path served from inside Express (after its router
 * and JSON parser, with `res.json`) spent 0.87 against 0.58 served here (docs/benchmarks.md). It
 * serves the common case with the same parts — the API-key cache, the `enrich` scope, the
 * workspace's rate limit, the audit row, the HTTP metric and the access log line.
 *
 * It serves only the plain case: exactly `POST /v1/enrich`, a bearer key, no Idempotency-Key, a
 * plain JSON body (`plainJsonLength`), a live key with the scope, a valid body, an answer in the
 * cache, room in the rate limit. A request it does not take goes to Express untouched; one it has
 * read the body of goes on with `req.body` set (Express's JSON parser skips a body already read),
 * so the controller answers it exactly as before; a malformed body gets the JSON parser's 400. A
 * request is counted against the rate limit only once it is served here, so one passed on is
 * never counted twice. Hand-written: serving one route ahead of the framework is a decision about
 * this route, not something a library does.
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

  /** Puts this path in front of `app` (the Express app serving `server`'s requests). */
  install(server: Server, app: RequestListener): void {
    if (!server.listeners('request').includes(app)) {
      throw new Error('The HTTP server does not hand its requests to this Express app.');
    }
    server.removeListener('request', app);
    server.prependListener('request', (req, res) => this.handle(req, res, () => app(req, res)));
  }

  /** Serves the request from the cache, or hands it to `passOn` (at once, or with its body read). */
  handle(req: IncomingMessage, res: ServerResponse, passOn: () => void): void {
    const token = bearerToken(req.headers.authorization);
    if (
      req.method !== 'POST' ||
      req.url !== ROUTE ||
      req.headers['idempotency-key'] !== undefined ||
      !token ||
      plainJsonLength(req, this.config.bodyLimitBytes) === null
    ) {
      passOn();
      return;
    }
    void readPlainJsonBody(req)
      .then(async (body) => {
        if (body === null) {
          return; // the client went away before sending its body: nobody to answer
        }
        if (!body.ok) {
          sendJson(res, body.status, bodyProblem(body.status, body.message));
          return;
        }
        (req as IncomingMessage & { body?: unknown }).body = body.value;
        let served = false;
        try {
          served = await this.serve(req, token, body.value, res);
        } catch (error) {
          if (res.headersSent) {
            // Answered already: passing it on would run it a second time.
            this.logger.warn({ msg: 'cached answer sent, then an error', error: String(error) });
            return;
          }
          // Whatever went wrong before answering, the controller answers (an outage becomes its 503).
        }
        if (!served && !res.headersSent) {
          passOn();
        }
      })
      .catch((error: unknown) => {
        // Only a fault of Express itself gets here: an event handler's rejection must not end the process.
        this.logger.error({ msg: 'request failed ahead of the router', error: String(error) });
        if (!res.headersSent) {
          // The same answer as the exception filter gives an unexpected error behind the router.
          sendJson(res, 500, INTERNAL_ERROR_BODY);
        }
      });
  }

  /** Answers the request from the cache and returns true, or returns false having written nothing. */
  private async serve(
    req: IncomingMessage,
    token: string,
    body: unknown,
    res: ServerResponse,
  ): Promise<boolean> {
    const end = this.metrics.startTimer();
    const started = Date.now();
    const key = await this.keys.authenticate(token);
    if (!key || !key.scopes.includes('enrich')) {
      return false;
    }
    let request: ReturnType<typeof parseEnrichBody>;
    try {
      request = parseEnrichBody(body, {
        defaultTimeoutMs: this.config.enrichTimeoutMs,
        maxTimeoutMs: this.config.enrichTimeoutMaxMs,
      });
    } catch {
      return false; // the controller names the problem
    }
    const answer = await this.enrichment.cachedAnswer(
      key.workspace_id,
      enrichQueryKey(request),
      request.options.max_age_days,
    );
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
    sendJson(res, 200, answer);
    // The access line pino-http writes for every other request, at its level and in its shape.
    const log = PinoLogger.root as PinoLogger['logger'] | undefined;
    if (log?.isLevelEnabled('info')) {
      log.info(
        {
          correlationId,
          req: { id: correlationId, method: req.method, url: req.url },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
        },
        'request completed',
      );
    }
    return true;
  }
}
