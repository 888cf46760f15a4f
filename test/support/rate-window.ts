import type { RateLimitRule } from '@sluice/queue';
import type { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { call } from './api';
import { calls } from './pipeline';
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
 *
 * The ten slots and calls go out side by side. On a loaded machine they can still take longer than
 * the second itself, so the first slot has left the window before the check that it is full: then
 * the fill starts over from an empty window, a few times at most. It starts over too when the calls
 * reached RocketReach later after their slots than the limiter's safety margin allows for (100 ms
 * on a second): the sandbox's window opens with the first call it hears of, so it would then still
 * be full when the limiter's frees, and a call made in the freed slot would rightly draw a 429. The
 * margin is what production relies on; a test process hosting the whole stack can exceed it.
 */
export async function fillRocketReachSecond(
  stack: Stack,
  guards: PipelineGuards,
  rules: RateLimitRule[],
): Promise<number> {
  expect(rules.map((rule) => rule.name)).toEqual(['second']);
  for (let attempt = 1; ; attempt += 1) {
    // Whatever the start-up reading (or a slow attempt) took has left the window (1 s and its margin).
    await eventually(async () => (await guards.limiter.remaining('rocketreach', rules)).second === 10, {
      what: 'an empty RocketReach window',
    });
    expect((await call(stack.sandboxUrl, 'POST', '/_sandbox/reset')).status).toBe(200);
    const taken = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const slot = await guards.limiter.acquire('rocketreach', rules);
        return { allowed: slot.allowed, status: slot.allowed ? await rocketReachStatusPoll(stack) : 0 };
      }),
    );
    expect(taken.filter((slot) => slot.allowed)).toHaveLength(10);
    expect(taken.filter((slot) => slot.status === 429)).toEqual([]);
    const refused = await guards.limiter.acquire('rocketreach', rules);
    if (!refused.allowed && refused.retryAfterMs > 0) {
      const freesAt = Date.now() + refused.retryAfterMs;
      const heard = (await calls(stack.sandboxUrl, 'rocketreach')).recent;
      if (Math.min(...heard) + 1000 <= freesAt) {
        return freesAt;
      }
    }
    if (attempt === 5) {
      throw new Error(
        'RocketReach’s second could not be filled in time, or its calls reached it too late after their slots, five times over',
      );
    }
  }
}

/** Most calls inside any window of `windowMs`, from the call timestamps (in order). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) {
      start += 1;
    }
    best = Math.max(best, end - start + 1);
  }
  return best;
}
