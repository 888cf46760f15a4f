import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig, CoreConfig, ProvidersConfig } from '@sluice/config';
import { verifyRocketReachSignature } from '@sluice/providers';
import { CallbackTokens, JOB_NAMES, JOB_OPTIONS, QUEUE_NAMES, recordWebhookRefusal } from '@sluice/queue';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CALLBACK_TOKEN, eventIdOf, isTokenProvider, TOKEN_PROVIDERS } from './event-id';

/** What the receiver answers a provider: any 2xx stops its retries. */
export interface IntakeAnswer {
  status: 'accepted' | 'duplicate' | 'unmatched';
  id: string;
}

/** Headers kept with an event: what identifies and verifies it. Never credentials. */
const KEPT_HEADERS = [
  'content-type',
  'user-agent',
  'rr-request-id',
  'x-rocketreach-signature',
  'x-request-id',
];

function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) {
      kept[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return kept;
}

/**
 * Takes provider callbacks in: verifies each (RocketReach's signature over the raw body; for
 * providers that do not sign, the step's unguessable token in the URL), stores the raw event
 * before anything else, and hands it to the worker through a queue, so the provider gets a fast
 * 2xx. The provider's event id is unique per provider: a repeated delivery is answered
 * `duplicate` and never applied twice.
 */
@Injectable()
export class WebhookIntake {
  private readonly logger = new Logger(WebhookIntake.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly providers: ProvidersConfig,
    private readonly core: CoreConfig,
    private readonly callbacks: CallbackConfig,
  ) {}

  private tokens: Promise<CallbackTokens> | null = null;

  /** The deployment's callback tokens: loaded once (from Redis when no SLUICE_ENCRYPTION_KEY), again after a failure. */
  private callbackTokens(): Promise<CallbackTokens> {
    this.tokens ??= (async () =>
      CallbackTokens.load(
        this.callbacks.encryptionKey,
        (await this.queue.client) as unknown as Redis,
        this.core.queuePrefix,
      ))().catch((error: unknown) => {
      this.tokens = null;
      throw error;
    });
    return this.tokens;
  }

  /** The step a callback token is for: made from the step's id, or (steps older than that) a stored digest. */
  private async stepOfToken(
    token: string,
  ): Promise<{ id: string; workspace_id: string; provider: string } | undefined> {
    if (!CALLBACK_TOKEN.test(token)) {
      return undefined;
    }
    const stepId = (await this.callbackTokens()).stepOf(token);
    const rows = await this.dataSource.query<{ id: string; workspace_id: string; provider: string }[]>(
      stepId
        ? 'SELECT id, workspace_id, provider FROM enrichment_steps WHERE id = $1'
        : 'SELECT id, workspace_id, provider FROM enrichment_steps WHERE callback_token_sha256 = $1',
      [stepId ?? createHash('sha256').update(token).digest('hex')],
    );
    return rows[0];
  }

  /** Tells the credit monitor (best effort: a Redis hiccup must not turn a 401 into a 500). */
  private async refused(provider: string, reason: string): Promise<void> {
    try {
      const redis = (await this.queue.client) as unknown as Redis;
      await recordWebhookRefusal(redis, this.core.queuePrefix, provider, reason);
    } catch (error) {
      this.logger.warn({ msg: 'could not record a refused callback', error: String(error) });
    }
  }

  /** A callback to a step's URL (`/webhooks/:provider/:token`). */
  async byToken(
    provider: string,
    token: string,
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeAnswer> {
    if (!isTokenProvider(provider)) {
      throw new NotFoundException(
        `No callback route for provider '${provider}': ${TOKEN_PROVIDERS.join(', ')} call back to /webhooks/<provider>/<token>; RocketReach to /webhooks/rocketreach.`,
      );
    }
    const step = await this.stepOfToken(token);
    if (!step || step.provider !== provider) {
      this.logger.warn({ msg: 'callback refused: unknown token', provider });
      await this.refused(provider, 'unknown token');
      throw new UnauthorizedException('Unknown callback token.');
    }
    const kept = keptHeaders(headers);
    const body = raw.toString('utf8');
    return this.store(provider, eventIdOf(provider, body, kept), step.id, step.workspace_id, kept, body);
  }

  /** RocketReach's account webhook: signed, and matched to the step by the lookup's profile id. */
  async rocketreach(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeAnswer> {
    if (
      !verifyRocketReachSignature(
        raw,
        headers['x-rocketreach-signature'],
        this.providers.rocketreachWebhookSecret,
      )
    ) {
      this.logger.warn({ msg: 'callback refused: bad signature', provider: 'rocketreach' });
      await this.refused('rocketreach', 'bad signature');
      throw new UnauthorizedException('X-RocketReach-Signature does not match the body.');
    }
    const kept = keptHeaders(headers);
    const body = raw.toString('utf8');
    let profileId: string | null = null;
    try {
      const parsed = JSON.parse(body) as { id?: unknown };
      profileId = typeof parsed.id === 'number' || typeof parsed.id === 'string' ? String(parsed.id) : null;
    } catch {
      profileId = null; // stored as it came, flagged unmatched
    }
    const rows = profileId
      ? await this.dataSource.query<{ id: string; workspace_id: string }[]>(
          `SELECT id, workspace_id FROM enrichment_steps
            WHERE provider = 'rocketreach' AND provider_task_id = $1
            ORDER BY created_at DESC LIMIT 1`,
          [profileId],
        )
      : [];
    const step = rows[0] ?? null;
    return this.store(
      'rocketreach',
      eventIdOf('rocketreach', body, kept),
      step?.id ?? null,
      step?.workspace_id ?? null,
      kept,
      body,
    );
  }

  private async store(
    provider: string,
    eventId: string,
    stepId: string | null,
    workspaceId: string | null,
    headers: Record<string, string>,
    body: string,
  ): Promise<IntakeAnswer> {
    const status = stepId ? 'received' : 'unmatched';
    const inserted = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_events (provider, event_id, step_id, workspace_id, status, headers, body)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING id`,
      [provider, eventId, stepId, workspaceId, status, JSON.stringify(headers), body],
    );
    if (inserted[0]) {
      if (status === 'unmatched') {
        this.logger.warn({ msg: 'callback for no known task: stored and flagged', provider, eventId });
        return { status: 'unmatched', id: inserted[0].id };
      }
      await this.enqueue(inserted[0].id);
      return { status: 'accepted', id: inserted[0].id };
    }
    // Seen before. If it was never applied (the queue was away when it first came), try again:
    // the job id is the event's, so this cannot apply it twice.
    const [existing] = await this.dataSource.query<{ id: string; status: string }[]>(
      'SELECT id, status FROM webhook_events WHERE provider = $1 AND event_id = $2',
      [provider, eventId],
    );
    if (existing?.status === 'received') {
      await this.enqueue(existing.id);
    }
    return { status: 'duplicate', id: existing?.id ?? '' };
  }

  private async enqueue(eventId: string): Promise<void> {
    await this.queue.add(
      JOB_NAMES.webhookProcess,
      { eventId },
      { ...JOB_OPTIONS[JOB_NAMES.webhookProcess], jobId: `webhook-${eventId}` },
    );
  }
}
