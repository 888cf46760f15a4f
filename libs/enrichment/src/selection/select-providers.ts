export type WorkspaceTier = 'free' | 'pro' | 'enterprise';

const TIER_RANK: Record<WorkspaceTier, number> = { free: 0, pro: 1, enterprise: 2 };

export type SkipReason =
  | 'already_tried'
  | 'same_profile'
  | 'insufficient_input'
  | 'disabled'
  | 'no_credentials'
  | 'tier_not_allowed'
  | 'over_budget'
  | 'out_of_credits'
  | 'circuit_open'
  | 'rate_limited'
  | 'catch_all_domain'
  | 'paused_by_operator';

/** Cost and success of a provider as measured from the call log (calls, accepted answers, credits spent). */
export interface ProviderStats {
  calls: number;
  hits: number;
  credits: number;
}

/** A provider that could serve a goal, with what the pipeline knows of it right now. */
export interface ProviderCandidate {
  name: string;
  /** Credits one call of the goal's capability costs. */
  cost: number;
  chargedOnMiss: boolean;
  enabled: boolean;
  hasCredentials: boolean;
  /**
   * Its balance as last known; null when unknown (not limited). Reservations held by calls in flight
   * are not subtracted: they settle soon, often for less (a miss is free at most providers), and a
   * step waits for them rather than giving up on a provider whose balance pays.
   */
  creditsBalance: number | null;
  /** Its queue is paused because its balance cannot pay its next call. */
  paused: boolean;
  /** An operator paused it (POST /v1/admin/providers/:name/pause): skipped until resumed. */
  pausedByOperator?: boolean;
  circuit: 'closed' | 'open' | 'half_open';
  /** Calls left in its tightest rate window; null when it has no limit. */
  rateBudgetLeft: number | null;
  minimumTier: WorkspaceTier | null;
  /** Configured; lower goes first. */
  priority: number;
  /**
   * What the call log measured of it, for the goal's operation: the request's segment's figures
   * when they have enough calls, else the operation's over every segment, else null (the prior
   * alone); see `chooseStats`. Never another operation's: a phone hit rate says nothing of e-mails.
   */
  stats: ProviderStats | null;
  /**
   * Charges for answers the goal does not accept (landlines for a mobile goal, see
   * {@link chargesForRejected}): ranked down.
   */
  chargesForRejected?: boolean;
  /** The request does not hold what this provider needs to look the person up (it would refuse the call). */
  lacksInput?: boolean;
}

export type Ordering = 'priority' | 'cost_per_success';

/** What a provider's price list says of one call of a goal's capability (its descriptor's entry). */
export interface CallPricing {
  credits: number;
  /** `find_phone`: a lookup that finds only landlines is charged. */
  chargedOnLandline?: boolean;
}

/**
 * Whether a call may be charged for an answer its goal refuses: a mobile-phone goal never accepts a
 * landline, so a paid phone lookup whose price covers a landline-only answer is one. Read from the
 * provider's price list (whether it charges a miss says nothing of this: a lookup that finds a
 * landline is a hit to the provider).
 */
export function chargesForRejected(
  goal: { key: string },
  phoneType: 'mobile' | 'any' | undefined,
  pricing: CallPricing,
): boolean {
  return (
    goal.key === 'phone' &&
    phoneType === 'mobile' &&
    pricing.credits > 0 &&
    pricing.chargedOnLandline === true
  );
}

export interface SelectionContext {
  tier: WorkspaceTier;
  ordering: Ordering;
  /** max_credits minus what the request has spent; null when uncapped. */
  budgetLeft: number | null;
  /** Providers already attempted (or skipped) for this goal. */
  tried: readonly string[];
  /** The request prefers waiting for a provider paused for credits to falling through. */
  waitForCredits: boolean;
  /**
   * An e-mail goal that refuses catch-all answers, at a domain known to accept every address: any
   * address a finder returns there is catch-all, so no paid finder is asked.
   */
  catchAllDomain?: boolean;
  /**
   * The provider whose profile of the person the request has already, for a goal that profile did
   * not answer (an e-mail goal, the profile holding no work address it accepts): that provider's
   * lookup returns the same profile, so asking it again would pay (or count) again for nothing.
   */
  profileProvider?: string | null;
}

export interface Selection {
  ordered: ProviderCandidate[];
  skipped: { name: string; reason: SkipReason }[];
}

/** One eligibility check: `rejects` is true when the candidate must be skipped for `reason`. */
export interface SelectionFilter {
  reason: SkipReason;
  rejects(candidate: ProviderCandidate, ctx: SelectionContext): boolean;
}

