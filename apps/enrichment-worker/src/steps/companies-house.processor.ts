import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { WorkerConfig } from '@sluice/config';
import { CompanyRecord } from '@sluice/db';
import type { Company } from '@sluice/enrichment';
import { CompaniesHouseClient, ProviderError } from '@sluice/providers';
import { JOB_NAMES, providerQueueName, type ProviderStepPayload } from '@sluice/queue';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { WorkerRegistry } from '../ops/worker-registry';
import { WorkerMetrics } from '../ops/worker-metrics';
import { ProviderCallLog } from './provider-call-log';
import { StepLedger } from './step-ledger.service';

const QUEUE = providerQueueName('companies-house');
const OPERATION = 'company.profile';

/** The canonical company as the API shows it. */
export function companyResult(company: Company): Record<string, unknown> {
  return {
    company_number: company.companyNumber,
    company_name: company.name,
    company_status: company.status,
    company_status_detail: company.statusDetail,
    company_type: company.type,
    jurisdiction: company.jurisdiction,
    incorporated_on: company.incorporatedOn,
    dissolved_on: company.dissolvedOn,
    sic_codes: company.sicCodes,
    registered_address: company.registeredAddress,
    source: 'companies-house',
  };
}

/**
 * Runs Companies House steps (HIGH class). Failures reach BullMQ: a permanent error fails the job
 * at once (UnrecoverableError), a transient one is retried with backoff, and a 429 pauses this
 * queue until the provider's window resets without spending an attempt.
 */
@Processor(QUEUE)
export class CompaniesHouseProcessor extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(CompaniesHouseProcessor.name);

  constructor(
    private readonly client: CompaniesHouseClient,
    private readonly ledger: StepLedger,
    private readonly registry: WorkerRegistry,
    private readonly metrics: WorkerMetrics,
    private readonly config: WorkerConfig,
    private readonly callLog: ProviderCallLog,
  ) {
    super();
  }

  onModuleInit(): void {
    this.registry.register(QUEUE, this.worker);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.highConcurrency;
  }

  async process(job: Job<ProviderStepPayload>): Promise<{ settled: string }> {
    if (job.name !== JOB_NAMES.providerStep) {
      throw new UnrecoverableError(`${QUEUE} has no handler for job '${job.name}'`);
    }
    const loaded = await this.ledger.loadPending(job.data.stepId);
    if (!loaded) {
      return { settled: 'already' };
    }
    const { step, request } = loaded;
    const companyNumber = String(request.input.company_number);
    const log = {
      requestId: request.id,
      stepId: step.id,
      correlationId: job.data.correlationId,
      jobId: job.id,
    };
    await this.ledger.countAttempt(step.id);
    const started = Date.now();
    try {
      const result = await this.callLog.around(
        { workspaceId: request.workspaceId, requestId: request.id, stepId: step.id, operation: OPERATION },
        () => this.client.getCompanyProfile(companyNumber),
      );
      const company = result.data;
      const view = companyResult(company);
      await this.ledger.complete(
        step.id,
        { latencyMs: result.call.latencyMs, credits: 0, output: view, requestResult: { company: view } },
        async (manager) => {
          await manager
            .createQueryBuilder()
            .insert()
            .into(CompanyRecord)
            .values({
              companyNumber: company.companyNumber,
              name: company.name,
              status: company.status,
              statusDetail: company.statusDetail,
              type: company.type,
              jurisdiction: company.jurisdiction,
              incorporatedOn: company.incorporatedOn,
              dissolvedOn: company.dissolvedOn,
              sicCodes: company.sicCodes,
              registeredAddress: company.registeredAddress,
              source: 'companies-house',
              raw: result.raw as unknown as Record<string, unknown>,
              fetchedAt: new Date(),
            } as QueryDeepPartialEntity<CompanyRecord>)
            .orUpdate(
              [
                'name',
                'status',
                'status_detail',
                'type',
                'jurisdiction',
                'incorporated_on',
                'dissolved_on',
                'sic_codes',
                'registered_address',
                'raw',
                'fetched_at',
                'updated_at',
              ],
              ['company_number'],
            )
            .execute();
        },
      );
      this.metrics.jobs.inc({ queue: QUEUE, outcome: 'completed' });
      this.logger.log({
        msg: 'company profile fetched',
        ...log,
        companyNumber,
        latencyMs: result.call.latencyMs,
      });
      return { settled: 'completed' };
    } catch (error) {
      if (!(error instanceof ProviderError)) {
        this.metrics.jobs.inc({ queue: QUEUE, outcome: 'retry' });
        throw error; // e.g. PostgreSQL away: BullMQ retries with backoff
      }
      const latencyMs = error.call?.latencyMs ?? Date.now() - started;
      if (error.kind === 'rate_limited') {
        const waitMs = error.retryAfterMs ?? 60_000;
        this.logger.warn({ msg: 'Companies House rate limit reached; pausing the queue', ...log, waitMs });
        this.metrics.jobs.inc({ queue: QUEUE, outcome: 'rate_limited' });
        await this.worker.rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!error.retryable || lastAttempt) {
        const message =
          error.kind === 'not_found'
            ? `Company ${companyNumber} was not found at Companies House.`
            : `Companies House ${error.kind}: ${error.message}`;
        await this.ledger.fail(step.id, { reason: error.kind, error: message, latencyMs });
        this.metrics.jobs.inc({ queue: QUEUE, outcome: 'failed' });
        this.logger.warn({ msg: 'company profile failed', ...log, kind: error.kind });
        throw new UnrecoverableError(message);
      }
      this.metrics.jobs.inc({ queue: QUEUE, outcome: 'retry' });
      throw error;
    }
  }
}
