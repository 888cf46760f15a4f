import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { CoreConfig, PipelineConfig, WorkerConfig } from '@sluice/config';
import {
  ACTIVE_PROVIDERS,
  connectionOptions,
  PROVIDER_PRIORITY_CLASS,
  QUEUE_NAMES,
  stepQueueNames,
  type CallbackDeliverPayload,
  type EnrichmentPlanPayload,
  type ProviderStepPayload,
} from '@sluice/queue';
import { Worker, type WorkerOptions } from 'bullmq';
import { WorkerMetrics } from '../ops/worker-metrics';
import { WorkerRegistry } from '../ops/worker-registry';
import { PlanProcessor } from '../orchestrator/plan.processor';
import { ProviderCallLog } from '../steps/provider-call-log';
import { CreditGate } from './credit-gate';
import { StepRunner } from './step-runner';

/**
 * One BullMQ worker per provider queue (two a provider: see `ownAccountQueueName`), all running the
 * same {@link StepRunner}, and the orchestrator queue's worker running {@link PlanProcessor}.
 * Concurrency comes from the queue's priority class: HIGH (Companies House) and LOW
 * (credit-consuming providers) have their own slots, so LOW work can never starve HIGH work. Built
 * by hand rather than with `@Processor` classes because the provider queues share one handler and
 * differ only in settings, and because a `@Processor`'s worker options are fixed at import time,
 * before the configuration (lock duration, stalled-job interval) is read.
 */
/**
 * A provider queue's limiter, there only so that a back-off holds every worker of the queue. BullMQ
 * makes the wait one worker sets (`worker.rateLimit`: after a provider's 429, a full rate window)
 * hold the queue's other workers, every replica's, only when the queue has a limiter; without one,
 * each worker learns of it by itself, with a call of its own (a 429 each). This one counts no job
 * that matters, a million a second: the providers' limits are the sliding windows of the step runner.
 */
const BACK_OFF_EVERYWHERE = { max: 1_000_000, duration: 1000 };

@Injectable()
export class ProviderWorkers implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProviderWorkers.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly runner: StepRunner,
    private readonly planner: PlanProcessor,
    private readonly registry: WorkerRegistry,
    private readonly metrics: WorkerMetrics,
    private readonly gate: CreditGate,
    private readonly core: CoreConfig,
    private readonly worker: WorkerConfig,
    private readonly pipeline: PipelineConfig,
    private readonly callLog: ProviderCallLog,
  ) {}

  private options(concurrency: number, limiter?: WorkerOptions['limiter']): WorkerOptions {
    return {
      ...(limiter ? { limiter } : {}),
      connection: connectionOptions(this.core.redisUrl, 'worker', 'sluice-enrichment-worker'),
      prefix: this.core.queuePrefix,
      concurrency,
      lockDuration: this.pipeline.jobLockDurationMs,
      stalledInterval: this.pipeline.jobStalledIntervalMs,
      maxStalledCount: 2,
      autorun: false,
    };
  }

  /** Workers exist (and are registered) at module init; they start taking jobs at bootstrap. */
  onModuleInit(): void {
    const orchestrator = new Worker<EnrichmentPlanPayload>(
      QUEUE_NAMES.enrichment,
      (job) => this.planner.process(job),
      this.options(this.worker.orchestratorConcurrency),
    );
    this.registry.register(QUEUE_NAMES.enrichment, orchestrator);
    this.workers.push(orchestrator);
    const callbacks = new Worker<CallbackDeliverPayload>(
      QUEUE_NAMES.callbacks,
      (job) => this.planner.deliverCallback(job),
      this.options(this.worker.callbackConcurrency),
    );
    this.registry.register(QUEUE_NAMES.callbacks, callbacks);
    this.workers.push(callbacks);
    // Each provider's two queues (the platform account's and the workspaces' own accounts', see
    // ownAccountQueueName) run the same handler: the step runner reads whose account a step uses.
    for (const [provider, queueName] of ACTIVE_PROVIDERS.flatMap((name) =>
      stepQueueNames(name).map((queue) => [name, queue] as const),
    )) {
      const concurrency =
        PROVIDER_PRIORITY_CLASS[provider] === 'HIGH'
          ? this.worker.highConcurrency
          : this.worker.lowConcurrency;
      const worker: Worker<ProviderStepPayload> = new Worker<ProviderStepPayload>(
        queueName,
        async (job, token) => {
          try {
            const result = await this.runner.run(job, worker, token);
            this.metrics.jobs.inc({ queue: queueName, outcome: result.settled });
            return result;
          } catch (error) {
            const name = error instanceof Error ? error.name : 'Error';
            const outcome =
              name === 'DelayedError' ? 'waiting' : name === 'RateLimitError' ? 'rate_limited' : 'retry';
            this.metrics.jobs.inc({ queue: queueName, outcome });
            throw error;
          }
        },
        this.options(concurrency, BACK_OFF_EVERYWHERE),
      );
      this.registry.register(queueName, worker);
      this.workers.push(worker);
    }
  }

  onApplicationBootstrap(): void {
    for (const worker of this.workers) {
      worker.run().catch((error: unknown) =>
        this.logger.error({
          msg: 'worker stopped with an error',
          queue: worker.name,
          error: String(error),
        }),
      );
    }
    // Learn every provider's balance once at start (free account calls), then on the schedule.
    void this.gate
      .sync(true)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'initial balance check failed', error: String(error) }),
      );
  }

  /**
   * Before anything a job uses closes (the pipeline's Redis connection, the queues, PostgreSQL: they
   * close on application shutdown, after this): a job that ends while the app closes still keeps
   * what its step paid for in Redis, releases its claims and settles. Were the pipeline's Redis
   * already quit, a paid answer whose settlement then failed (PostgreSQL away) would be kept
   * nowhere, and the step's next run would pay for it again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    // Only now, with every job run ended, is nothing more added to the rows the call log keeps for
    // another write: its last try comes after the workers, not beside them.
    await this.callLog.close();
  }
}
