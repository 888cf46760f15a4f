import type { RateLimitRule } from '@sluice/queue';
import type { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { call } from './api';
import type { Stack } from './stack';
import { eventually } from './wait';

/** A free RocketReach call on the platform's key (a task status poll): the sandbox's HTTP status. */
export async function rocketReachStatusPoll(stack: Stack): Promise<number> {
  const response = await fetch(`${stack.env.ROCKETREACH_BASE_URL}/person/checkStatus?ids=1`, {
    headers: { 'Api-Key': 'sandbox-rocketreach-key' },
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Full load on RocketReach's global second, as the workers make it: once the window is empty and
 * the sandbox's windows and counters are fresh, every slot of `rules` (the one `second` rule) is
 * taken through the worker's own limiter, each with a call RocketReach answers without a 429.
 * Returns when the window frees again (ms epoch): the next slot is refused until then.
 */
export async function fillRocketReachSecond(
  stack: Stack,
  guards: PipelineGuards,
  rules: RateLimitRule[],
): Promise<number> {
  expect(rules.map((rule) => rule.name)).toEqual(['second']);
  // Whatever the start-up reading took has left the window (1 s and its margin).
  await eventually(async () => (await guards.limiter.remaining('rocketreach', rules)).second === 10, {
    what: 'an empty RocketReach window',
  });
  expect((await call(stack.sandboxUrl, 'POST', '/_sandbox/reset')).status).toBe(200);
  for (let i = 0; i < 10; i += 1) {
    expect((await guards.limiter.acquire('rocketreach', rules)).allowed).toBe(true);
    expect(await rocketReachStatusPoll(stack)).not.toBe(429);
  }
  const refused = await guards.limiter.acquire('rocketreach', rules);
  expect(refused.allowed).toBe(false);
  return Date.now() + refused.retryAfterMs;
}
