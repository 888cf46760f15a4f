import type { CountedWindow } from '../state/rate-windows';
import type { RateLimitSetting, SimulatedProvider } from './simulated-provider';

/** A window a key's calls are counted in, and which API's budget it is (`null`: every endpoint's). */
export interface KeyedWindow extends CountedWindow {
  api: string | null;
}

/** The API an endpoint counts against, for a provider that budgets each API on its own. */
export function rateLimitedApiOf(provider: SimulatedProvider, endpoint: string): string | null {
  for (const [api, endpoints] of Object.entries(provider.rateLimitedApis ?? {})) {
    if (endpoints.includes(endpoint)) {
      return api;
    }
  }
  return null;
}

/**
 * Every window the calls made with `credential` are counted in: the provider-wide one, then each
 * API's (every window per key: a key's budgets never mix with another key's).
 */
export function windowsOfKey(credential: string, setting: RateLimitSetting): KeyedWindow[] {
  const windows: KeyedWindow[] = [
    { key: credential, api: null, limit: { limit: setting.limit, window_seconds: setting.window_seconds } },
  ];
  for (const [api, limits] of Object.entries(setting.per_api ?? {})) {
    limits.forEach((limit, index) => windows.push({ key: `${credential}\n${api}\n${index}`, api, limit }));
  }
  return windows;
}

/** The windows one call counts in: the provider-wide one and its API's, if it has one. */
export function windowsForCall(
  provider: SimulatedProvider,
  endpoint: string,
  credential: string,
  setting: RateLimitSetting,
): KeyedWindow[] {
  const api = rateLimitedApiOf(provider, endpoint);
  return windowsOfKey(credential, setting).filter((window) => window.api === null || window.api === api);
}
