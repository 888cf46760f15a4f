import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CallbackConfig, CoreConfig, CredentialsConfig } from '@sluice/config';
import {
  CredentialKeyring,
  type DeploymentProblem,
  type DeploymentProblemSource,
  METRICS_REGISTRY,
} from '@sluice/platform';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  type AppPresence,
  disagreements,
  livePresence,
  plainFingerprint,
  reportPresence,
  settingFingerprint,
  withdrawPresence,
} from '../app-presence';
import { QueueErrorLog } from './queue-error-log';

/** How often each process reports itself and compares; a report older than three of these is gone. */
export const PRESENCE_REPORT_MS = 5_000;
export const PRESENCE_LIVE_MS = 3 * PRESENCE_REPORT_MS;

export interface DeploymentCheckOptions {
  app: string;
  /** Its part in workspaces' credentials: the gateway seals them, the worker opens them. */
  credentials?: 'seals' | 'opens';
  /** Says so when no enrichment worker reports on its queue prefix (the gateway: its jobs would wait). */
  expectsWorkers?: boolean;
}
export const DEPLOYMENT_CHECK_OPTIONS = Symbol('DEPLOYMENT_CHECK_OPTIONS');

/**
 * Tells an operator when the apps of one installation were given settings that do not go together,
 * which otherwise fails quietly: jobs waiting for a worker on another QUEUE_PREFIX or Redis
 * database, provider callbacks refused as bad tokens and callbacks upstream never sent under
 * another SLUICE_ENCRYPTION_KEY, steps retried for ever on credentials another
 * CREDENTIALS_MASTER_KEY sealed, apps on two databases, a schema behind or ahead of the code.
 *
 * Each process reports, every {@link PRESENCE_REPORT_MS}, public names of those settings in a Redis
 * hash under its queue prefix (HMACs keyed by the secrets, see {@link settingFingerprint}) and
 * compares them with the other live reports there. What it finds is logged as an error from
 * context `Deployment` when it appears, listed under `problems` on `/health` (which still answers
 * 200: a probe restarting the app cannot mend a setting, and would stall a rolling upgrade) and
 * counted in `sluice_deployment_problems`. Nothing refuses to start: the apps of a rolling
 * restart hold old and new settings for a while, by design.
 *
 * Hand-written: BullMQ lists a queue's workers only through CLIENT LIST, which many managed Redis
 * services refuse, and which spans every database of the server (a worker on another database
 * would count); no library compares settings across processes.
 */
@Injectable()
export class DeploymentCheck implements OnApplicationBootstrap, OnModuleDestroy, DeploymentProblemSource {
  private readonly logger = new Logger('Deployment');
  private readonly instance: string;
  /** When an enrichment worker last reported (or this app started): see `expectsWorkers`. */
  private workerSeenAt = Date.now();
  private readonly gauge: Gauge;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private found: DeploymentProblem[] = [];
  private logged = new Set<string>();
  /** What this process reports of its own settings: fixed for its life, so derived once. */
  private readonly ownSettings: Pick<AppPresence, 'shared' | 'credentialKeys'>;
  /** Which database it reaches, once read (its DATABASE_URL does not change while it runs). */
  private databaseFingerprint: string | null = null;

  constructor(
    @Inject(DEPLOYMENT_CHECK_OPTIONS) private readonly options: DeploymentCheckOptions,
    @Inject(QueueErrorLog.QUEUES) private readonly queueNames: readonly string[],
    private readonly moduleRef: ModuleRef,
    private readonly core: CoreConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Optional() private readonly callbacks?: CallbackConfig,
    @Optional() private readonly credentials?: CredentialsConfig,
  ) {
    this.instance = `${options.app}@${hostname()}:${process.pid}/${randomBytes(3).toString('hex')}`;
    this.gauge = new Gauge({
      name: 'sluice_deployment_problems',
      help: 'Settings this app finds at odds with the other apps of its installation or with the database (see /health)',
      registers: [registry],
    });
    this.ownSettings = this.settingsOf();
  }

