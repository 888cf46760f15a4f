import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig } from '@sluice/config';
import { CallbackDelivery, EnrichmentRequest, WorkspaceWebhookSecret } from '@sluice/db';
import { checkCallbackUrl, publicOnlyLookup, SecretBox, webhookHeaders } from '@sluice/platform';
import { UnrecoverableError } from 'bullmq';
import { DataSource, IsNull, MoreThan } from 'typeorm';

export interface CallbackOutcome {
  requestId: string;
  status: number | null;
  /** A retry not sent: the message was taken (a 2xx) since this delivery was queued. */
  skipped?: 'delivered_meanwhile';
}

/**
 * Delivers a finished job (completed, failed or cancelled) to its `callback_url`: a JSON POST
 * signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with every
 * secret of the workspace that still signs (during a rotation, the old one and the new). Any 2xx
 * is success; anything else is retried by the job's backoff, except `410 Gone` (the receiver asks
 * to stop). Redirects are not followed, and the URL's addresses are checked again at each attempt
 * and once more by the connection itself, since DNS may have changed since the job was accepted.
 * Every attempt is logged in `callback_deliveries`.
 */
@Injectable()
export class CallbackSender {
  private readonly logger = new Logger(CallbackSender.name);
  private readonly box: SecretBox | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: CallbackConfig,
  ) {
    this.box = SecretBox.fromSetting(config.encryptionKey);
  }

  /**
   * `queuedAt`: when this delivery's job was queued. A retry of it is not sent once the message was
   * taken since then — by a redelivery asked for meanwhile, or by the retries of another delivery
   * of the same job — so a receiver gets each message once. A first attempt is always sent: a
   * redelivery is asked for to send again.
   */
  async deliver(
    requestId: string,
    workspaceId: string,
    attempt: number,
    queuedAt: Date | null = null,
  ): Promise<CallbackOutcome> {
    const request = await this.dataSource
      .getRepository(EnrichmentRequest)
      .findOneBy({ id: requestId, workspaceId });
    if (!request?.callbackUrl) {
      return { requestId, status: null };
    }
    if (attempt > 1 && queuedAt) {
      const taken = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM callback_deliveries
          WHERE request_id = $1 AND workspace_id = $2 AND status BETWEEN 200 AND 299 AND created_at >= $3
          LIMIT 1`,
        [requestId, workspaceId, queuedAt],
      );
      if (taken.length > 0) {
        return { requestId, status: null, skipped: 'delivered_meanwhile' };
      }
    }
    const webhookId = `msg_${request.id.replace(/-/g, '')}`;
    const record = async (
      status: number | null,
      error: string | null,
      latencyMs: number | null,
    ): Promise<void> => {
      if (error !== null) {
        // The receiver's operator asks why nothing arrived: every failed attempt is logged, not only
        // listed by the API. Never the URL (its path or query may hold the receiver's token): the
        // error is a status, a system error code or a refusal Sluice wrote, none of which quotes it.
        this.logger.warn({ msg: 'callback attempt failed', requestId, attempt, status, error });
      }
      await this.dataSource.getRepository(CallbackDelivery).insert({
        workspaceId,
        requestId,
        webhookId,
        url: request.callbackUrl as string,
        attempt,
        status,
        error,
        latencyMs,
      });
    };
    if (!this.box) {
      await record(null, 'callbacks are not enabled (SLUICE_ENCRYPTION_KEY is not set)', null);
      throw new UnrecoverableError('callbacks are not enabled: SLUICE_ENCRYPTION_KEY is not set');
    }
    const problem = await checkCallbackUrl(request.callbackUrl, { allowPrivate: this.config.allowPrivate });
    if (problem) {
      await record(null, `refused: ${problem}`, null);
      if (/does not resolve/.test(problem)) {
        throw new Error(`callback_url: ${problem}`); // DNS may be back by the next attempt
      }
      throw new UnrecoverableError(`callback_url refused: ${problem}`);
    }
    const rows = await this.dataSource.getRepository(WorkspaceWebhookSecret).find({
      where: [
        { workspaceId, expiresAt: IsNull() },
        { workspaceId, expiresAt: MoreThan(new Date()) },
      ],
      order: { createdAt: 'DESC' },
    });
    const box = this.box;
    let secrets: string[];
    try {
      secrets = rows.map((row) => box.open(row.secretSealed));
    } catch (error) {
      // Sealed by a gateway with another SLUICE_ENCRYPTION_KEY: said where the receiver's operator
      // looks (the delivery log) and in this worker's log, not only in Bull Board. Tried again as
      // the attempts allow: another replica may hold the key.
      const why = error instanceof Error ? error.message : String(error);
      await record(null, `the workspace's webhook secret cannot be opened: ${why}`, null);
      throw new Error(`the workspace's webhook secret cannot be opened: ${why}`);
    }
    if (secrets.length === 0) {
      await record(null, 'the workspace has no webhook secret', null);
      throw new UnrecoverableError('the workspace has no webhook secret to sign with');
    }
    // What the job has spent as recorded now, as GET /v1/jobs/:id shows it: a cancelled job has no
    // result to quote it. Read at each attempt, so a retry or a redelivery sends the newest figure.
    // A job cancelled while a paid call was on the wire, or while a provider worked on its
    // asynchronous search, can be charged after its callback went (the provider did the work; see
    // StepRunner.collectCancelledTask), up to ASYNC_DEADLINE_MS later. No second callback is sent
    // for that: the message says the job ended, once, under one webhook-id (a receiver following
    // Standard Webhooks drops a repeated id, so a "correction" under it would be lost, and a new id
    // would announce the same ending twice). The final figure is at GET /v1/jobs/:id, and
    // POST /v1/jobs/:id/callback/redeliver sends it.
    const [spent] = await this.dataSource.query<{ credits: string }[]>(
      'SELECT coalesce(sum(credits), 0) AS credits FROM enrichment_steps WHERE request_id = $1 AND workspace_id = $2',
      [requestId, workspaceId],
    );
    const body = JSON.stringify({
      type: `job.${request.status}`,
      timestamp: new Date().toISOString(),
      data: {
        id: request.id,
        type: request.type,
        status: request.status,
        input: request.input,
        result: request.result,
        error: request.error,
        credits_spent: Number(spent?.credits ?? 0),
        created_at: request.createdAt.toISOString(),
        completed_at: request.completedAt?.toISOString() ?? null,
      },
    });
    const headers = webhookHeaders({
      id: webhookId,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets,
    });
    const started = Date.now();
    let status: number;
    try {
      status = await this.post(request.callbackUrl, body, {
        'content-type': 'application/json',
        'user-agent': 'Sluice-Webhooks/1',
        ...headers,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // e.g. `connect ECONNREFUSED 203.0.113.7:443`, `no answer within 10000 ms`: no URL in either.
      await record(null, message, Date.now() - started);
      throw new Error(`callback to ${new URL(request.callbackUrl).host} failed: ${message}`);
    }
    const latencyMs = Date.now() - started;
    if (status >= 200 && status < 300) {
      await record(status, null, latencyMs);
      return { requestId, status };
    }
    await record(status, `answered ${status}`, latencyMs);
    if (status === 410) {
      throw new UnrecoverableError('the callback receiver answered 410 Gone: no more attempts');
    }
    throw new Error(`callback answered ${status}`);
  }

  /**
   * One POST, answered with its status. Written over node:http rather than fetch so that the
   * connection uses a lookup that refuses private addresses at connect time (a DNS answer cannot
   * change between the check and the call); redirects are never followed.
   */
  private post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: this.config.timeoutMs,
          ...(this.config.allowPrivate ? {} : { lookup: publicOnlyLookup() }),
        },
        (res) => {
          res.resume(); // the answer's body is not needed
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      // `timeout` is the socket's idle time only: a receiver that sends its answer a byte every few
      // seconds is never idle, and held the delivery (a slot of the orchestrator queue, which
      // plans every workspace's requests) for as long as it kept sending. The whole exchange has
      // the same bound.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no complete answer within ${this.config.timeoutMs} ms`)),
        this.config.timeoutMs,
      );
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.config.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
