import { companiesHouse } from '../companies-house/companies-house.provider';
import { rocketreach } from '../rocketreach/rocketreach.provider';
import type { ProviderSettings, SimulatedProvider } from '../simulation/simulated-provider';
import { applySettingsPatch } from './settings-patch';

const defaults = companiesHouse.defaults;
const creditProvider: SimulatedProvider = { ...companiesHouse, name: 'paid', usesCredits: true };

const problemsOf = (
  body: unknown,
  provider: SimulatedProvider = companiesHouse,
  current: ProviderSettings = defaults,
) => {
  const result = applySettingsPatch(provider, current, body);
  if (!('problems' in result)) {
    throw new Error(`expected problems, got settings ${JSON.stringify(result.settings)}`);
  }
  return result.problems.join('; ');
};

const settingsOf = (
  body: unknown,
  provider: SimulatedProvider = companiesHouse,
  current: ProviderSettings = defaults,
) => {
  const result = applySettingsPatch(provider, current, body);
  if ('problems' in result) {
    throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  }
  return result.settings;
};

describe('applySettingsPatch', () => {
  it('applies any subset of the settings and keeps the rest', () => {
    expect(settingsOf({ latency_ms: 250, outage: true })).toEqual({
      ...defaults,
      latency_ms: 250,
      outage: true,
    });
    expect(settingsOf({ error_rate: 0.25 })).toEqual({ ...defaults, error_rate: 0.25 });
    expect(settingsOf({ reset_rate: 0.5 })).toEqual({ ...defaults, reset_rate: 0.5 });
    expect(settingsOf({})).toEqual(defaults);
  });

  it('accepts the bounds of error_rate, reset_rate and latency_ms', () => {
    expect(settingsOf({ error_rate: 0, latency_ms: 0 })).toMatchObject({ error_rate: 0, latency_ms: 0 });
    expect(settingsOf({ error_rate: 1 })).toMatchObject({ error_rate: 1 });
    expect(settingsOf({ reset_rate: 0 })).toMatchObject({ reset_rate: 0 });
    expect(settingsOf({ reset_rate: 1 })).toMatchObject({ reset_rate: 1 });
  });

  it('replaces, amends or removes the rate limit', () => {
    expect(settingsOf({ rate_limit: { limit: 3, window_seconds: 60 } }).rate_limit).toEqual({
      limit: 3,
      window_seconds: 60,
    });
    expect(settingsOf({ rate_limit: { limit: 5 } }).rate_limit).toEqual({ limit: 5, window_seconds: 300 });
    expect(settingsOf({ rate_limit: null }).rate_limit).toBeNull();
  });

  it('does not change the settings it was given', () => {
    const current = { ...defaults, rate_limit: { limit: 1, window_seconds: 1 } };
    settingsOf({ latency_ms: 9, rate_limit: { limit: 2 } }, companiesHouse, current);
    expect(current).toEqual({ ...defaults, rate_limit: { limit: 1, window_seconds: 1 } });
  });

  it.each([
    ['an array', [1], 'JSON object'],
    ['a string', 'outage', 'JSON object'],
    ['null', null, 'JSON object'],
    ['no body', undefined, 'JSON object'],
    ['an unknown field', { speed: 1 }, "unknown field 'speed'"],
    ['a negative latency', { latency_ms: -1 }, 'latency_ms'],
    ['a fractional latency', { latency_ms: 1.5 }, 'latency_ms'],
    ['a latency as text', { latency_ms: '100' }, 'latency_ms'],
    ['an error_rate above 1', { error_rate: 1.5 }, 'error_rate'],
    ['a negative error_rate', { error_rate: -0.1 }, 'error_rate'],
    ['an error_rate as text', { error_rate: '0.5' }, 'error_rate'],
    ['a reset_rate above 1', { reset_rate: 1.5 }, 'reset_rate'],
    ['a negative reset_rate', { reset_rate: -0.1 }, 'reset_rate'],
    ['a reset_rate as text', { reset_rate: '0.5' }, 'reset_rate'],
    ['outage as text', { outage: 'yes' }, 'outage'],
    ['outage as a number', { outage: 1 }, 'outage'],
    ['a rate limit as a number', { rate_limit: 600 }, 'rate_limit'],
    ['a rate limit of 0', { rate_limit: { limit: 0, window_seconds: 60 } }, 'rate_limit.limit'],
    ['a zero window', { rate_limit: { limit: 1, window_seconds: 0 } }, 'rate_limit.window_seconds'],
    [
      'an unknown rate limit field',
      { rate_limit: { limit: 1, burst: 2 } },
      "unknown field 'rate_limit.burst'",
    ],
    ['credits for a free provider', { credits: 100 }, 'credits'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    expect(problemsOf(body)).toContain(field);
  });

  it('reports every bad field at once', () => {
    const message = problemsOf({ latency_ms: -1, error_rate: 2 });
    expect(message).toContain('latency_ms');
    expect(message).toContain('error_rate');
  });

  it('says why a free provider takes no credits', () => {
    expect(problemsOf({ credits: 5 })).toBe(
      'credits must be null: companies-house charges no credits (got 5)',
    );
    expect(settingsOf({ credits: null }).credits).toBeNull();
  });

  it('takes a non-negative number of credits for a provider that sells them', () => {
    expect(settingsOf({ credits: 250 }, creditProvider).credits).toBe(250);
    expect(problemsOf({ credits: -1 }, creditProvider)).toContain('credits');
    expect(problemsOf({ credits: null }, creditProvider)).toContain('credits');
  });

  it('puts a provider that sells unlimited plans on one and back, and refuses it elsewhere, naming why', () => {
    expect(settingsOf({ unlimited_credits: true }, rocketreach, rocketreach.defaults)).toEqual({
      ...rocketreach.defaults,
      unlimited_credits: true,
    });
    expect(
      settingsOf({ unlimited_credits: false }, rocketreach, {
        ...rocketreach.defaults,
        unlimited_credits: true,
      }).unlimited_credits,
    ).toBe(false);
    expect(problemsOf({ unlimited_credits: 'yes' }, rocketreach, rocketreach.defaults)).toBe(
      'unlimited_credits must be true or false (got "yes")',
    );
    expect(problemsOf({ unlimited_credits: true })).toBe(
      'unlimited_credits is only for providers that sell unlimited plans (rocketreach): companies-house sells none',
    );
    expect(problemsOf({ unlimited_credits: false }, creditProvider)).toContain('paid sells none');
    expect(rocketreach.defaults.unlimited_credits).toBe(false);
  });

  it('needs both parts of a rate limit when the provider has none to amend', () => {
    const unlimited = { ...defaults, rate_limit: null };
    expect(problemsOf({ rate_limit: { limit: 5 } }, companiesHouse, unlimited)).toContain('window_seconds');
    expect(
      settingsOf({ rate_limit: { limit: 5, window_seconds: 10 } }, companiesHouse, unlimited).rate_limit,
    ).toEqual({
      limit: 5,
      window_seconds: 10,
    });
  });

  describe('per-API budgets (RocketReach)', () => {
    const rr = rocketreach.defaults;

    it('changes the limit across all APIs and keeps each API’s budgets', () => {
      const next = settingsOf({ rate_limit: { limit: 2, window_seconds: 30 } }, rocketreach, rr).rate_limit;
      expect(next).toEqual({ ...rr.rate_limit, limit: 2, window_seconds: 30 });
    });

    it('replaces the windows of the APIs a patch names, keeps the others, and [] removes an API’s budget', () => {
      const next = settingsOf(
        { rate_limit: { per_api: { person_search: [{ limit: 2, window_seconds: 60 }], bulk_lookup: [] } } },
        rocketreach,
        rr,
      ).rate_limit;
      expect(next).toEqual({
        limit: 10,
        window_seconds: 1,
        per_api: {
          ...rr.rate_limit!.per_api,
          person_search: [{ limit: 2, window_seconds: 60 }],
          bulk_lookup: [],
        },
      });
      expect(rr.rate_limit!.per_api!.person_search).toHaveLength(3);
    });

    it.each([
      ['per_api that is not an object', { per_api: [] }, 'rate_limit.per_api must be an object'],
      [
        'an API RocketReach does not budget',
        { per_api: { account: [] } },
        "unknown API 'account' in rate_limit.per_api; APIs with budgets of their own: person_search, person_lookup, company_search, bulk_lookup",
      ],
      [
        'windows that are not a list',
        { per_api: { person_search: { limit: 1 } } },
        'rate_limit.per_api.person_search must be a list',
      ],
      [
        'a window of 0 calls',
        { per_api: { person_lookup: [{ limit: 0, window_seconds: 60 }] } },
        'rate_limit.per_api.person_lookup[0].limit must be a whole number of at least 1',
      ],
      [
        'a window longer than a day',
        { per_api: { person_lookup: [{ limit: 5, window_seconds: 86_401 }] } },
        'rate_limit.per_api.person_lookup[0].window_seconds must be a whole number of seconds from 1 to 86400',
      ],
      [
        'half a window',
        { per_api: { bulk_lookup: [{ limit: 5 }] } },
        'rate_limit.per_api.bulk_lookup[0] needs both limit and window_seconds',
      ],
      [
        'an unknown window field',
        { per_api: { bulk_lookup: [{ limit: 5, window_seconds: 60, burst: 1 }] } },
        "unknown field 'rate_limit.per_api.bulk_lookup[0].burst'",
      ],
    ])('refuses %s, naming it', (_case, rateLimit, message) => {
      expect(problemsOf({ rate_limit: rateLimit }, rocketreach, rr)).toContain(message);
    });

    it('says what rate_limit takes, per_api included, and takes per_api only where the provider has APIs', () => {
      expect(problemsOf({ rate_limit: 'fast' }, rocketreach, rr)).toContain('"per_api"');
      expect(problemsOf({ rate_limit: 'fast' })).not.toContain('per_api');
      expect(problemsOf({ rate_limit: { per_api: {} } })).toContain(
        "unknown field 'rate_limit.per_api'; allowed: rate_limit.limit, rate_limit.window_seconds",
      );
    });
  });
});
