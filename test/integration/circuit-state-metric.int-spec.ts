import { circuitBreakerPrefix, RedisCircuitBreaker } from '@sluice/queue';
import { Redis } from 'ioredis';
import { requireEnv } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';

/** `sluice_circuit_state` per provider, as a worker's /metrics gives it now. */
async function circuitGauge(workerUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${workerUrl}/metrics`)).text();
  const values: Record<string, number> = {};
  for (const match of text.matchAll(/^sluice_circuit_state\{([^}]*)\} (\S+)$/gm)) {
    const provider = /provider="([^"]+)"/.exec(match[1])?.[1];
    if (provider) {
      values[provider] = Number(match[2]);
    }
  }
  return values;
}

/**
 * The circuits live in Redis, shared by every worker replica: the breaker of the replica whose call
 * opened one (or of the gateway's reset) reports the transition, the others learn nothing of it.
 * A worker's `sluice_circuit_state` is what Redis holds when Prometheus scrapes, not what that
 * replica last did itself: here another replica opens and closes Serper's circuit.
 */
describe("a worker's circuit state metric", () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let redis: Redis;

  beforeAll(async () => {
    // A long cool-down: the circuit opened below stays open (not half-open) while the test reads it.
    ctx = await setUp({ CIRCUIT_COOL_DOWN_MS: '600000' });
    redis = new Redis(requireEnv('REDIS_URL'));
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await tearDown(ctx);
  });

  it('shows every provider as Redis holds its circuit, whichever replica changed it', async () => {
    const otherReplica = new RedisCircuitBreaker(redis, circuitBreakerPrefix(ctx.prefix), {
      failureRateThreshold: 0.5,
      minimumCalls: 1,
      windowMs: 60_000,
      coolDownMs: 600_000,
    });
    const workerUrl = ctx.stack.workerUrl!;

    expect(await circuitGauge(workerUrl)).toMatchObject({ serper: 0, apollo: 0, 'companies-house': 0 });
    expect(await otherReplica.recordFailure('serper')).toBe('open');
    expect(await circuitGauge(workerUrl)).toMatchObject({ serper: 1, apollo: 0 });
    await otherReplica.reset('serper');
    expect(await circuitGauge(workerUrl)).toMatchObject({ serper: 0, apollo: 0 });
  }, 60_000);
});