/** The eligibility pipeline, in order; a candidate is skipped for the first filter that rejects it. */
export const SELECTION_FILTERS: readonly SelectionFilter[] = [
  { reason: 'already_tried', rejects: (c, ctx) => ctx.tried.includes(c.name) },
  { reason: 'same_profile', rejects: (c, ctx) => ctx.profileProvider === c.name },
  { reason: 'insufficient_input', rejects: (c) => c.lacksInput === true },
  { reason: 'catch_all_domain', rejects: (c, ctx) => ctx.catchAllDomain === true && c.cost > 0 },
  { reason: 'disabled', rejects: (c) => !c.enabled },
  { reason: 'no_credentials', rejects: (c) => !c.hasCredentials },
  {
    reason: 'tier_not_allowed',
    rejects: (c, ctx) => c.minimumTier !== null && TIER_RANK[ctx.tier] < TIER_RANK[c.minimumTier],
  },
  { reason: 'over_budget', rejects: (c, ctx) => ctx.budgetLeft !== null && c.cost > ctx.budgetLeft },
  { reason: 'paused_by_operator', rejects: (c) => c.pausedByOperator === true },
  {
    reason: 'out_of_credits',
    rejects: (c, ctx) =>
      !ctx.waitForCredits && (c.paused || (c.creditsBalance !== null && c.creditsBalance < c.cost)),
  },
  { reason: 'circuit_open', rejects: (c) => c.circuit === 'open' },
  { reason: 'rate_limited', rejects: (c) => c.rateBudgetLeft === 0 },
];

/**
 * A provider whose rate window is full is not skipped for good: others go first, and when none is
 * left the request waits for the window rather than giving up (its step backs off at call time).
 * Nor is one its operator paused, for a call that costs nothing (the register's lookups, RocketReach's
 * company search): others go first, and when none is left the step waits on its paused queue for
 * the resume, rather than failing a request no other provider can answer. A paid call of a paused
 * provider is skipped: the request goes on, or ends saying to retry later.
 */
function deferrable(reason: SkipReason, candidate: ProviderCandidate): boolean {
  return reason === 'rate_limited' || (reason === 'paused_by_operator' && candidate.cost <= 0);
}

/** Weight of the prior, in calls: how many measured calls it takes to outweigh the assumption. */
const PRIOR_CALLS = 10;
/** Hit rate assumed for a provider before it is measured. */
const PRIOR_HIT_RATE = 0.5;

/**
 * Expected credits per successful answer, smoothed with a prior of `k` = {@link PRIOR_CALLS} calls
 * at the list price and a hit rate `p` = {@link PRIOR_HIT_RATE}:
 *
 *     (credits + cost × k × m) / (hits + p × k)      m = 1 when charged on a miss, else p
 *
 * `credits` and `hits` are the candidate's `stats` (0 when unmeasured): the provider's calls of the
 * goal's operation, in the request's segment when that segment has enough calls. The prior spends what `k`
 * calls would: every call when a miss is charged, only the hits otherwise. So an unmeasured provider
 * is priced at `cost / p` (charged on a miss) or `cost` (charged per hit), and a provider with few
 * calls stays near that, so one lucky or unlucky call neither favours nor buries it; with many calls
 * the measured ratio dominates. A free provider (cost 0) is 0 whatever it measured, so it goes first.
 */
export function expectedCostPerSuccess(c: ProviderCandidate): number {
  if (c.cost <= 0) {
    return 0;
  }
  const priorHits = PRIOR_CALLS * PRIOR_HIT_RATE;
  const priorCredits = c.cost * (c.chargedOnMiss ? PRIOR_CALLS : priorHits);
  const credits = Math.max(0, c.stats?.credits ?? 0) + priorCredits;
  const hits = Math.max(0, c.stats?.hits ?? 0) + priorHits;
  return credits / hits;
}

/**
 * Filters the candidates through {@link SELECTION_FILTERS}, then orders the eligible ones:
 * `priority` by configured priority, then cost, then name; `cost_per_success` by
 * {@link expectedCostPerSuccess}, then priority, then name. In both, providers that charge for
 * answers the goal rejects go after the others, and deferred ones (see `deferrable`) after all.
 */
export function selectProviders(candidates: readonly ProviderCandidate[], ctx: SelectionContext): Selection {
  const eligible: ProviderCandidate[] = [];
  const deferred: ProviderCandidate[] = [];
  const skipped: Selection['skipped'] = [];
  for (const candidate of candidates) {
    const filter = SELECTION_FILTERS.find((f) => f.rejects(candidate, ctx));
    if (!filter) {
      eligible.push(candidate);
    } else if (deferrable(filter.reason, candidate)) {
      deferred.push(candidate);
    } else {
      skipped.push({ name: candidate.name, reason: filter.reason });
    }
  }
  const key = (c: ProviderCandidate): number[] =>
    ctx.ordering === 'priority'
      ? [c.chargesForRejected ? 1 : 0, c.priority, c.cost]
      : [c.chargesForRejected ? 1 : 0, expectedCostPerSuccess(c), c.priority];
  const byKey = (a: ProviderCandidate, b: ProviderCandidate): number => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) {
      if (ka[i] !== kb[i]) {
        return (ka[i] ?? 0) - (kb[i] ?? 0);
      }
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
  return { ordered: [...eligible.sort(byKey), ...deferred.sort(byKey)], skipped };
}

/**
 * The provider tier a workspace plan may use: workspaces are `free`, `standard` or `premium`;
 * provider minimum tiers speak `free`, `pro` and `enterprise`.
 */
export function providerTierOf(plan: string): WorkspaceTier {
  switch (plan) {
    case 'premium':
    case 'enterprise':
      return 'enterprise';
    case 'standard':
    case 'pro':
      return 'pro';
    default:
      return 'free';
  }
}
