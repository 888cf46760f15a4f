import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig, companiesStreamKeyProblem, ProvidersConfig } from '@sluice/config';
import { cacheKeyOf, chainStopReason } from '@sluice/enrichment';
import {
  CompaniesHouseStream,
  mapCompanyProfile,
  ProviderError,
  type CompanyStreamEvent,
} from '@sluice/providers';
import { firstCallbackJobs, holdLease, markCancelled, QUEUE_NAMES, releaseLease } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PipelineGuards, ResultCache } from './pipeline-redis';
import { companyView } from './provider-invoker';
import { StoredResults } from './stored-results';

const STREAM = 'companies-house:companies';
const LEASE_MS = 30_000;

/** Request types whose remaining work is paid (LOW) work about the company in their input. */
const PAID_COMPANY_WORK = ['company.domain', 'company.officer_emails'];

/**
 * Follows the Companies House companies stream. One worker replica at a time holds the lease (a
 * Redis key renewed while it streams); the last timepoint handled is kept in PostgreSQL, and a
 * restart, or another replica taking over, resumes from it. When a company turns dissolved or
 * proposed for strike-off, the event's profile refreshes the store at once (it is the register's
 * newest word), cached copies are dropped, and unfinished requests that would still pay for work
 * about that company are cancelled: nobody there is worth a credit any more.
 */
