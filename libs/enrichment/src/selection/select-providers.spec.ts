import {
  expectedCostPerSuccess,
  providerTierOf,
  SELECTION_FILTERS,
  selectProviders,
  type ProviderCandidate,
  type SelectionContext,
} from './select-providers';

function candidate(name: string, overrides: Partial<ProviderCandidate> = {}): ProviderCandidate {
  return {
    name,
    cost: 1,
    chargedOnMiss: false,
    enabled: true,
    hasCredentials: true,
    creditsBalance: null,
    paused: false,
    circuit: 'closed',
    rateBudgetLeft: null,
    minimumTier: null,
    priority: 1,
    stats: null,
    ...overrides,
  };
}

const ctx: SelectionContext = {
  tier: 'pro',
  ordering: 'priority',
  budgetLeft: null,
  tried: [],
  waitForCredits: false,
};

const names = (list: readonly { name: string }[]): string[] => list.map((c) => c.name);

/** The reason one candidate is skipped for, or `null` when it is selected. */
function reasonFor(c: ProviderCandidate, context: Partial<SelectionContext> = {}): string | null {
  const selection = selectProviders([c], { ...ctx, ...context });
  return selection.skipped[0]?.reason ?? null;
}

describe('SELECTION_FILTERS', () => {
  it('runs the filters in the documented order', () => {
    expect(SELECTION_FILTERS.map((f) => f.reason)).toEqual([
      'already_tried',
      'same_profile',
      'insufficient_input',
      'catch_all_domain',
      'disabled',
      'no_credentials',
      'tier_not_allowed',
      'over_budget',
      'paused_by_operator',
      'out_of_credits',
      'circuit_open',
      'rate_limited',
    ]);
  });

  it('skips every paid finder at a domain known to be catch-all, and only there', () => {
    expect(reasonFor(candidate('snov'), { catchAllDomain: true })).toBe('catch_all_domain');
    expect(reasonFor(candidate('free', { cost: 0 }), { catchAllDomain: true })).toBeNull();
    expect(reasonFor(candidate('snov'), { catchAllDomain: false })).toBeNull();
  });

  it('skips the provider whose profile of the person the request already has, and only it', () => {
    expect(reasonFor(candidate('rocketreach'), { profileProvider: 'rocketreach' })).toBe('same_profile');
    expect(reasonFor(candidate('snov'), { profileProvider: 'rocketreach' })).toBeNull();
    expect(reasonFor(candidate('rocketreach'), { profileProvider: null })).toBeNull();
  });

  it('skips a provider the request cannot give what it needs, before any other reason', () => {
    expect(reasonFor(candidate('snov', { lacksInput: true }))).toBe('insufficient_input');
    expect(reasonFor(candidate('snov', { lacksInput: true, enabled: false, circuit: 'open' }))).toBe(
      'insufficient_input',
    );
    expect(reasonFor(candidate('snov', { lacksInput: false }))).toBeNull();
  });

  it('skips a provider an operator paused, waiting for credits or not', () => {
    expect(reasonFor(candidate('snov', { pausedByOperator: true }))).toBe('paused_by_operator');
    expect(reasonFor(candidate('snov', { pausedByOperator: true }), { waitForCredits: true })).toBe(
      'paused_by_operator',
    );
  });

  it('defers a provider an operator paused behind every other for a free call, where it waits for the resume', () => {
    const selection = selectProviders(
      [
        candidate('register', { cost: 0, priority: 0, pausedByOperator: true }),
        candidate('search', { cost: 1, priority: 5 }),
        candidate('paid-paused', { cost: 1, priority: 1, pausedByOperator: true }),
      ],
      ctx,
    );
    expect(names(selection.ordered)).toEqual(['search', 'register']);
    expect(selection.skipped).toEqual([{ name: 'paid-paused', reason: 'paused_by_operator' }]);
    // The only provider of the goal: chosen, and its step waits on the paused queue.
    expect(
      names(selectProviders([candidate('register', { cost: 0, pausedByOperator: true })], ctx).ordered),
    ).toEqual(['register']);
  });

  it('lets a healthy candidate through every filter', () => {
    for (const filter of SELECTION_FILTERS) {
      expect(filter.rejects(candidate('ok'), ctx)).toBe(false);
    }
  });
});

