import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CoreConfig, CreditMonitorConfig, PipelineConfig } from '@sluice/config';
import { thresholdsFor } from '@sluice/enrichment';
import { ProviderSettingsRow } from '@sluice/db';
import {
  apiFieldOf,
  applyPatch,
  creditThresholdsProblem,
  environmentSettings,
  mergeSettings,
  parseSettingsPatch,
  sanitizeStored,
  settingsView,
  type OverridableSettings,
  type StoredOverrides,
} from '@sluice/providers';
import {
  PROVIDER_NAMES,
  publishProviderSettingsChanged,
  QUEUE_NAMES,
  type ProviderName,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

/** One provider's settings as the admin API shows them. */
export interface ProviderSettingsView {
  name: ProviderName;
  /** What the workers run with: the environment's values with the stored overrides on top. */
  settings: Record<string, unknown>;
  /** Which of `settings` come from the database (the rest are the environment's). */
  from_database: string[];
  /** The environment's values (what a reset goes back to). */
  defaults: Record<string, unknown>;
  updated_at: string | null;
  updated_by: string | null;
}

/**
 * Provider settings operators override at run time (`provider_settings`): validated, written in one
 * transaction, then announced to every worker over Redis (workers also re-read periodically).
 */
@Injectable()
export class ProviderSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly planQueue: Queue,
    private readonly core: CoreConfig,
    private readonly pipeline: PipelineConfig,
    private readonly monitor: CreditMonitorConfig,
  ) {
    // PROVIDER_OVERRIDES' rules naming an operation a provider lacks stop the start, as in the
    // workers, rather than failing every request of this API later.
    for (const name of PROVIDER_NAMES) {
      this.environmentOf(name);
    }
  }

  async list(): Promise<ProviderSettingsView[]> {
    const rows = await this.dataSource.getRepository(ProviderSettingsRow).find();
    return PROVIDER_NAMES.map((name) =>
      this.viewOf(
        name,
        rows.find((row) => row.provider === name),
      ),
    );
  }

  async get(name: ProviderName): Promise<ProviderSettingsView> {
    const row = await this.dataSource.getRepository(ProviderSettingsRow).findOneBy({ provider: name });
    return this.viewOf(name, row ?? undefined);
  }

  /** Applies a partial update (null resets a field); 400 naming every problem, nothing written then. */
  async update(name: ProviderName, body: unknown, actor: string): Promise<ProviderSettingsView> {
    const { patch, problems } = parseSettingsPatch(body, name);
    if (problems.length > 0) {
      throw new BadRequestException(problems);
    }
    await this.dataSource.transaction(async (manager) => {
      // Concurrent partial updates of one provider serialise on its row.
      await manager.query(
        `INSERT INTO provider_settings (provider, overrides, updated_by) VALUES ($1, '{}', $2)
         ON CONFLICT (provider) DO NOTHING`,
        [name, actor],
      );
      const [current] = await manager.query<{ overrides: unknown }[]>(
        'SELECT overrides FROM provider_settings WHERE provider = $1 FOR UPDATE',
        [name],
      );
      const next = applyPatch(sanitizeStored(current?.overrides, name), patch);
      // Checked on the values in force after the change: one threshold set alone can cross the
      // other's stored or environment value. Thrown here, the transaction writes nothing.
      const problem = creditThresholdsProblem(mergeSettings(this.environmentOf(name), next).settings);
      if (problem !== null) {
        throw new BadRequestException([problem]);
      }
      if (Object.keys(next).length === 0) {
        await manager.delete(ProviderSettingsRow, { provider: name });
      } else {
        await manager.query(
          'UPDATE provider_settings SET overrides = $2::jsonb, updated_by = $3, updated_at = now() WHERE provider = $1',
          [name, JSON.stringify(next), actor],
        );
      }
    });
    await this.announce(name);
    return this.get(name);
  }

  /** Drops every override of the provider: it runs with the environment's settings again. */
  async reset(name: ProviderName): Promise<ProviderSettingsView> {
    await this.dataSource.getRepository(ProviderSettingsRow).delete({ provider: name });
    await this.announce(name);
    return this.get(name);
  }

  private async announce(name: ProviderName): Promise<void> {
    // BullMQ types its connection minimally; it is the ioredis client the queue was given.
    const redis = (await this.planQueue.client) as unknown as Redis;
    await publishProviderSettingsChanged(redis, this.core.queuePrefix, name);
  }

  /** The environment's settings of a provider: what it runs with when no row overrides it. */
  private environmentOf(name: ProviderName): OverridableSettings {
    return environmentSettings(
      name,
      this.pipeline.overrides[name],
      this.pipeline.asyncPollIntervalMs,
      thresholdsFor(this.monitor.policies[name] ?? {}),
    );
  }

  private viewOf(name: ProviderName, row: ProviderSettingsRow | undefined): ProviderSettingsView {
    const base = this.environmentOf(name);
    const stored: StoredOverrides = sanitizeStored(row?.overrides, name);
    const { settings, fromDatabase } = mergeSettings(base, stored);
    return {
      name,
      settings: settingsView(settings),
      from_database: fromDatabase.map(apiFieldOf),
      defaults: settingsView(base),
      updated_at: row ? row.updatedAt.toISOString() : null,
      updated_by: row ? row.updatedBy : null,
    };
  }
}