@Injectable()
export class CompaniesStreamConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CompaniesStreamConsumer.name);
  private readonly owner = randomUUID();
  private stream: CompaniesHouseStream | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly guards: PipelineGuards,
    private readonly cache: ResultCache,
    private readonly stored: StoredResults,
    private readonly config: ProvidersConfig,
    private readonly callbacks: CallbackConfig,
    @InjectQueue(QUEUE_NAMES.callbacks) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.companiesHouseStreamEnabled) {
      return;
    }
    const problem = companiesStreamKeyProblem(this.config);
    if (problem) {
      this.logger.warn({ msg: 'not following the companies stream: it has no streaming key', problem });
      return;
    }
    this.loop = this.run();
  }

  /** Stops and hands the lease back while Redis and PostgreSQL are still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stream?.stop();
    await this.loop;
    await this.release();
  }

  private get leaseKey(): string {
    return `${this.guards.prefix}:lease:${STREAM}`;
  }

  /** Takes or renews the lease; false when another replica holds it. */
  private lease(): Promise<boolean> {
    return holdLease(this.guards.redis, this.leaseKey, this.owner, LEASE_MS);
  }

  private async release(): Promise<void> {
    await releaseLease(this.guards.redis, this.leaseKey, this.owner).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease())) {
          await this.sleep(LEASE_MS / 3);
          continue;
        }
        await this.follow();
      } catch (error) {
        this.logger.warn({ msg: 'companies stream interrupted; will resume', error: String(error) });
        await this.sleep(5000);
      }
    }
  }

  /** Streams from the stored position while the lease holds. */
  private async follow(): Promise<void> {
    const [row] = await this.dataSource.query<{ timepoint: string }[]>(
      'SELECT timepoint FROM stream_positions WHERE stream = $1',
      [STREAM],
    );
    const timepoint = row ? Number(row.timepoint) : undefined;
    try {
      await this.followFrom(timepoint);
    } catch (error) {
      if (timepoint === undefined || !(error instanceof ProviderError) || error.status !== 416) {
        throw error;
      }
      await this.skipGap(timepoint);
    }
  }

  /**
   * Companies House keeps a few days of the stream: a position older than that (a worker stopped
   * for a week) is refused with 416, and so it would be on every reconnect. The stream is followed
   * from now instead, and the gap is logged and told to the credit monitor, which raises an alert:
   * changes published in between (a company struck off, say) were missed, and the work they would
   * have cancelled was not.
   */
  private async skipGap(timepoint: number): Promise<void> {
    // Only the position refused: another replica that has moved it on since keeps its own.
    await this.dataSource.query('DELETE FROM stream_positions WHERE stream = $1 AND timepoint = $2', [
      STREAM,
      timepoint,
    ]);
    this.logger.error({
      msg: 'companies stream: Companies House no longer has the stored timepoint; following from now, the events in between are missed',
      timepoint,
    });
    await this.guards.emit({ type: 'stream.gap', stream: STREAM, timepoint });
  }

  private async followFrom(timepoint: number | undefined): Promise<void> {
    const stream = new CompaniesHouseStream({
      baseUrl: this.config.companiesHouseStreamUrl,
      streamKey: this.config.companiesHouseStreamKey,
      timepoint,
      onDisconnect: (reason, attempt) =>
        this.logger.warn({ msg: 'companies stream disconnected; resuming', reason, attempt }),
    });
    this.stream = stream;
    const renewal = setInterval(() => {
      void this.lease().then(
        (held) => {
          if (!held) {
            this.logger.warn({ msg: 'companies stream lease lost; stopping' });
            stream.stop();
          }
        },
        () => stream.stop(),
      );
    }, LEASE_MS / 3);
    try {
      for await (const event of stream) {
        try {
          await this.handle(event);
        } catch (error) {
          if (this.stopped) {
            throw error; // stopping while Redis was away: the event is handled again at the next start
          }
          // PostgreSQL away: stop here, and resume from the last saved timepoint once it is back.
          await this.dataSource.query('SELECT 1');
          // One event that cannot be applied must not stop the stream (it would replay forever).
          this.logger.error({
            msg: 'companies stream event not applied',
            timepoint: event.event.timepoint,
            company: event.resourceId,
            error: String(error),
          });
        }
        await this.dataSource.query(
          `INSERT INTO stream_positions (stream, timepoint) VALUES ($1, $2)
           ON CONFLICT (stream) DO UPDATE SET timepoint = EXCLUDED.timepoint, updated_at = now()`,
          [STREAM, event.event.timepoint],
        );
        if (this.stopped) {
          break;
        }
      }
    } finally {
      clearInterval(renewal);
      this.stream = null;
    }
  }

  /** Applies one event (idempotent: a replayed event changes nothing more). */
  async handle(event: CompanyStreamEvent): Promise<void> {
    if (event.resourceKind !== 'company-profile' || event.event.type !== 'changed' || !event.data) {
      return;
    }
    const view = companyView(mapCompanyProfile(event.data));
    const stop = chainStopReason(view);
    if (!stop) {
      return;
    }
    const companyNumber = String(view.company_number);
    const cancelled = await this.dataSource.transaction(async (manager) => {
      await this.stored.upsertCompany(manager, view);
      // An UPDATE through TypeORM answers [rows, affected count].
      const [requests] = await manager.query<
        [{ id: string; workspace_id: string; callback_url: string | null }[], number]
      >(
        `UPDATE enrichment_requests
            SET status = 'cancelled', error = $2, completed_at = now(), updated_at = now()
          WHERE input->>'company_number' = $1 AND type = ANY($3)
            AND status IN ('queued', 'running')
          RETURNING id, workspace_id, callback_url`,
        [companyNumber, `cancelled: the register now says ${stop.replace(/_/g, ' ')}`, PAID_COMPANY_WORK],
      );
      const ids = requests.map((r) => r.id);
      if (ids.length > 0) {
        await manager.query(
          `UPDATE enrichment_steps SET state = 'skipped', reason = $2, error = NULL, completed_at = now(), updated_at = now()
            WHERE request_id = ANY($1) AND state = 'pending'`,
          [ids, stop],
        );
      }
      return requests;
    });
    // What Redis must hear of it. The cancellations are committed, so a replay of the event would
    // find nothing left to cancel and tell nobody: while Redis is away the stream waits here (the
    // whole pipeline waits for Redis anyway) rather than going on without it.
    const forgotten = await this.untilRedisTakes(companyNumber, async () => {
      await markCancelled(
        this.guards.redis,
        this.guards.queuePrefix,
        cancelled.map((r) => r.id),
      );
      // The register ended these jobs, not their callers, who wait to hear of it all the same: the
      // same first delivery as a job the plan finishes (same job id, so it can only go once).
      const told = cancelled.filter((r) => r.callback_url !== null);
      if (told.length > 0) {
        await this.queue.addBulk(
          firstCallbackJobs(
            told.map((r) => ({ id: r.id, workspaceId: r.workspace_id })),
            this.callbacks,
          ),
        );
      }
      return this.forgetCached(companyNumber);
    });
    // Most such companies have nothing in flight: the register sends these by the thousand a day,
    // so only an event that changed work is worth a line at the default level.
    const line = {
      msg: 'company struck off the paid work',
      companyNumber,
      status: stop,
      cancelled: cancelled.length,
      cachedAnswersDropped: forgotten,
    };
    if (cancelled.length > 0) {
      this.logger.log(line);
    } else {
      this.logger.debug(line);
    }
  }

  /** Runs `tell` until it goes through, a second apart; gives up only when the consumer stops. */
  private async untilRedisTakes<T>(companyNumber: string, tell: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await tell();
      } catch (error) {
        if (this.stopped) {
          throw error;
        }
        if (attempt === 1) {
          this.logger.warn({
            msg: 'companies stream: Redis did not take a struck-off company’s cancellations; trying again',
            companyNumber,
            error: String(error),
          });
        }
        await this.sleep(1000);
      }
    }
  }

  /** Drops every workspace's cached profile of the company, so nothing answers with the old status. */
  private forgetCached(companyNumber: string): Promise<number> {
    return this.cache.forgetEverywhere(
      cacheKeyOf('companies-house', 'company.profile', { company_number: companyNumber }),
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
