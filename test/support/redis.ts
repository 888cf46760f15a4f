import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A queue prefix of our own, so suites never see each other's jobs. */
export function uniquePrefix(): string {
  return `sluice-test-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under a prefix (the suite's queues), leaving the server as it was. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
