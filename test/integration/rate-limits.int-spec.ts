import { createSluiceClient } from '@sluice/client';
import { createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/**
 * The default limit of 100 requests a minute, over two gateway replicas sharing Redis (one in this
 * process, one the compiled gateway in its own process). Per-workspace limits, several keys of a
 * workspace and other workspaces going on are covered by api-access.
 */
describe('rate limits across gateway replicas', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let second: WorkerProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl,
      prefix,
      worker: false,
      // The deployment's defaults, instead of the test stack's unlimited ones.
      env: {
        WORKSPACE_RATE_LIMIT_PER_MINUTE: '100',
        WORKSPACE_RATE_LIMIT_PER_HOUR: '1000',
        WORKSPACE_RATE_LIMIT_PER_DAY: '10000',
      },
    });
    second = await startAppProcess('gateway', stack.env);
  });

  afterAll(async () => {
    await second?.stop();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('counts one budget of 100 a minute over both replicas; the 101st gets 429 with Retry-After and RateLimit headers', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Two Replicas Co');
    const replicas = [
      createSluiceClient({ baseUrl: stack.gatewayUrl, apiKey }),
      createSluiceClient({ baseUrl: second.url, apiKey }),
    ];
    const remaining: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      // Alternating replicas: each answer counts the other's requests too.
      const { response } = await replicas[i % 2].GET('/v1/credits');
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('100');
      remaining.push(Number(response.headers.get('ratelimit-remaining')));
    }
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));

    for (const replica of replicas) {
      const { response, error } = await replica.GET('/v1/jobs');
      expect(response.status).toBe(429);
      expect(error?.code).toBe('rate_limited');
      expect(String(error?.message)).toMatch(/100 requests in the last minute/);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(response.headers.get('ratelimit-limit')).toBe('100');
      expect(response.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(response.headers.get('ratelimit-reset'))).toBe(retryAfter);
    }
  });
});
