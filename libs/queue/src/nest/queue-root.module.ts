import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { CoreConfig } from '@sluice/config';
import { DEPLOYMENT_PROBLEMS, FORCE_CLOSABLE, REDIS_PINGER, type RedisPinger } from '@sluice/platform';
import type { Queue } from 'bullmq';
import { connectionOptions, type RedisRole } from '../connection';
import { DEPLOYMENT_CHECK_OPTIONS, DeploymentCheck, type DeploymentCheckOptions } from './deployment-check';
import { EvictionPolicyCheck } from './eviction-policy-check';
import { QueueErrorLog } from './queue-error-log';

export interface QueueAppOptions {
  role: RedisRole;
  /** CLIENT SETNAME of this app's connections, to tell them apart in `CLIENT LIST`. */
  connectionName: string;
  /** The queues this app produces to or consumes from; the first one also answers health pings. */
  queues: readonly string[];
  /** What the app reports under its queue prefix and compares with the other apps ({@link DeploymentCheck}). */
  deployment: DeploymentCheckOptions;
}

/**
 * BullMQ for an app: Redis connection options (producer or worker flavour, see
 * {@link redisOptions}), the key prefix that keeps deployments and test runs apart, the app's
 * queues, and their error events routed to the log (also what the shutdown deadline forces
 * closed, see {@link QueueErrorLog}). Options, not a shared ioredis instance: each
 * Queue and Worker owns its connection and quits it when Nest closes it, so shutdown leaves no
 * socket reconnecting behind.
 */
@Module({})
export class QueueRootModule {
  static forApp(options: QueueAppOptions): DynamicModule {
    const [first] = options.queues;
    if (!first) {
      throw new Error('QueueRootModule.forApp needs at least one queue');
    }
    const queues = BullModule.registerQueue(...options.queues.map((name) => ({ name })));
    return {
      module: QueueRootModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [CoreConfig],
          useFactory: (core: CoreConfig) => ({
            connection: connectionOptions(core.redisUrl, options.role, options.connectionName),
            prefix: core.queuePrefix,
          }),
        }),
        queues,
      ],
      providers: [
        {
          provide: REDIS_PINGER,
          inject: [getQueueToken(first)],
          useFactory: (queue: Queue): RedisPinger => ({
            // BullMQ types its client loosely; it is this queue's own ioredis connection.
            ping: async () => ((await queue.client) as unknown as RedisPinger).ping(),
          }),
        },
        { provide: QueueErrorLog.QUEUES, useValue: options.queues },
        QueueErrorLog,
        EvictionPolicyCheck,
        { provide: DEPLOYMENT_CHECK_OPTIONS, useValue: options.deployment },
        DeploymentCheck,
        { provide: DEPLOYMENT_PROBLEMS, useExisting: DeploymentCheck },
        { provide: FORCE_CLOSABLE, useExisting: QueueErrorLog },
      ],
      exports: [queues, REDIS_PINGER, QueueErrorLog, FORCE_CLOSABLE, DEPLOYMENT_PROBLEMS],
    };
  }
}
