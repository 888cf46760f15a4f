import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditMonitorConfig } from '@sluice/config';
import type { AlertSeverityLevel } from '@sluice/db';
import { routeAlert, type ChannelName } from '@sluice/platform';
import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';

export interface NewAlert {
  kind: string;
  severity: AlertSeverityLevel;
  title: string;
  text: string;
  provider?: string | null;
  workspaceId?: string | null;
  details?: Record<string, unknown>;
}

/** The book inside one transaction (see {@link AlertBook.within}). */
export interface ScopedAlerts {
  fire(key: string, alert: NewAlert): Promise<string | null>;
  silence(key: string): Promise<void>;
  clear(key: string): Promise<boolean>;
  /** Re-arms every condition whose key starts with `prefix` (keys that name a date, say). */
  clearStartingWith(prefix: string): Promise<number>;
  /** Queues the deliveries of the alerts fired, once the transaction has committed. */
  dispatch(): Promise<void>;
}

export interface AlertDeliveryPayload {
  alertId: string;
  channel: Exclude<ChannelName, 'log'>;
}

/**
 * Raises alerts once. A condition (a threshold crossed, a failure rate high) has a state row; an
 * alert goes out only when one conditional statement flips that row from armed to fired, so two
 * monitors looking at the same balance at once send one alert, and none again until the condition
 * clears and re-arms it. The alert is stored with its state flip in one transaction; each channel's
 * delivery is then a queued job of its own, retried with backoff (ALERT_DELIVERY_ATTEMPTS, about ten
 * minutes by default), so a slow SMTP server never holds up a balance check. A channel down for
 * longer gives the delivery up; while the alert's condition still holds, {@link redispatch} tries it
 * again every ALERT_REDELIVER_AFTER_MS, so a webhook or SMTP outage delays a firing alert but does
 * not lose it. An alert whose condition cleared meanwhile, or that has none (a report), is not sent
 * again once given up.
 */
