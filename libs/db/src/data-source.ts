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
}

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
    // Fail fast while PostgreSQL is away: callers answer 503 instead of hanging.
    connectTimeoutMS: 2000,
    extra: {
      // pg-pool builds its connections with this class (see GuardedClient).
      Client: GuardedClient,
      connectionTimeoutMillis: 2000,
      query_timeout: 15_000,
      idleTimeoutMillis: 30_000,
      ...preparedStatementsOption(options.preparedStatements ?? true),
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