describe('selectProviders', () => {
  it('skips each candidate for the first filter that rejects it, and says why', () => {
    const selection = selectProviders(
      [
        candidate('tried'),
        candidate('off', { enabled: false }),
        candidate('nokey', { hasCredentials: false }),
        candidate('ent', { minimumTier: 'enterprise' }),
        candidate('dear', { cost: 5 }),
        candidate('broke', { creditsBalance: 0.5 }),
        candidate('paused', { paused: true }),
        candidate('open', { circuit: 'open' }),
        candidate('busy', { rateBudgetLeft: 0 }),
        candidate('probe', { circuit: 'half_open' }),
        candidate('ok'),
      ],
      { ...ctx, tried: ['tried'], budgetLeft: 2 },
    );
    expect(selection.skipped).toEqual([
      { name: 'tried', reason: 'already_tried' },
      { name: 'off', reason: 'disabled' },
      { name: 'nokey', reason: 'no_credentials' },
      { name: 'ent', reason: 'tier_not_allowed' },
      { name: 'dear', reason: 'over_budget' },
      { name: 'broke', reason: 'out_of_credits' },
      { name: 'paused', reason: 'out_of_credits' },
      { name: 'open', reason: 'circuit_open' },
    ]);
    // A full rate window defers a provider behind the others instead of dropping it.
    expect(names(selection.ordered)).toEqual(['ok', 'probe', 'busy']);
  });

  it('gives a candidate that several filters reject only the first reason', () => {
    const everythingWrong = candidate('bad', {
      enabled: false,
      hasCredentials: false,
      minimumTier: 'enterprise',
      cost: 10,
      paused: true,
      circuit: 'open',
      rateBudgetLeft: 0,
    });
    expect(reasonFor(everythingWrong, { tried: ['bad'], budgetLeft: 1 })).toBe('already_tried');
    expect(reasonFor(everythingWrong, { budgetLeft: 1 })).toBe('disabled');
    expect(reasonFor({ ...everythingWrong, enabled: true }, { budgetLeft: 1 })).toBe('no_credentials');
    expect(reasonFor({ ...everythingWrong, enabled: true, hasCredentials: true }, { budgetLeft: 1 })).toBe(
      'tier_not_allowed',
    );
    expect(
      reasonFor(
        { ...everythingWrong, enabled: true, hasCredentials: true, minimumTier: null },
        { budgetLeft: 1 },
      ),
    ).toBe('over_budget');
    expect(
      reasonFor({ ...everythingWrong, enabled: true, hasCredentials: true, minimumTier: null }, {}),
    ).toBe('out_of_credits');
    expect(
      reasonFor(
        { ...everythingWrong, enabled: true, hasCredentials: true, minimumTier: null, paused: false },
        {},
      ),
    ).toBe('circuit_open');
  });

  it('matches already-tried providers by exact name', () => {
    expect(reasonFor(candidate('apollo'), { tried: ['Apollo', 'apollo2'] })).toBeNull();
    expect(reasonFor(candidate('apollo'), { tried: ['snov', 'apollo'] })).toBe('already_tried');
  });

  it('ranks tiers free < pro < enterprise; no minimum tier allows every workspace', () => {
    const forPro = candidate('p', { minimumTier: 'pro' });
    expect(reasonFor(forPro, { tier: 'free' })).toBe('tier_not_allowed');
    expect(reasonFor(forPro, { tier: 'pro' })).toBeNull();
    expect(reasonFor(forPro, { tier: 'enterprise' })).toBeNull();
    const forEnterprise = candidate('e', { minimumTier: 'enterprise' });
    expect(reasonFor(forEnterprise, { tier: 'pro' })).toBe('tier_not_allowed');
    expect(reasonFor(forEnterprise, { tier: 'enterprise' })).toBeNull();
    expect(reasonFor(candidate('f', { minimumTier: 'free' }), { tier: 'free' })).toBeNull();
    expect(reasonFor(candidate('n', { minimumTier: null }), { tier: 'free' })).toBeNull();
  });

  it('skips a provider over budget only when its cost exceeds what is left', () => {
    expect(reasonFor(candidate('c', { cost: 3 }), { budgetLeft: 3 })).toBeNull();
    expect(reasonFor(candidate('c', { cost: 3 }), { budgetLeft: 2.5 })).toBe('over_budget');
    expect(reasonFor(candidate('c', { cost: 3 }), { budgetLeft: null })).toBeNull();
    expect(reasonFor(candidate('free', { cost: 0 }), { budgetLeft: 0 })).toBeNull();
    expect(reasonFor(candidate('c', { cost: 1 }), { budgetLeft: 0 })).toBe('over_budget');
    expect(reasonFor(candidate('c', { cost: 1 }), { budgetLeft: -2 })).toBe('over_budget');
  });

  it('skips a provider out of credits when paused or its known balance is below the cost', () => {
    expect(reasonFor(candidate('c', { cost: 2, creditsBalance: 2 }))).toBeNull();
    expect(reasonFor(candidate('c', { cost: 2, creditsBalance: 1.99 }))).toBe('out_of_credits');
    expect(reasonFor(candidate('c', { cost: 2, creditsBalance: null }))).toBeNull();
    expect(reasonFor(candidate('c', { paused: true, creditsBalance: 100 }))).toBe('out_of_credits');
    expect(reasonFor(candidate('free', { cost: 0, creditsBalance: 0 }))).toBeNull();
  });

  it('keeps a provider paused for credits when the request waits for credits', () => {
    const selection = selectProviders(
      [
        candidate('paused', { paused: true, creditsBalance: 0 }),
        candidate('low', { creditsBalance: 0, priority: 0 }),
      ],
      { ...ctx, waitForCredits: true },
    );
    expect(selection.skipped).toEqual([]);
    expect(names(selection.ordered)).toEqual(['low', 'paused']);
  });

  it('still applies the other filters when the request waits for credits', () => {
    const paused = candidate('paused', { paused: true, circuit: 'open' });
    expect(reasonFor(paused, { waitForCredits: true })).toBe('circuit_open');
    expect(
      reasonFor(candidate('c', { cost: 5, paused: true }), { waitForCredits: true, budgetLeft: 1 }),
    ).toBe('over_budget');
  });

  it('lets a half-open circuit through as a probe and skips an open one', () => {
    expect(reasonFor(candidate('c', { circuit: 'half_open' }))).toBeNull();
    expect(reasonFor(candidate('c', { circuit: 'closed' }))).toBeNull();
    expect(reasonFor(candidate('c', { circuit: 'open' }))).toBe('circuit_open');
  });

  it('defers a provider with an empty rate window behind every other, ordered among themselves', () => {
    const selection = selectProviders(
      [
        candidate('busy-b', { rateBudgetLeft: 0, priority: 0 }),
        candidate('busy-a', { rateBudgetLeft: 0, priority: 0 }),
        candidate('late', { priority: 9, rateBudgetLeft: 1 }),
        candidate('busy-first', { rateBudgetLeft: 0, priority: -1 }),
        candidate('unlimited', { priority: 5, rateBudgetLeft: null }),
      ],
      ctx,
    );
    expect(selection.skipped).toEqual([]);
    expect(names(selection.ordered)).toEqual(['unlimited', 'late', 'busy-first', 'busy-a', 'busy-b']);
  });

  it('orders by priority, then cost, then name; providers charging for rejected answers go last', () => {
    const selection = selectProviders(
      [
        candidate('c', { priority: 2 }),
        candidate('b', { priority: 1, cost: 2 }),
        candidate('a', { priority: 1, cost: 2 }),
        candidate('z', { priority: 0, chargesForRejected: true }),
        candidate('y', { priority: 0, cost: 0, chargesForRejected: true }),
        candidate('d', { priority: 1, cost: 1 }),
      ],
      ctx,
    );
    expect(names(selection.ordered)).toEqual(['d', 'a', 'b', 'c', 'y', 'z']);
  });

  it('ignores measured statistics when ordering by priority', () => {
    const selection = selectProviders(
      [
        candidate('great', { priority: 2, stats: { calls: 1000, hits: 1000, credits: 1000 } }),
        candidate('awful', { priority: 1, stats: { calls: 1000, hits: 1, credits: 1000 } }),
      ],
      ctx,
    );
    expect(names(selection.ordered)).toEqual(['awful', 'great']);
  });

  it('orders by measured cost per success when asked', () => {
    const cheapButPoor = candidate('poor', {
      priority: 1,
      stats: { calls: 1000, hits: 100, credits: 1000 },
      chargedOnMiss: true,
    });
    const dearButGood = candidate('good', {
      priority: 2,
      cost: 2,
      stats: { calls: 1000, hits: 900, credits: 1800 },
    });
    const selection = selectProviders([cheapButPoor, dearButGood], { ...ctx, ordering: 'cost_per_success' });
    expect(names(selection.ordered)).toEqual(['good', 'poor']);
    expect(expectedCostPerSuccess(dearButGood)).toBeCloseTo((1800 + 10) / 905, 10);
    expect(expectedCostPerSuccess(cheapButPoor)).toBeCloseTo((1000 + 10) / 105, 10);
  });

  it('puts free providers first by cost per success, whatever their priority or record', () => {
    const selection = selectProviders(
      [
        candidate('paid', { priority: 0, stats: { calls: 100, hits: 100, credits: 100 } }),
        candidate('free', { priority: 9, cost: 0, stats: { calls: 100, hits: 0, credits: 0 } }),
      ],
      { ...ctx, ordering: 'cost_per_success' },
    );
    expect(names(selection.ordered)).toEqual(['free', 'paid']);
  });

  it('breaks cost-per-success ties by priority, then name', () => {
    const selection = selectProviders(
      [candidate('b', { priority: 2 }), candidate('c', { priority: 1 }), candidate('a', { priority: 2 })],
      { ...ctx, ordering: 'cost_per_success' },
    );
    expect(names(selection.ordered)).toEqual(['c', 'a', 'b']);
  });

  it('puts providers charging for rejected answers last by cost per success too', () => {
    const selection = selectProviders(
      [candidate('mobile-charger', { cost: 0.1, chargesForRejected: true }), candidate('dear', { cost: 5 })],
      { ...ctx, ordering: 'cost_per_success' },
    );
    expect(names(selection.ordered)).toEqual(['dear', 'mobile-charger']);
  });

  it('neither mutates nor reorders its input', () => {
    const input = [candidate('b', { priority: 2 }), candidate('a', { priority: 1 })];
    const copy = structuredClone(input);
    const selection = selectProviders(input, ctx);
    expect(input).toEqual(copy);
    expect(names(selection.ordered)).toEqual(['a', 'b']);
    expect(selection.ordered[0]).toBe(input[1]);
  });

  it('returns nothing for no candidates', () => {
    expect(selectProviders([], ctx)).toEqual({ ordered: [], skipped: [] });
  });
});

