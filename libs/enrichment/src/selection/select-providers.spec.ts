import {
  expectedCostPerSuccess,
  providerTierOf,
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
    creditsAvailable: null,
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

describe('selectProviders', () => {
  it('skips each candidate for the first filter that rejects it, and says why', () => {
    const selection = selectProviders(
      [
        candidate('tried'),
        candidate('off', { enabled: false }),
        candidate('nokey', { hasCredentials: false }),
        candidate('ent', { minimumTier: 'enterprise' }),
        candidate('dear', { cost: 5 }),
        candidate('broke', { creditsAvailable: 0.5 }),
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
    expect(selection.ordered.map((c) => c.name)).toEqual(['ok', 'probe', 'busy']);
  });

  it('keeps a provider paused for credits when the request waits for credits', () => {
    const selection = selectProviders([candidate('paused', { paused: true, creditsAvailable: 0 })], {
      ...ctx,
      waitForCredits: true,
    });
    expect(selection.ordered.map((c) => c.name)).toEqual(['paused']);
  });

  it('orders by priority, then cost, then name; providers charging for rejected answers go last', () => {
    const selection = selectProviders(
      [
        candidate('c', { priority: 2 }),
        candidate('b', { priority: 1, cost: 2 }),
        candidate('a', { priority: 1, cost: 2 }),
        candidate('z', { priority: 0, chargesForRejected: true }),
        candidate('d', { priority: 1, cost: 1 }),
      ],
      ctx,
    );
    expect(selection.ordered.map((c) => c.name)).toEqual(['d', 'a', 'b', 'c', 'z']);
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
    expect(selection.ordered.map((c) => c.name)).toEqual(['good', 'poor']);
    expect(expectedCostPerSuccess(dearButGood)).toBeCloseTo((1800 + 10) / 905, 5);
  });

  it('puts free providers first and does not let one lucky call outrank a measured provider', () => {
    expect(expectedCostPerSuccess(candidate('free', { cost: 0 }))).toBe(0);
    const lucky = candidate('lucky', { stats: { calls: 1, hits: 1, credits: 1 } });
    const unmeasured = candidate('new');
    expect(expectedCostPerSuccess(lucky)).toBeCloseTo(expectedCostPerSuccess(unmeasured), 0);
  });
});

describe('providerTierOf', () => {
  it('maps workspace plans onto provider tiers', () => {
    expect(providerTierOf('free')).toBe('free');
    expect(providerTierOf('standard')).toBe('pro');
    expect(providerTierOf('premium')).toBe('enterprise');
    expect(providerTierOf('unheard-of')).toBe('free');
  });
});
