import { type Goal, normalizeDomain, type RequestOptions } from '@sluice/enrichment';
import type { CapabilityCost } from '@sluice/providers';
import type { GoalInput } from './provider-invoker';

/**
 * The domain whose first paid finder call a step must hold before calling (see the step runner's
 * guards): a paid e-mail finder's step for a request that refuses catch-all answers, at a domain the
 * request names; null otherwise (nothing to learn, or nothing paid for). The step runner claims and
 * gives back the probe by it; the sweep of a paused provider gives back what a step it moves on held.
 */
export function catchAllProbeDomain(
  goal: Goal,
  options: RequestOptions,
  cost: CapabilityCost,
  input: GoalInput,
): string | null {
  if (goal.capability !== 'find_work_email' || options.accept_catch_all || cost.credits <= 0) {
    return null;
  }
  const domain = input.person.domain ? normalizeDomain(input.person.domain) : '';
  return domain || null;
}
