import { companiesHouse } from '../companies-house/companies-house.provider';
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
    expect(settingsOf({})).toEqual(defaults);
  });

  it('accepts the bounds of error_rate and latency_ms', () => {
    expect(settingsOf({ error_rate: 0, latency_ms: 0 })).toMatchObject({ error_rate: 0, latency_ms: 0 });
    expect(settingsOf({ error_rate: 1 })).toMatchObject({ error_rate: 1 });
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
});
