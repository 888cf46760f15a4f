import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import {
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig, CoreConfig, ProvidersConfig, sandboxedProviders } from '@sluice/config';
import type { WebhookEventSummary } from '@sluice/db';
import { rocketReachWebhookRefs, verifyRocketReachSignature } from '@sluice/providers';
import { CallbackTokens, JOB_NAMES, JOB_OPTIONS, QUEUE_NAMES, recordWebhookRefusal } from '@sluice/queue';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CALLBACK_TOKEN, eventIdOf, isTokenProvider, TOKEN_PROVIDERS } from './event-id';
import { type CallbackOutcome, WebhookMetrics } from './webhook-metrics';

/**
 * What the receiver answers a provider: any 2xx stops its retries. `late`: the step the callback is
 * for was already settled (or is no longer kept); its body was not stored, `id` is the row that
 * records the delivery (null when there is no step left to record it for).
 */
export interface IntakeAnswer {
  status: CallbackOutcome;
  id: string | null;
}

/** The step a verified callback is for, and the workspace its event is filed under (null: none). */
interface CallbackStep {
  id: string;
  workspace_id: string | null;
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
 * What is recorded of an event whose body is not kept: enough to recognise it (size, digest) and,
 * for RocketReach, to find the lookup it was about; nothing about the person.
 */
function summaryOf(provider: string, body: string): WebhookEventSummary {
  return {
    bytes: Buffer.byteLength(body, 'utf8'),
    sha256: createHash('sha256').update(body).digest('hex'),
    ...(provider === 'rocketreach' ? { profiles: rocketReachWebhookRefs(body) } : {}),
  };
}

/**
 * Takes provider callbacks in: verifies each (RocketReach's signature over the raw body; for
 * providers that do not sign, the step's unguessable token in the URL), stores the raw event
 * before anything else, and hands it to the worker through a queue, so the provider gets a fast
 * 2xx. The provider's event id is unique per provider: a repeated delivery is answered
 * `duplicate` and never applied twice.
 *
 * Only a step still waiting for its provider keeps a callback's body. A callback for a step already
 * settled — a redelivery after the step finished, or one after an answer naming a person erased
 * from the workspace was dropped with the step's callbacks — is answered 2xx (`late`), so the
 * provider stops, and recorded without its body: nothing of the person it quotes is stored again.
 * A signed RocketReach event for no lookup Sluice knows (its step erased, past retention, or a
 * lookup made outside Sluice on the same account) is recorded the same way, flagged `unmatched`:
 * RocketReach's account is shared by every workspace, so it cannot be told which workspace's
 * erasures apply to it, and nothing would ever apply its body.
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
    private readonly metrics: WebhookMetrics,
  ) {
    this.rocketreachSecretUnset =
      !sandboxedProviders(providers).includes('rocketreach') &&
      providers.rocketreachWebhookSecret === new ProvidersConfig().rocketreachWebhookSecret;
  }

  private tokens: Promise<CallbackTokens> | null = null;

  /** RocketReach is the real one (not the sandbox) but its webhook secret is still the sandbox's. */
  private readonly rocketreachSecretUnset: boolean;

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

  /**
   * The step a callback token is for: made from the step's id, or (steps older than that) a stored
   * digest. `gone`: the token is one this deployment made, for a step no longer kept (erased, or
   * past its retention).
   */
  private async stepOfToken(
    token: string,
  ): Promise<(CallbackStep & { provider: string }) | 'gone' | undefined> {
    if (!CALLBACK_TOKEN.test(token)) {
      return undefined;
    }
    const stepId = (await this.callbackTokens()).stepOf(token);
    const rows = await this.dataSource.query<(CallbackStep & { provider: string })[]>(
      stepId
        ? 'SELECT id, workspace_id, provider FROM enrichment_steps WHERE id = $1'
        : 'SELECT id, workspace_id, provider FROM enrichment_steps WHERE callback_token_sha256 = $1',
      [stepId ?? createHash('sha256').update(token).digest('hex')],
    );
    if (rows[0] || !stepId) {
      return rows[0];
    }
    // A step erased with a person while its provider worked: the provider has finished, and charged
    // for, that work. The worker collects the charge (see ErasedTask) once told so.
    await this.dataSource.query(
      'UPDATE erased_tasks SET called_back_at = now() WHERE step_id = $1 AND called_back_at IS NULL',
      [stepId],
    );
    return 'gone';
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
    if (step === 'gone') {
      // Its token proves the work was ours, but the step is gone: nothing to store it for.
      this.logger.log({ msg: 'callback for a step no longer kept: not stored', provider });
      this.metrics.callbacks.inc({ provider, outcome: 'late' });
      return { status: 'late', id: null };
    }
    if (!step || step.provider !== provider) {
      this.logger.warn({ msg: 'callback refused: unknown token', provider });
      await this.refused(provider, 'unknown token');
      throw new UnauthorizedException('Unknown callback token.');
    }
    const kept = keptHeaders(headers);
    const body = raw.toString('utf8');
    return this.store(provider, eventIdOf(provider, body, kept), step, kept, body);
  }

