import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoreConfig } from '@sluice/config';
import { type DatabaseOptions, dataSourceOptions } from '../data-source';

/** An app's pool options from its settings (DATABASE_URL and the DATABASE_* settings). */
export function appDatabaseOptions(
  core: CoreConfig,
  applicationName: string,
  poolSize: number,
): DatabaseOptions {
  return {
    url: core.databaseUrl,
    applicationName,
    poolSize,
    preparedStatements: core.databasePreparedStatements,
    connectTimeoutMs: core.databaseConnectTimeoutMs,
  };
}

/** The app's one TypeORM connection pool, from DATABASE_URL. */
@Module({})
export class DatabaseModule {
  static forApp(applicationName: string, poolSize = 10): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CoreConfig],
          useFactory: (core: CoreConfig) => ({
            ...dataSourceOptions(appDatabaseOptions(core, applicationName, poolSize)),
            // At start-up, wait for PostgreSQL a little instead of crashing on the first refusal.
            retryAttempts: 10,
            retryDelay: 1000,
          }),
        }),
      ],
    };
  }
}
