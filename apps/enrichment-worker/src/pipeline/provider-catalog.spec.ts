import { PipelineConfig, providerOverridesProblem, ProvidersConfig } from '@sluice/config';
import { withSafetyMargin } from '@sluice/providers';
import { ProviderCatalog } from './provider-catalog';

function catalog(
  overrides: Record<string, unknown> = {},
  providers: Partial<ProvidersConfig> = {},
): ProviderCatalog {
  const pipeline = Object.assign(new PipelineConfig(), { providerOverrides: JSON.stringify(overrides) });
  return new ProviderCatalog(pipeline, Object.assign(new ProvidersConfig(), providers));
}

describe('ProviderCatalog', () => {
  it('puts Companies House in HIGH and paid providers in LOW, with their published limits', () => {
    const providers = catalog();
    expect(providers.of('companies-house')).toMatchObject({ priorityClass: 'HIGH', enabled: true });
    expect(providers.of('snov')).toMatchObject({
      priorityClass: 'LOW',
      rateLimits: [{ name: 'minute', limit: 60, windowMs: 60_600 }],
    });
    expect(providers.of('orion-connect').minimumTier).toBe('pro');
  });

  it('applies overrides: disabled, priority, limits and tier', () => {
    const providers = catalog({
      snov: { enabled: false, priority: 9 },
      'astra-dialer': {
        rateLimits: [{ name: 'minute', limit: 5, windowMs: 60_000 }],
        minimumTier: 'enterprise',
      },
    });
    expect(providers.of('snov')).toMatchObject({ enabled: false, priority: 9 });
    expect(providers.of('astra-dialer')).toMatchObject({
      rateLimits: [{ name: 'minute', limit: 5, windowMs: 60_600 }],
      minimumTier: 'enterprise',
    });
  });

  it('counts a tier’s share of a provider only against calls for that tier', () => {
    const providers = catalog({
      'orion-connect': {
        rateLimits: [
          { name: 'hour', limit: 100, windowMs: 3_600_000 },
          { name: 'free-hour', limit: 10, windowMs: 3_600_000, tier: 'free' },
        ],
      },
    });
    expect(providers.rateLimitsFor('orion-connect', 'free', 'find_phone')).toEqual([
      { name: 'hour', limit: 100, windowMs: 3_601_000 },
      { name: 'free-hour', limit: 10, windowMs: 3_601_000 },
    ]);
    expect(providers.rateLimitsFor('orion-connect', 'pro', 'find_phone')).toEqual([
      { name: 'hour', limit: 100, windowMs: 3_601_000 },
    ]);
  });

  it('counts a rule with operations only against calls of those operations, each rule in its own window', () => {
    const providers = catalog({
      rocketreach: {
        rateLimits: [
          { name: 'second', limit: 10, windowMs: 1000 },
          { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person', 'find_phone'] },
          { name: 'free-lookups', limit: 5, windowMs: 60_000, tier: 'free', operations: ['find_phone'] },
        ],
      },
    });
    expect(providers.rateLimitsFor('rocketreach', 'free', 'find_phone')).toEqual([
      { name: 'second', limit: 10, windowMs: 1100 },
      { name: 'lookups', limit: 250, windowMs: 60_600 },
      { name: 'free-lookups', limit: 5, windowMs: 60_600 },
    ]);
    expect(providers.rateLimitsFor('rocketreach', 'pro', 'find_phone').map((r) => r.name)).toEqual([
      'second',
      'lookups',
    ]);
    expect(providers.rateLimitsFor('rocketreach', 'free', 'lookup_company').map((r) => r.name)).toEqual([
      'second',
    ]);
    // A refusal by a rule on some calls holds only those; one on every call holds the provider.
    expect(providers.limitsOnlySomeCalls('rocketreach', 'lookups')).toBe(true);
    expect(providers.limitsOnlySomeCalls('rocketreach', 'free-lookups')).toBe(true);
    expect(providers.limitsOnlySomeCalls('rocketreach', 'second')).toBe(false);
    expect(providers.limitsOnlySomeCalls('rocketreach', null)).toBe(false);
  });

  it('runs RocketReach by default with its per-API limits, searches and lookups counted apart', () => {
    const providers = catalog();
    const names = (operation: Parameters<ProviderCatalog['rateLimitsFor']>[2]): string[] =>
      providers.rateLimitsFor('rocketreach', 'pro', operation).map((rule) => rule.name);
    const lookups = ['second', 'person-lookup-minute', 'person-lookup-hour', 'person-lookup-day'];
    expect(names('find_work_email')).toEqual(lookups);
    expect(names('find_phone')).toEqual(lookups);
    expect(names('lookup_person')).toEqual(lookups);
    expect(names('search_people')).toEqual([
      'second',
      'person-search-minute',
      'person-search-hour',
      'person-search-day',
    ]);
    expect(names('search_companies')).toEqual([
      'second',
      'company-search-minute',
      'company-search-hour',
      'company-search-day',
    ]);
    expect(names('lookup_company')).toEqual(['second']);
    expect(providers.rateLimitsFor('rocketreach', 'pro', 'find_work_email')[3]).toEqual({
      name: 'person-lookup-day',
      limit: 10_000,
      windowMs: 86_401_000,
    });
  });

  it('counts a RocketReach e-mail step as its search (the free pre-check) and its lookup, each a slot', () => {
    const providers = catalog();
    const calls = (
      provider: 'rocketreach' | 'snov',
      operation: 'find_work_email' | 'find_phone',
    ): string[][] =>
      providers.callRulesFor(provider, 'pro', operation).map((rules) => rules.map((rule) => rule.name));
    expect(calls('rocketreach', 'find_work_email')).toEqual([
      ['second', 'person-search-minute', 'person-search-hour', 'person-search-day'],
      ['second', 'person-lookup-minute', 'person-lookup-hour', 'person-lookup-day'],
    ]);
    expect(calls('rocketreach', 'find_phone')).toEqual([
      ['second', 'person-lookup-minute', 'person-lookup-hour', 'person-lookup-day'],
    ]);
    expect(calls('snov', 'find_work_email')).toEqual([
      providers.rateLimitsFor('snov', 'pro', 'find_work_email').map((rule) => rule.name),
    ]);
  });

  it('counts a token fetched first as a call of its own, and a poll as a call of no operation', () => {
    const providers = catalog();
    const names = (calls: { name: string }[][]): string[][] => calls.map((rules) => rules.map((r) => r.name));
    // Snov.io counts every request, the token's too: each a slot of its minute.
    expect(names(providers.callRulesFor('snov', 'pro', 'find_work_email', 1))).toEqual([
      ['minute'],
      ['minute'],
    ]);
    expect(names(providers.pollRulesFor('snov', 'pro', 1))).toEqual([['minute'], ['minute']]);
    expect(names(providers.pollRulesFor('snov', 'pro'))).toEqual([['minute']]);
    // RocketReach's status checks count against its 10 a second, not against its lookups.
    expect(names(providers.pollRulesFor('rocketreach', 'pro'))).toEqual([['second']]);
    expect(providers.pollRulesFor('rocketreach', 'pro')[0]).toEqual([
      { name: 'second', limit: 10, windowMs: 1100 },
    ]);
  });

  it('refuses at start-up a rule naming an operation the provider does not have, or a name used twice', () => {
    expect(() =>
      catalog({
        rocketreach: { rateLimits: [{ name: 'm', limit: 1, windowMs: 1000, operations: ['verify_email'] }] },
      }),
    ).toThrow(
      /PROVIDER_OVERRIDES\.rocketreach\.rateLimits\[0\]\.operations\[0\]: rocketreach has no operation 'verify_email'; operations of rocketreach: .*find_work_email/,
    );
    expect(() =>
      catalog({
        snov: {
          rateLimits: [
            { name: 'm', limit: 1, windowMs: 1000 },
            { name: 'm', limit: 1, windowMs: 1000, tier: 'free' },
          ],
        },
      }),
    ).toThrow(/PROVIDER_OVERRIDES\.snov\.rateLimits\[1\]\.name 'm' is used twice/);
  });

  it('refuses rule operations of the wrong shape, naming the rule', () => {
    const problem = (operations: unknown): string | null =>
      providerOverridesProblem(
        JSON.stringify({
          rocketreach: { rateLimits: [{ name: 'm', limit: 1, windowMs: 1000, operations }] },
        }),
      );
    expect(problem([])).toMatch(/PROVIDER_OVERRIDES\.rocketreach\.rateLimits\[0\]\.operations is empty/);
    expect(problem('lookup_person')).toMatch(/rateLimits\[0\]\.operations must be a list of operation names/);
    expect(problem([1])).toMatch(/rateLimits\[0\]\.operations must be a list of operation names/);
    expect(problem(['lookup_person'])).toBeNull();
    expect(
      providerOverridesProblem(
        JSON.stringify({ snov: { rateLimits: [{ name: 'm', limit: 1, windowMs: 1000, operation: ['x'] }] } }),
      ),
    ).toMatch(/rateLimits\[0\] has unknown key\(s\) operation; allowed: .*operations/);
  });

  it('refuses a rate rule for an unknown tier, naming the setting', () => {
    expect(
      providerOverridesProblem(
        JSON.stringify({
          'orion-connect': { rateLimits: [{ name: 'h', limit: 1, windowMs: 1000, tier: 'gold' }] },
        }),
      ),
    ).toMatch(/PROVIDER_OVERRIDES\.orion-connect\.rateLimits\[0\] .*tier/);
    expect(
      providerOverridesProblem(
        JSON.stringify({
          'orion-connect': { rateLimits: [{ name: 'h', limit: 1, windowMs: 1000, tier: 'free' }] },
        }),
      ),
    ).toBeNull();
  });

  it('polls each provider’s waiting tasks at its own interval, the global one by default', () => {
    const providers = catalog({ rocketreach: { pollIntervalMs: 900_000 } });
    expect(providers.of('rocketreach').pollIntervalMs).toBe(900_000);
    expect(providers.of('snov').pollIntervalMs).toBe(new PipelineConfig().asyncPollIntervalMs);
    expect(providerOverridesProblem(JSON.stringify({ snov: { pollIntervalMs: 5 } }))).toMatch(
      /pollIntervalMs/,
    );
  });

  it('marks a provider without credentials', () => {
    expect(catalog({}, { serperApiKey: ' ' }).of('serper').hasCredentials).toBe(false);
  });

  it('lists the providers of a capability with what a call costs', () => {
    const emails = catalog()
      .candidatesFor('find_work_email')
      .map((c) => [c.settings.name, c.cost.credits]);
    expect(emails).toEqual([
      ['snov', 1],
      ['rocketreach', 1],
      ['apollo', 1],
    ]);
  });
});

describe('cheapestCall', () => {
  it('is the fewest credits a paid call costs at the provider', () => {
    const providers = catalog();
    expect(providers.cheapestCall('nimbus-lookup')).toBe(0.5);
    expect(providers.cheapestCall('apollo')).toBe(1);
    expect(providers.cheapestCall('companies-house')).toBe(1);
  });
});

describe('withSafetyMargin', () => {
  it('lengthens a window by 1 %, at least 100 ms and at most 1 s', () => {
    expect(withSafetyMargin({ name: 'm', limit: 1, windowMs: 60_000 }).windowMs).toBe(60_600);
    expect(withSafetyMargin({ name: 's', limit: 1, windowMs: 1000 }).windowMs).toBe(1100);
    expect(withSafetyMargin({ name: 'h', limit: 1, windowMs: 3_600_000 }).windowMs).toBe(3_601_000);
  });

  it('applies stored overrides over the environment live, and drops them when their row goes', () => {
    const providers = catalog({ snov: { priority: 4 } });
    expect(providers.rateLimitsFor('snov', 'free', 'find_work_email')).toEqual([
      { name: 'minute', limit: 60, windowMs: 60_600 },
    ]);
    providers.applyStored(
      new Map([['snov', { enabled: false, rateLimits: [{ name: 'minute', limit: 1, windowMs: 60_000 }] }]]),
    );
    expect(providers.of('snov')).toMatchObject({ enabled: false, priority: 4 });
    // The rules of each tier and operation are recomputed, not served from before the change.
    expect(providers.rateLimitsFor('snov', 'free', 'find_work_email')).toEqual([
      { name: 'minute', limit: 1, windowMs: 60_600 },
    ]);
    providers.applyStored(new Map());
    expect(providers.of('snov')).toMatchObject({ enabled: true, priority: 4 });
    expect(providers.rateLimitsFor('snov', 'free', 'find_work_email')[0]?.limit).toBe(60);
  });

  it('gives balance reads the rules the credit monitor’s reads count against, and follows stored overrides', () => {
    const providers = catalog({
      rocketreach: {
        rateLimits: [
          { name: 'second', limit: 10, windowMs: 1000 },
          { name: 'free-share', limit: 4, windowMs: 1000, tier: 'free' },
          { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person'] },
        ],
      },
    });
    // Neither a tier's share nor another operation's budget: the global rule only.
    expect(providers.balanceReadRulesOf('rocketreach')).toEqual([
      { name: 'second', limit: 10, windowMs: 1100 },
    ]);
    providers.applyStored(
      new Map([
        [
          'rocketreach',
          {
            rateLimits: [
              { name: 'second', limit: 8, windowMs: 1000 },
              { name: 'account', limit: 1, windowMs: 60_000, operations: ['check_credits' as const] },
            ],
          },
        ],
      ]),
    );
    expect(providers.balanceReadRulesOf('rocketreach')).toEqual([
      { name: 'second', limit: 8, windowMs: 1100 },
      { name: 'account', limit: 1, windowMs: 60_600 },
    ]);
  });
});
