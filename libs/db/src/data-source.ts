import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { GuardedClient } from './guarded-client';
import { MIGRATIONS } from './migrations';
import { preparedStatementsOption } from './prepared';

export interface DatabaseOptions {
  url: string;
  /** Name used in pg_stat_activity, to tell the apps apart. */
  applicationName?: string;
  /** Pool size per process. */
  poolSize?: number;
  logging?: boolean;
  /** Run the hot-path statements as named prepared statements (default true). */
  preparedStatements?: boolean;
  /** How long opening a connection may take (default 5 s). */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The one place that builds TypeORM options. `synchronize` is never on: the schema comes from
 * migrations only (tests run the same migrations).
 */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: options.logging ?? false,
    applicationName: options.applicationName ?? 'sluice',
    poolSize: options.poolSize ?? 10,
    // Give up on a connection that does not open, so callers answer 503 instead of hanging while
    // PostgreSQL is away; long enough that a busy host (or a busy event loop) is not taken for one.
    connectTimeoutMS: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    extra: {
      // pg-pool builds its connections with this class (see GuardedClient).
      Client: GuardedClient,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      query_timeout: 15_000,
      idleTimeoutMillis: 30_000,
      // TCP keepalive probes after 30 s of silence (pg sends none by default): a connection whose
      // flow a NAT or load balancer dropped without a word is found dead rather than waited on.
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      ...preparedStatementsOption(options.preparedStatements ?? true),
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
