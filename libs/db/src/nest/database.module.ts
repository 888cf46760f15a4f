import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoreConfig } from '@sluice/config';
import { dataSourceOptions } from '../data-source';

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
            ...dataSourceOptions({
              url: core.databaseUrl,
              applicationName,
              poolSize,
              preparedStatements: core.databasePreparedStatements,
              connectTimeoutMs: core.databaseConnectTimeoutMs,
            }),
            // At start-up, wait for PostgreSQL a little instead of crashing on the first refusal.
            retryAttempts: 10,
            retryDelay: 1000,
          }),
        }),
      ],
    };
  }
}