describe('expectedCostPerSuccess', () => {
  it('prices an unmeasured provider at its list price per hit', () => {
    // Charged only on a hit: every success costs the list price.
    expect(expectedCostPerSuccess(candidate('hit', { cost: 3 }))).toBeCloseTo(3, 10);
    // Charged on every call with the assumed 50% hit rate: a success costs two calls.
    expect(expectedCostPerSuccess(candidate('miss', { cost: 3, chargedOnMiss: true }))).toBeCloseTo(6, 10);
  });

  it('is 0 for a free provider whatever it measured', () => {
    expect(expectedCostPerSuccess(candidate('free', { cost: 0 }))).toBe(0);
    expect(
      expectedCostPerSuccess(candidate('free', { cost: 0, stats: { calls: 50, hits: 0, credits: 9 } })),
    ).toBe(0);
  });

  it('does not let one lucky or unlucky call outrank or bury a provider', () => {
    const unmeasured = expectedCostPerSuccess(candidate('new', { chargedOnMiss: true }));
    const lucky = expectedCostPerSuccess(
      candidate('lucky', { chargedOnMiss: true, stats: { calls: 1, hits: 1, credits: 1 } }),
    );
    const unlucky = expectedCostPerSuccess(
      candidate('unlucky', { chargedOnMiss: true, stats: { calls: 1, hits: 0, credits: 1 } }),
    );
    // Raw ratios would be 1 (lucky) and infinite (unlucky); smoothed, both stay near the prior of 2.
    expect(unmeasured).toBeCloseTo(2, 10);
    expect(lucky).toBeCloseTo(11 / 6, 10);
    expect(unlucky).toBeCloseTo(11 / 5, 10);
    expect(Math.abs(lucky - unmeasured)).toBeLessThan(0.2);
    expect(Math.abs(unlucky - unmeasured)).toBeLessThan(0.25);
  });

  it('converges on the measured ratio as calls accumulate', () => {
    const measured = expectedCostPerSuccess(
      candidate('m', { chargedOnMiss: true, stats: { calls: 100_000, hits: 25_000, credits: 100_000 } }),
    );
    expect(measured).toBeCloseTo(4, 2);
  });

  it('stays finite for a provider that never hit', () => {
    const never = expectedCostPerSuccess(
      candidate('n', { chargedOnMiss: true, stats: { calls: 200, hits: 0, credits: 200 } }),
    );
    expect(Number.isFinite(never)).toBe(true);
    expect(never).toBeCloseTo(210 / 5, 10);
  });
});

describe('providerTierOf', () => {
  it('maps workspace plans onto provider tiers', () => {
    expect(providerTierOf('free')).toBe('free');
    expect(providerTierOf('standard')).toBe('pro');
    expect(providerTierOf('pro')).toBe('pro');
    expect(providerTierOf('premium')).toBe('enterprise');
    expect(providerTierOf('enterprise')).toBe('enterprise');
    expect(providerTierOf('unheard-of')).toBe('free');
  });
});
