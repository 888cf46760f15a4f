import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { CoreConfig } from '@sluice/config';
import { createRedis, type RedisRole } from '../connection';

/**
 * BullMQ's root settings for an app: one Redis connection (producer or worker flavour, see
 * {@link redisOptions}) and the key prefix that keeps deployments and test runs apart.
 */
@Module({})
export class QueueRootModule {
  static forApp(role: RedisRole, connectionName: string): DynamicModule {
    return {
      module: QueueRootModule,
      imports: [
        BullModule.forRootAsync({
          inject: [CoreConfig],
          useFactory: (core: CoreConfig) => ({
            connection: createRedis(core.redisUrl, role, connectionName),
            prefix: core.queuePrefix,
          }),
        }),
      ],
    };
  }
}
