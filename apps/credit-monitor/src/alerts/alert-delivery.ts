import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditMonitorConfig } from '@sluice/config';
import { Alert } from '@sluice/db';
import { AlertChannels } from '@sluice/platform';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import type { AlertDeliveryPayload } from './alert-book';

/** Sends one stored alert to one channel, and records how that went on the alert. */
@Injectable()
export class AlertDelivery implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertDelivery.name);
  private readonly channels: AlertChannels;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: CreditMonitorConfig,
  ) {
    this.channels = new AlertChannels({
      webhookUrl: config.alertWebhookUrl,
      smtpUrl: config.smtpUrl,
      emailTo: config.emailTo,
      emailFrom: config.alertEmailFrom,
      log: (entry) => this.logger.log(entry),
    });
  }

  async deliver(job: Job<AlertDeliveryPayload>): Promise<{ delivered: string }> {
    const { alertId, channel } = job.data;
    const alert = await this.dataSource.getRepository(Alert).findOneBy({ id: alertId });
    if (!alert) {
      return { delivered: 'alert gone' };
    }
    if (alert.deliveries[channel]?.ok) {
      return { delivered: 'already' };
    }
    try {
      await this.channels.send(channel, {
        id: alert.id,
        kind: alert.kind,
        severity: alert.severity,
        title: alert.title,
        text: alert.text,
        provider: alert.provider,
        details: alert.details,
        createdAt: alert.createdAt,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = job.attemptsMade + 1;
      this.logger.warn({ msg: 'alert delivery failed', alertId, channel, attempt: attempts, error: message });
      if (attempts >= (job.opts.attempts ?? 1)) {
        await this.record(alertId, channel, { ok: false, attempts, error: message });
      }
      throw error;
    }
    await this.record(alertId, channel, { ok: true, attempts: job.attemptsMade + 1 });
    return { delivered: channel };
  }

  private async record(
    alertId: string,
    channel: string,
    outcome: { ok: boolean; attempts: number; error?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE alerts SET deliveries = deliveries || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1`,
      [alertId, channel, JSON.stringify({ ...outcome, at: new Date().toISOString() })],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channels.close();
  }
}