@Injectable()
export class AlertBook {
  private readonly logger = new Logger(AlertBook.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.creditMonitor) private readonly queue: Queue<AlertDeliveryPayload>,
    private readonly config: CreditMonitorConfig,
  ) {}

  /**
   * The same book working inside the caller's transaction (`manager`): a balance check applies its
   * reading and its alerts under one lock and on one connection. Deliveries are queued by
   * `dispatch`, to be called once that transaction has committed (a delivery must find its alert).
   */
  within(manager: EntityManager): ScopedAlerts {
    const pending: [string, NewAlert][] = [];
    return {
      fire: async (key, alert) => {
        const id = await this.flip(key, alert, manager);
        if (id) {
          pending.push([id, alert]);
        }
        return id;
      },
      silence: (key) => this.silence(key, manager),
      clear: (key) => this.clear(key, manager),
      clearStartingWith: (prefix) => this.clearStartingWith(prefix, manager),
      dispatch: async () => {
        for (const [id, alert] of pending.splice(0)) {
          await this.dispatch(id, alert);
        }
      },
    };
  }

  /** Raises `alert` if the condition `key` is armed; returns the alert id, or null when already fired. */
  async fire(key: string, alert: NewAlert): Promise<string | null> {
    const id = await this.dataSource.transaction((manager) => this.flip(key, alert, manager));
    if (id) {
      await this.dispatch(id, alert);
    }
    return id;
  }

  /** Flips the condition to fired and stores the alert, in `manager`'s transaction; null when already fired. */
  private async flip(key: string, alert: NewAlert, manager: EntityManager): Promise<string | null> {
    const flipped = await manager.query<{ key: string }[]>(
      `INSERT INTO alert_states (key, fired, updated_at) VALUES ($1, true, now())
         ON CONFLICT (key) DO UPDATE SET fired = true, updated_at = now() WHERE alert_states.fired = false
         RETURNING key`,
      [key],
    );
    if (flipped.length === 0) {
      return null;
    }
    const alertId = await this.insert(manager, alert);
    await manager.query('UPDATE alert_states SET alert_id = $2 WHERE key = $1', [key, alertId]);
    return alertId;
  }

  /** Marks the condition fired without an alert (a worse one went out for the same cause). */
  async silence(key: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    // No alert of its own: an earlier firing's is not this one's to deliver again (see redispatch).
    await manager.query(
      `INSERT INTO alert_states (key, fired, updated_at) VALUES ($1, true, now())
       ON CONFLICT (key) DO UPDATE SET fired = true, alert_id = NULL, updated_at = now()`,
      [key],
    );
  }

  /** Re-arms the condition: the next crossing alerts again. Returns whether it was fired. */
  async clear(key: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [, affected] = await manager.query<[unknown, number]>(
      'UPDATE alert_states SET fired = false, updated_at = now() WHERE key = $1 AND fired',
      [key],
    );
    return affected > 0;
  }

  /** Re-arms every fired condition whose key starts with `prefix`. Returns how many were fired. */
  async clearStartingWith(prefix: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [, affected] = await manager.query<[unknown, number]>(
      'UPDATE alert_states SET fired = false, updated_at = now() WHERE left(key, length($1)) = $1 AND fired',
      [prefix],
    );
    return affected;
  }

  /** Raises an alert that has no condition to re-arm (a report, an event): always sent. */
  async raise(alert: NewAlert): Promise<string> {
    const id = await this.insert(this.dataSource.manager, alert);
    await this.dispatch(id, alert);
    return id;
  }

  /**
   * Queues the deliveries of alerts stored but not (yet) handed to every channel they route to:
   * a monitor that died between storing an alert and queueing it. Job ids derive from the alert and
   * the channel, so an alert already queued is not queued twice. Then, for alerts whose condition
   * still holds, the channels that gave them up ALERT_REDELIVER_AFTER_MS ago or more (see
   * {@link redeliver}).
   */
  async redispatch(olderThanMs: number): Promise<number> {
    const rows = await this.dataSource.query<
      { id: string; kind: string; severity: AlertSeverityLevel; deliveries: Record<string, unknown> }[]
    >(
      `SELECT id, kind, severity, deliveries FROM alerts
        WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)
          AND created_at > now() - interval '1 day'
        ORDER BY created_at LIMIT 500`,
      [olderThanMs],
    );
    let queued = 0;
    for (const row of rows) {
      const missing = this.channelsFor(row).filter((channel) => !(channel in row.deliveries));
      if (missing.length > 0) {
        await this.enqueue(row.id, missing);
        queued += missing.length;
      }
    }
    return queued + (await this.redeliver());
  }

  /**
   * Queues again the deliveries given up (every attempt failed: a webhook or SMTP server down for
   * longer than the retries span) of alerts whose condition is still fired, once the channel gave
   * up ALERT_REDELIVER_AFTER_MS ago: each round is ALERT_DELIVERY_ATTEMPTS more attempts, and one
   * that fails records a new time to wait from. The job id names the round (the time it was given
   * up), so two monitors or two checks queue it once.
   */
  private async redeliver(): Promise<number> {
    const rows = await this.dataSource.query<
      {
        id: string;
        kind: string;
        severity: AlertSeverityLevel;
        deliveries: Record<string, { ok?: boolean; at?: string }>;
      }[]
    >(
      `SELECT a.id, a.kind, a.severity, a.deliveries
         FROM alert_states s JOIN alerts a ON a.id = s.alert_id
        WHERE s.fired
          AND EXISTS (SELECT 1 FROM jsonb_each(a.deliveries) d
                       WHERE d.value->>'ok' = 'false'
                         AND (d.value->>'at')::timestamptz < now() - make_interval(secs => $1::double precision / 1000))
        ORDER BY a.created_at LIMIT 500`,
      [this.config.alertRedeliverAfterMs],
    );
    const cutoff = Date.now() - this.config.alertRedeliverAfterMs;
    let queued = 0;
    for (const row of rows) {
      for (const channel of this.channelsFor(row)) {
        const outcome = row.deliveries[channel];
        const givenUpAt = outcome?.at ? Date.parse(outcome.at) : NaN;
        if (outcome?.ok === false && givenUpAt < cutoff) {
          await this.enqueue(row.id, [channel], `-${givenUpAt}`);
          queued += 1;
        }
      }
    }
    return queued;
  }

  private async insert(manager: DataSource['manager'], alert: NewAlert): Promise<string> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO alerts (kind, severity, provider, workspace_id, title, text, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
      [
        alert.kind,
        alert.severity,
        alert.provider ?? null,
        alert.workspaceId ?? null,
        alert.title,
        alert.text,
        JSON.stringify(alert.details ?? {}),
      ],
    );
    return rows[0].id;
  }

  private channelsFor(alert: Pick<NewAlert, 'kind' | 'severity'>): Exclude<ChannelName, 'log'>[] {
    return routeAlert(alert, {
      webhookUrl: this.config.alertWebhookUrl,
      smtpUrl: this.config.smtpUrl,
      emailTo: this.config.emailTo,
    }).filter((channel): channel is Exclude<ChannelName, 'log'> => channel !== 'log');
  }

  private async dispatch(id: string, alert: NewAlert): Promise<void> {
    // The log channel is written here and now: it cannot fail in a way worth retrying.
    this.logger[alert.severity === 'info' ? 'log' : 'warn']({
      msg: 'alert',
      id,
      kind: alert.kind,
      severity: alert.severity,
      title: alert.title,
      provider: alert.provider ?? undefined,
      workspaceId: alert.workspaceId ?? undefined,
      details: alert.details,
    });
    await this.enqueue(id, this.channelsFor(alert));
  }

  /** Queues the alert's delivery to each channel; `round` tells a delivery tried again from the first. */
  private async enqueue(id: string, channels: Exclude<ChannelName, 'log'>[], round = ''): Promise<void> {
    if (channels.length === 0) {
      return;
    }
    await this.queue.addBulk(
      channels.map((channel) => ({
        name: JOB_NAMES.alertDeliver,
        data: { alertId: id, channel },
        opts: {
          jobId: `alert-${id}-${channel}${round}`,
          attempts: this.config.alertDeliveryAttempts,
          backoff: { type: 'exponential', delay: 5000, jitter: 0.3 },
          removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
          removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
        },
      })),
    );
  }
}