  onApplicationBootstrap(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), PRESENCE_REPORT_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // Gone at once for the others (a restart in a rotation is not taken for a disagreement). At
    // most a second: with Redis away a worker connection's commands wait for it, and shutdown must not.
    let limit: NodeJS.Timeout | undefined;
    await Promise.race([
      (async () => {
        await this.running;
        await withdrawPresence(await this.redis(), this.core.queuePrefix, this.instance);
      })().catch(() => undefined),
      new Promise((resolve) => {
        limit = setTimeout(resolve, 1000);
      }),
    ]);
    clearTimeout(limit);
  }

  problems(): DeploymentProblem[] {
    return this.found;
  }

  /** One report and comparison; what it finds replaces what the previous one found. */
  check(): Promise<void> {
    this.running ??= this.compare().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async compare(): Promise<void> {
    let redis: Redis;
    try {
      redis = await this.redis();
    } catch {
      return; // Redis away: /health says so, and the next tick compares again.
    }
    const database = await this.database();
    const self = this.presence(database.fingerprint);
    let found: DeploymentProblem[];
    try {
      await reportPresence(redis, this.core.queuePrefix, self);
      const live = await livePresence(redis, this.core.queuePrefix, PRESENCE_LIVE_MS);
      found = [...disagreements(self, live), ...database.problems];
      if (live.some((presence) => presence.app === 'enrichment-worker')) {
        this.workerSeenAt = Date.now();
      } else if (this.options.expectsWorkers && Date.now() - this.workerSeenAt > PRESENCE_LIVE_MS) {
        found.push({
          setting: 'QUEUE_PREFIX',
          message: `No enrichment worker has reported on queue prefix "${this.core.queuePrefix}" in this Redis database for ${PRESENCE_LIVE_MS / 1000} s: jobs accepted here wait until one does. Start the workers, or give them this app's QUEUE_PREFIX and REDIS_URL (with the same database number).`,
        });
      }
    } catch {
      return;
    }
    this.found = found;
    this.gauge.set(found.length);
    const now = new Set(found.map((problem) => `${problem.setting}\n${problem.message}`));
    for (const problem of found) {
      if (!this.logged.has(`${problem.setting}\n${problem.message}`)) {
        this.logger.error({ msg: problem.message, setting: problem.setting });
      }
    }
    for (const setting of new Set([...this.logged].map((key) => key.split('\n')[0]))) {
      if (!found.some((problem) => problem.setting === setting)) {
        this.logger.log({ msg: `${setting}: the apps agree again`, setting });
      }
    }
    this.logged = now;
  }

  private presence(database: string | null): AppPresence {
    const shared = { ...this.ownSettings.shared, ...(database ? { DATABASE_URL: database } : {}) };
    return {
      instance: this.instance,
      app: this.options.app,
      seenAt: 0, // dated when reported, by Redis's clock (see reportPresence)
      shared,
      ...(this.ownSettings.credentialKeys ? { credentialKeys: this.ownSettings.credentialKeys } : {}),
    };
  }

  /** The public names of this process's shared settings (see {@link settingFingerprint}). */
  private settingsOf(): Pick<AppPresence, 'shared' | 'credentialKeys'> {
    const shared: Record<string, string> = {};
    if (this.callbacks) {
      shared.SLUICE_ENCRYPTION_KEY = settingFingerprint(
        'SLUICE_ENCRYPTION_KEY',
        this.callbacks.encryptionKey,
      );
    }
    if (!this.credentials || !this.options.credentials) {
      return { shared };
    }
    // Already checked when the app started (the keyring refuses a malformed key).
    const keyring = CredentialKeyring.fromSettings(this.credentials);
    const credentialKeys =
      this.options.credentials === 'seals'
        ? keyring
          ? { seals: keyring.currentKeyId }
          : {}
        : { opens: keyring?.keyIds ?? [] };
    return { shared, credentialKeys };
  }

  /**
   * Which database this process reaches (the server's system identifier and the database's name:
   * two URLs may name one database), and whether its schema is the one this code was built for.
   */
  private async database(): Promise<{ fingerprint: string | null; problems: DeploymentProblem[] }> {
    let dataSource: DataSource;
    try {
      dataSource = this.moduleRef.get(DataSource, { strict: false });
    } catch {
      return { fingerprint: null, problems: [] };
    }
    const problems: DeploymentProblem[] = [];
    try {
      if (this.databaseFingerprint === null) {
        const [row] = await dataSource.query<{ system: string; name: string }[]>(
          'SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system, current_database() AS name',
        );
        this.databaseFingerprint = row ? plainFingerprint('DATABASE_URL', `${row.system}/${row.name}`) : null;
      }
    } catch {
      // PostgreSQL away (/health says so), or pg_control_system() not granted: not compared.
    }
    const fingerprint = this.databaseFingerprint;
    try {
      const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
      const applied = (await dataSource.query<{ name: string }[]>('SELECT name FROM migrations')).map(
        (row) => row.name,
      );
      const missing = known.filter((name) => !applied.includes(name));
      const unknown = applied.filter((name) => !known.includes(name));
      if (missing.length > 0) {
        problems.push({
          setting: 'schema',
          message: `The database lacks ${missing.length} migration(s) this version of Sluice needs (${missing.join(', ')}): queries on the tables they change fail. Run the migrations (node dist/libs/db/src/migrate.js run) with this version's image.`,
        });
      }
      if (unknown.length > 0) {
        problems.push({
          setting: 'schema',
          message: `The database has ${unknown.length} migration(s) this version of Sluice does not know (${unknown.join(', ')}): this app runs an older version than the schema. Usual while a rolling upgrade is under way; otherwise upgrade it.`,
        });
      }
    } catch {
      // PostgreSQL away: /health says so.
    }
    return { fingerprint, problems };
  }

  private async redis(): Promise<Redis> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(this.queueNames[0]), { strict: false });
    // BullMQ types its client loosely; it is this queue's own ioredis connection.
    return (await queue.client) as unknown as Redis;
  }
}