  /** RocketReach's account webhook: signed, and matched to the step by the lookup's profile id. */
  async rocketreach(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeAnswer> {
    if (this.rocketreachSecretUnset) {
      // The built-in secret is the sandbox's, written in this repository: against the real
      // RocketReach it would let anybody sign a callback. Refused as not configured (503, so that
      // RocketReach keeps retrying until the secret is set); the lookups are still polled.
      await this.refused('rocketreach', 'ROCKETREACH_WEBHOOK_SECRET not set');
      throw new ServiceUnavailableException(
        'RocketReach callbacks are refused: ROCKETREACH_WEBHOOK_SECRET is not set (the built-in value is the sandbox’s).',
      );
    }
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
      profileId = null; // recorded (without its body) and flagged unmatched
    }
    const step = profileId ? await this.rocketreachStep(profileId) : null;
    return this.store('rocketreach', eventIdOf('rocketreach', body, kept), step, kept, body);
  }

  /**
   * The step a RocketReach callback about `profileId` is filed under. The callback names only the
   * profile, and lookups of one profile by several workspaces share RocketReach's one task: the
   * newest step still waiting on it, else the newest one (a late callback). The worker wakes every
   * step waiting on the profile (see WebhookCompletion). The event belongs to no one workspace when
   * steps of several wait on it (it had been filed under whichever looked it up last, and the
   * others' erasures of the person left it): an event of no workspace is searched by every
   * workspace's erasure.
   */
  private async rocketreachStep(profileId: string): Promise<CallbackStep | null> {
    const [row] = await this.dataSource.query<(CallbackStep & { workspaces: number })[]>(
      `SELECT id, workspace_id,
              (SELECT count(DISTINCT w.workspace_id)::int FROM enrichment_steps w
                WHERE w.provider = 'rocketreach' AND w.provider_task_id = $1 AND w.state = 'pending') AS workspaces
         FROM enrichment_steps
        WHERE provider = 'rocketreach' AND provider_task_id = $1
        ORDER BY state = 'pending' DESC, created_at DESC LIMIT 1`,
      [profileId],
    );
    return row ? { id: row.id, workspace_id: row.workspaces > 1 ? null : row.workspace_id } : null;
  }

  /**
   * Stores a verified callback. For a step, the step's row is read FOR SHARE in the same
   * transaction: a settlement (which updates that row) cannot commit between the check that the
   * step still waits and the insert of the body, so a settlement that drops the step's callbacks
   * after committing its state sees every body stored while it waited, and none arrives after.
   */
  private async store(
    provider: string,
    eventId: string,
    step: CallbackStep | null,
    headers: Record<string, string>,
    body: string,
  ): Promise<IntakeAnswer> {
    const stored = await this.dataSource.transaction(async (manager) => {
      let status: 'received' | 'unmatched' | 'late' = 'unmatched';
      if (step) {
        const [row] = await manager.query<{ state: string }[]>(
          'SELECT state FROM enrichment_steps WHERE id = $1 FOR SHARE',
          [step.id],
        );
        status = row?.state === 'pending' ? 'received' : 'late';
      }
      // A settled step's callback is recorded (its arrival tells a cancelled step's collection that
      // the provider finished and charged) without the body: it may name an erased person. So is an
      // event for no known task, which is never applied and may name anybody.
      const kept = status === 'received';
      const inserted = await manager.query<{ id: string }[]>(
        `INSERT INTO webhook_events (provider, event_id, step_id, workspace_id, status, headers, body, summary, processed_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, CASE WHEN $5 = 'late' THEN now() END)
         ON CONFLICT (provider, event_id) DO NOTHING
         RETURNING id`,
        [
          provider,
          eventId,
          step?.id ?? null,
          step?.workspace_id ?? null,
          status,
          JSON.stringify(headers),
          kept ? body : '',
          kept ? null : JSON.stringify(summaryOf(provider, body)),
        ],
      );
      return { status, id: inserted[0]?.id ?? null };
    });
    if (stored.id) {
      this.metrics.callbacks.inc({
        provider,
        outcome: stored.status === 'received' ? 'accepted' : stored.status,
      });
      if (stored.status === 'unmatched') {
        this.logger.warn({
          msg: 'callback for no known task: recorded without its body and flagged',
          provider,
          eventId,
        });
        return { status: 'unmatched', id: stored.id };
      }
      if (stored.status === 'late') {
        this.logger.log({
          msg: 'callback for a step already settled: recorded without its body',
          provider,
          stepId: step?.id,
          eventId,
        });
        return { status: 'late', id: stored.id };
      }
      await this.enqueue(stored.id);
      return { status: 'accepted', id: stored.id };
    }
    this.metrics.callbacks.inc({ provider, outcome: 'duplicate' });
    // Seen before. If it was never applied (the queue was away when it first came), try again:
    // the job id is the event's, so this cannot apply it twice.
    const [existing] = await this.dataSource.query<{ id: string; status: string }[]>(
      'SELECT id, status FROM webhook_events WHERE provider = $1 AND event_id = $2',
      [provider, eventId],
    );
    if (existing?.status === 'received') {
      await this.enqueue(existing.id);
    }
    return { status: 'duplicate', id: existing?.id ?? null };
  }

  private async enqueue(eventId: string): Promise<void> {
    await this.queue.add(
      JOB_NAMES.webhookProcess,
      { eventId },
      { ...JOB_OPTIONS[JOB_NAMES.webhookProcess], jobId: `webhook-${eventId}` },
    );
  }
}
