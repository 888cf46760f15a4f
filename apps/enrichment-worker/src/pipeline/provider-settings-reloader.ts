import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, PipelineConfig } from '@sluice/config';
import { ProviderSettingsRow } from '@sluice/db';
import { sanitizeStored, storedProblems, type StoredOverrides } from '@sluice/providers';
import { connectionOptions, providerSettingsChannel, QueueErrorLog } from '@sluice/queue';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ProviderCatalog } from './provider-catalog';

/**
 * Keeps the catalog's provider settings in step with the `provider_settings` table while the worker
 * runs: read at start, re-read when the gateway announces a change over Redis pub/sub, when the
 * subscription (re)connects, and every PROVIDER_SETTINGS_RELOAD_MS as a safety net for a lost
 * message. A failed read keeps the settings the worker has.
 */
@Injectable()
export class ProviderSettingsReloader implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProviderSettingsReloader.name);
  private subscriber: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private again = false;
  /** What was last said of each provider's stored row that is partly ignored (said again on change). */
  private readonly ignored = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: ProviderCatalog,
    private readonly core: CoreConfig,
    private readonly pipeline: PipelineConfig,
    private readonly errors: QueueErrorLog,
  ) {}

  async onModuleInit(): Promise<void> {
    // Before any worker takes a job, so the first job already runs with the stored settings.
    await this.reload();
    const subscriber = new Redis(connectionOptions(this.core.redisUrl, 'worker', 'sluice-worker-settings'));
    this.errors.watch('provider settings subscription', subscriber);
    subscriber.on('message', () => void this.reload());
    // After a reconnect, messages sent while away are lost: read the table again.
    subscriber.on('ready', () => void this.reload());
    this.subscriber = subscriber;
    subscriber.subscribe(providerSettingsChannel(this.core.queuePrefix)).catch((error: unknown) =>
      this.logger.warn({
        msg: 'provider settings subscription failed; relying on the periodic reload',
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    this.timer = setInterval(() => void this.reload(), this.pipeline.providerSettingsReloadMs);
    this.timer.unref();
  }

  /** Reads every row and applies them; reads asked for while one runs are folded into one more. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again);
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async readOnce(): Promise<void> {
    try {
      const rows = await this.dataSource.getRepository(ProviderSettingsRow).find();
      const stored = new Map<string, StoredOverrides>(
        rows.map((row) => [row.provider, sanitizeStored(row.overrides, row.provider)]),
      );
      this.catalog.applyStored(stored);
      this.reportIgnored(rows);
    } catch (error) {
      this.logger.warn({
        msg: 'could not read provider settings; keeping the current ones',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * Warns, once per change, of stored fields that fail today's checks (written by another version,
   * or by hand): they are ignored and the environment's setting applies, which an operator who set
   * them would not otherwise learn.
   */
  private reportIgnored(rows: ProviderSettingsRow[]): void {
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.provider);
      const problems = storedProblems(row.overrides, row.provider).join(' | ');
      if (problems === (this.ignored.get(row.provider) ?? '')) {
        continue;
      }
      if (problems) {
        this.ignored.set(row.provider, problems);
        this.logger.warn({
          msg: "stored provider settings partly ignored: the environment's apply instead",
          provider: row.provider,
          problems,
        });
      } else {
        this.ignored.delete(row.provider);
      }
    }
    for (const provider of [...this.ignored.keys()].filter((name) => !seen.has(name))) {
      this.ignored.delete(provider);
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.subscriber?.disconnect();
  }
}
