import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CoreConfig, CreditMonitorConfig } from '@sluice/config';
import {
  balanceReadWaitMs,
  connectionOptions,
  JOB_NAMES,
  JobSchedulerKeeper,
  QUEUE_NAMES,
  QueueErrorLog,
  type KeptScheduler,
  type RetentionRunPayload,
} from '@sluice/queue';
import { type Job, type Queue, Worker } from 'bullmq';
import type { AlertDeliveryPayload } from './alerts/alert-book';
import { AlertDelivery } from './alerts/alert-delivery';
import { BalanceCheck } from './credits/balance-check';
import { BalanceReaders } from './credits/balance-readers';
import { OpsChecks } from './ops/ops-checks';
import { UsageReport } from './reports/usage-report';
import { RetentionRunner } from './retention/retention-runner';

/** Snov.io credits are the cheapest and burn fastest: its balance is read more often by default. */
const DEFAULT_CHECK_EVERY_MS: Record<string, number> = { snov: 30 * 60_000 };

/**
 * The monitor's queue: its periodic work is BullMQ job schedulers (a balance check per provider, the
 * operational checks, the daily report), so each tick runs once however many monitors run; alert
 * deliveries are jobs of the same queue. Built by hand, not with `@Processor`, as its worker's
 * settings come from configuration.
 */
@Injectable()
export class MonitorWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MonitorWorker.name);
  private worker: Worker | null = null;
  private keeper: JobSchedulerKeeper | null = null;

  constructor(
    @InjectQueue(QUEUE_NAMES.creditMonitor) private readonly queue: Queue,
    private readonly readers: BalanceReaders,
    private readonly balances: BalanceCheck,
    private readonly ops: OpsChecks,
    private readonly report: UsageReport,
    private readonly delivery: AlertDelivery,
    private readonly retention: RetentionRunner,
    private readonly core: CoreConfig,
    private readonly config: CreditMonitorConfig,
    private readonly errors: QueueErrorLog,
  ) {}

  checkEveryMs(provider: string): number {
    // Snov.io's default is "more often than the others": a CREDIT_CHECK_INTERVAL_MS shorter than it
    // reads Snov.io that often too, not least often of all.
    return (
      this.config.policies[provider]?.checkEveryMs ??
      Math.min(DEFAULT_CHECK_EVERY_MS[provider] ?? Infinity, this.config.checkIntervalMs)
    );
  }

  /** How long a balance check of `provider` may wait for a slot in its rate window. */
  rateWaitMs(provider: string): number {
    // The workers' credit sync waits by the same rule (a quarter of its interval, a minute at most).
    return balanceReadWaitMs(this.checkEveryMs(provider));
  }

  async onApplicationBootstrap(): Promise<void> {
    const template = { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } };
    const schedulers: KeptScheduler[] = this.readers.providers.map((provider) => ({
      id: `${JOB_NAMES.creditsCheck}:${provider}`,
      repeat: { every: this.checkEveryMs(provider) },
      template: { name: JOB_NAMES.creditsCheck, data: { provider }, opts: template },
    }));
    schedulers.push({
      id: JOB_NAMES.opsCheck,
      repeat: { every: this.config.opsCheckIntervalMs },
      template: { name: JOB_NAMES.opsCheck, data: {}, opts: template },
    });
    if (this.config.usageReportCron) {
      schedulers.push({
        id: JOB_NAMES.usageReport,
        repeat: { pattern: this.config.usageReportCron, tz: 'UTC' },
        template: { name: JOB_NAMES.usageReport, data: {}, opts: template },
      });
    } else {
      await this.queue.removeJobScheduler(JOB_NAMES.usageReport);
    }
    if (this.config.retentionCron) {
      schedulers.push({
        id: JOB_NAMES.retentionRun,
        repeat: { pattern: this.config.retentionCron, tz: 'UTC' },
        template: { name: JOB_NAMES.retentionRun, data: { trigger: 'schedule' }, opts: template },
      });
    } else {
      await this.queue.removeJobScheduler(JOB_NAMES.retentionRun);
    }
    // Kept: a Redis that lost its data would otherwise end every check and report until a restart.
    this.keeper = new JobSchedulerKeeper(this.queue, schedulers, {
      log: (level, entry) => this.logger[level](entry),
    });
    await this.keeper.start();
    this.worker = new Worker(QUEUE_NAMES.creditMonitor, (job) => this.process(job), {
      connection: connectionOptions(this.core.redisUrl, 'worker', 'sluice-credit-monitor'),
      prefix: this.core.queuePrefix,
      concurrency: this.config.concurrency,
    });
    this.errors.watch(`worker ${QUEUE_NAMES.creditMonitor}`, this.worker);
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'monitor job failed', name: job?.name, id: job?.id, error: error.message }),
    );
  }

  private async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOB_NAMES.creditsCheck: {
        const provider = String((job.data as { provider: string }).provider);
        return this.balances.check(provider, { rateWaitMs: this.rateWaitMs(provider) });
      }
      case JOB_NAMES.opsCheck:
        return this.ops.run();
      case JOB_NAMES.usageReport:
        return { alertId: (await this.report.send((job.data as { day?: string }).day)).alertId };
      case JOB_NAMES.retentionRun: {
        const trigger =
          (job.data as Partial<RetentionRunPayload>).trigger === 'manual' ? 'manual' : 'schedule';
        const result = await this.retention.run(trigger);
        return {
          runId: result.runId,
          total: result.total,
          alertId: result.alertId,
          ...(result.skipped ? { skipped: result.skipped } : {}),
        };
      }
      case JOB_NAMES.alertDeliver:
        return this.delivery.deliver(job as Job<AlertDeliveryPayload>);
      default:
        throw new Error(`the credit monitor has no handler for job '${job.name}'`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.keeper?.stop();
    await this.worker?.close();
  }
}
