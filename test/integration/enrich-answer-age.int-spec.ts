import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { people, personInput, personProviderCalls, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

interface EnrichAnswer {
  job_id: string;
  cached: boolean;
  data: Record<string, unknown>;
}

const HOUR_MS = 3600 * 1000;

describe('POST /v1/enrich with max_age_days: the answer cache counts the age of what the answer was made of', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];
  let redis: Redis;

  beforeAll(async () => {
    ctx = await setUp({});
    world = await people(ctx.stack.sandboxUrl);
    redis = new Redis(requireEnv('REDIS_URL'));
  });
  afterAll(async () => {
    redis.disconnect();
    await tearDown(ctx);
  });

  const totalCalls = (): Promise<number> => personProviderCalls(ctx.stack.sandboxUrl);

  /** Moves the time stamp `field` of every JSON value under `pattern` back by `ms`. */
  const backdate = async (pattern: string, field: string, ms: number): Promise<number> => {
    const keys = await redis.keys(pattern);
    for (const key of keys) {
      const entry = JSON.parse((await redis.get(key)) as string) as Record<string, unknown>;
      expect(entry[field]).toEqual(expect.any(Number));
      await redis.set(key, JSON.stringify({ ...entry, [field]: (entry[field] as number) - ms }), 'KEEPTTL');
    }
    return keys.length;
  };

  it('does not serve, as young enough, an answer made of a provider answer that was older than the query allows by then', async () => {
    const { id: workspaceId, apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Answer Age Co');
    const person = world.filter((p) => p.emails.snov === p.email)[3];
    const question = { ...personInput(person), enrich: ['business_email'], timeout_ms: 15_000 };
    const ask = async (options?: Record<string, unknown>): Promise<EnrichAnswer> => {
      const answer = await call<EnrichAnswer>(ctx.stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: apiKey,
        body: options ? { ...question, options } : question,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data.business_email).toBe(person.email);
      return answer.body;
    };

    // Paid for once; the worker's provider cache keeps the provider's answer.
    expect((await ask()).cached).toBe(false);
    // That answer was given 23 hours ago.
    expect(
      await backdate(`${ctx.prefix}:pipeline:cache:${workspaceId}:*`, 'answeredAt', 23 * HOUR_MS),
    ).toBeGreaterThan(0);

    // A query accepting answers up to a day old is answered from it, without a provider call.
    const before = await totalCalls();
    const first = await ask({ max_age_days: 1 });
    expect(first.cached).toBe(false);
    expect(await totalCalls()).toBe(before);

    // Two hours on, that answer is 25 hours old: the same query must not be served it.
    const entries = await redis.keys(`${ctx.prefix}:enrich:answer:${workspaceId}:*`);
    for (const key of entries) {
      await backdate(key, 'cached_at', 2 * HOUR_MS);
    }
    // Two hours on, the marker of the job that made it (kept for seconds) is long gone too.
    const markers = await redis.keys(`${ctx.prefix}:enrich:inflight:${workspaceId}:*`);
    if (markers.length > 0) {
      await redis.del(...markers);
    }
    const later = await ask({ max_age_days: 1 });
    expect(later.cached).toBe(false);
    expect(later.job_id).not.toBe(first.job_id);
  });
});
