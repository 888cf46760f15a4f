import type { Request } from 'express';
import type { SimulatedProvider } from '../simulation/simulated-provider';
import { SandboxState, cloneRateLimit } from './sandbox-state';

const fakeProvider = (name: string): SimulatedProvider => ({
  name,
  prefix: name,
  usesCredits: true,
  defaults: {
    credits: 100,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 2, window_seconds: 60 },
    task_delay_ms: 0,
  },
  authenticate: (_request: Request) => ({ key: 'k' }),
  rateLimitHeaders: () => ({}),
  rateLimited: () => ({ status: 429, body: null }),
  unavailable: () => ({ status: 503, body: null }),
  internalError: () => ({ status: 500, body: null }),
});

const stateWith = (seed: number): SandboxState =>
  new SandboxState({ seed, worldSize: 1 }, [fakeProvider('alpha'), fakeProvider('beta')]);

const draws = (state: SandboxState, name: string, n: number): boolean[] => {
  const runtime = state.find(name)!;
  return Array.from({ length: n }, () => runtime.drawFailure());
};

describe('SandboxState', () => {
  it('starts every provider from its defaults', () => {
    const state = stateWith(1);
    expect(state.providerNames()).toEqual(['alpha', 'beta']);
    expect(state.find('alpha')!.settings).toEqual(fakeProvider('alpha').defaults);
    expect(state.find('nope')).toBeUndefined();
  });

  it('fails the same calls for the same seed, at about the configured rate', () => {
    const a = stateWith(7);
    const b = stateWith(7);
    a.find('alpha')!.update({ ...a.find('alpha')!.settings, error_rate: 0.3 });
    b.find('alpha')!.update({ ...b.find('alpha')!.settings, error_rate: 0.3 });
    const first = draws(a, 'alpha', 1000);
    expect(draws(b, 'alpha', 1000)).toEqual(first);
    const failures = first.filter(Boolean).length;
    expect(failures).toBeGreaterThan(250);
    expect(failures).toBeLessThan(350);
  });

  it('charges credits exactly, never below zero, and never a provider without credits', () => {
    const state = stateWith(1);
    const alpha = state.find('alpha')!;
    alpha.charge(3);
    alpha.charge(0);
    expect(alpha.settings.credits).toBe(97);
    alpha.charge(500);
    expect(alpha.settings.credits).toBe(0);
    alpha.update({ ...alpha.settings, credits: null });
    alpha.charge(1);
    expect(alpha.settings.credits).toBeNull();
  });

  it('fails every call at error_rate 1 and none at 0', () => {
    const state = stateWith(3);
    expect(draws(state, 'alpha', 50).some(Boolean)).toBe(false);
    state.find('alpha')!.update({ ...state.find('alpha')!.settings, error_rate: 1 });
    expect(draws(state, 'alpha', 50).every(Boolean)).toBe(true);
  });

  it('closes every connection at reset_rate 1 and none at 0, without changing which calls fail', () => {
    const plain = stateWith(3);
    const state = stateWith(3);
    const alpha = state.find('alpha')!;
    expect(Array.from({ length: 50 }, () => alpha.drawReset()).some(Boolean)).toBe(false);
    for (const runtime of [plain.find('alpha')!, alpha]) {
      runtime.update({ ...runtime.settings, error_rate: 0.5 });
    }
    alpha.update({ ...alpha.settings, reset_rate: 1 });
    const failures: boolean[] = [];
    for (let i = 0; i < 50; i++) {
      failures.push(alpha.drawFailure());
      expect(alpha.drawReset()).toBe(true);
    }
    expect(failures).toEqual(draws(plain, 'alpha', 50));
  });

  it('gives each provider its own failure stream', () => {
    const state = stateWith(11);
    for (const name of ['alpha', 'beta']) {
      state.find(name)!.update({ ...state.find(name)!.settings, error_rate: 0.5 });
    }
    expect(draws(state, 'alpha', 64)).not.toEqual(draws(state, 'beta', 64));
  });

  it('reset() restores defaults, clears counters and windows, and rewinds the failure stream', () => {
    const state = stateWith(5);
    const alpha = state.find('alpha')!;
    alpha.update({ ...alpha.settings, error_rate: 0.5, outage: true });
    const before = draws(state, 'alpha', 20);
    alpha.calls.record('GET /x');
    alpha.rateWindows.take('k', { limit: 1, window_seconds: 60 }, 0);
    state.reset();
    expect(alpha.settings).toEqual(fakeProvider('alpha').defaults);
    expect(alpha.calls.snapshot()).toEqual({
      total: 0,
      by_endpoint: {},
      recent: [],
      by_credential: {},
      rate_limited: {},
    });
    expect(alpha.rateWindows.take('k', { limit: 1, window_seconds: 60 }, 0).allowed).toBe(true);
    alpha.update({ ...alpha.settings, error_rate: 0.5 });
    expect(draws(state, 'alpha', 20)).toEqual(before);
  });

  it('starts rate windows afresh when the limit changes, and keeps them when it does not', () => {
    const state = stateWith(1);
    const alpha = state.find('alpha')!;
    const limit = { limit: 1, window_seconds: 60 };
    alpha.update({ ...alpha.settings, rate_limit: limit });
    alpha.rateWindows.take('k', limit, 0);
    alpha.update({ ...alpha.settings, latency_ms: 5 });
    expect(alpha.rateWindows.take('k', limit, 0).allowed).toBe(false);
    alpha.update({ ...alpha.settings, rate_limit: { limit: 1, window_seconds: 30 } });
    expect(alpha.rateWindows.take('k', limit, 0).allowed).toBe(true);
  });

  it('does not let a caller mutate the defaults through the live settings', () => {
    const state = stateWith(1);
    state.find('alpha')!.settings.rate_limit!.limit = 999;
    state.reset();
    expect(state.find('alpha')!.settings.rate_limit).toEqual({ limit: 2, window_seconds: 60 });
  });

  it('copies per-API windows too, so neither the defaults nor a view share them', () => {
    const perApi = { search: [{ limit: 5, window_seconds: 60 }] };
    const limit = { limit: 10, window_seconds: 1, per_api: perApi };
    const copy = cloneRateLimit(limit)!;
    expect(copy).toEqual(limit);
    copy.per_api!.search[0].limit = 1;
    expect(perApi.search[0].limit).toBe(5);
    expect(cloneRateLimit(null)).toBeNull();
    expect(cloneRateLimit({ limit: 1, window_seconds: 2 })).toEqual({ limit: 1, window_seconds: 2 });
  });
});
