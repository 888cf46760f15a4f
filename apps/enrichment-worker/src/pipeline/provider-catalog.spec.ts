import { PipelineConfig, providerOverridesProblem, ProvidersConfig } from '@sluice/config';
import { ProviderCatalog, withSafetyMargin } from './provider-catalog';

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
    expect(providers.rateLimitsFor('orion-connect', 'free')).toEqual([
      { name: 'hour', limit: 100, windowMs: 3_601_000 },
      { name: 'free-hour', limit: 10, windowMs: 3_601_000 },
    ]);
    expect(providers.rateLimitsFor('orion-connect', 'pro')).toEqual([
      { name: 'hour', limit: 100, windowMs: 3_601_000 },
    ]);
  });

  it('refuses a rate rule for an unknown tier, naming the setting', () => {
    expect(
      providerOverridesProblem(
        JSON.stringify({
          'orion-connect': { rateLimits: [{ name: 'h', limit: 1, windowMs: 1000, tier: 'gold' }] },
        }),
      ),
    ).toMatch(/PROVIDER_OVERRIDES.orion-connect.rateLimits .*tier/);
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
    expect(providers.rateLimitsFor('snov', 'free')).toEqual([
      { name: 'minute', limit: 60, windowMs: 60_600 },
    ]);
    providers.applyStored(
      new Map([['snov', { enabled: false, rateLimits: [{ name: 'minute', limit: 1, windowMs: 60_000 }] }]]),
    );
    expect(providers.of('snov')).toMatchObject({ enabled: false, priority: 4 });
    // The per-tier rules are recomputed, not served from before the change.
    expect(providers.rateLimitsFor('snov', 'free')).toEqual([{ name: 'minute', limit: 1, windowMs: 60_600 }]);
    providers.applyStored(new Map());
    expect(providers.of('snov')).toMatchObject({ enabled: true, priority: 4 });
    expect(providers.rateLimitsFor('snov', 'free')[0]?.limit).toBe(60);
  });
});
