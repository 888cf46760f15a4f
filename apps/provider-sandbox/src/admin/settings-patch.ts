import { parseAnswerFault } from '../simulation/answer-faults';
import {
  SETTING_NAMES,
  type ProviderSettings,
  type RateLimitSetting,
  type RateWindowSetting,
  type SimulatedProvider,
} from '../simulation/simulated-provider';

/** Longer delays would outlast any client timeout worth simulating. */
export const MAX_LATENCY_MS = 300_000;
export const MAX_WINDOW_SECONDS = 86_400;

export type PatchResult = { settings: ProviderSettings } | { problems: string[] };

/**
 * Applies a `PATCH /_sandbox/providers/:name` body to a provider's settings, or says what is wrong
 * with it, naming each field. Hand-written rather than a class-validator DTO because the rules depend
 * on the provider (only credit-selling providers take a number of credits) and on the current
 * settings (`rate_limit` may be patched in part).
 */
export function applySettingsPatch(
  provider: SimulatedProvider,
  current: ProviderSettings,
  body: unknown,
): PatchResult {
  if (!isPlainObject(body)) {
    return {
      problems: [
        `the body must be a JSON object with any of: ${SETTING_NAMES.join(', ')} (got ${describe(body)})`,
      ],
    };
  }
  const problems: string[] = [];
  const next: ProviderSettings = { ...current };
  for (const [field, value] of Object.entries(body)) {
    switch (field) {
      case 'credits':
        if (!provider.usesCredits) {
          if (value !== null) {
            problems.push(
              `credits must be null: ${provider.name} charges no credits (got ${describe(value)})`,
            );
          }
        } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          problems.push(`credits must be a number of at least 0 (got ${describe(value)})`);
        } else {
          next.credits = value;
        }
        break;
      case 'latency_ms':
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_LATENCY_MS) {
          problems.push(
            `latency_ms must be a whole number of milliseconds from 0 to ${MAX_LATENCY_MS} (got ${describe(value)})`,
          );
        } else {
          next.latency_ms = value as number;
        }
        break;
      case 'task_delay_ms':
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_LATENCY_MS) {
          problems.push(
            `task_delay_ms must be a whole number of milliseconds from 0 to ${MAX_LATENCY_MS} (got ${describe(value)})`,
          );
        } else {
          next.task_delay_ms = value as number;
        }
        break;
      case 'error_rate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
          problems.push(`error_rate must be a number from 0 to 1 (got ${describe(value)})`);
        } else {
          next.error_rate = value;
        }
        break;
      case 'reset_rate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
          problems.push(`reset_rate must be a number from 0 to 1 (got ${describe(value)})`);
        } else {
          next.reset_rate = value;
        }
        break;
      case 'outage':
        if (typeof value !== 'boolean') {
          problems.push(`outage must be true or false (got ${describe(value)})`);
        } else {
          next.outage = value;
        }
        break;
      case 'unlimited_credits':
        if (!provider.sellsUnlimitedPlans) {
          problems.push(
            `unlimited_credits is only for providers that sell unlimited plans (rocketreach): ${provider.name} sells none`,
          );
        } else if (typeof value !== 'boolean') {
          problems.push(`unlimited_credits must be true or false (got ${describe(value)})`);
        } else {
          next.unlimited_credits = value;
        }
        break;
      case 'answer_fault': {
        const result = parseAnswerFault(value);
        if ('problem' in result) {
          problems.push(result.problem);
        } else {
          next.answer_fault = result.fault;
        }
        break;
      }
      case 'rate_limit': {
        const result = patchRateLimit(provider, current.rate_limit, value);
        if ('problems' in result) {
          problems.push(...result.problems);
        } else {
          next.rate_limit = result.rateLimit;
        }
        break;
      }
      default:
        problems.push(`unknown field '${field}'; allowed: ${SETTING_NAMES.join(', ')}`);
    }
  }
  return problems.length > 0 ? { problems } : { settings: next };
}

/** At most this many windows per API (RocketReach's minute, hour and day budgets, and one more). */
export const MAX_WINDOWS_PER_API = 4;

/** What `rate_limit` takes for this provider, for the messages. */
function rateLimitShape(provider: SimulatedProvider): string {
  return provider.rateLimitedApis
    ? '{"limit": n, "window_seconds": n, "per_api": {"<api>": [{"limit": n, "window_seconds": n}, ...]}}'
    : '{"limit": n, "window_seconds": n}';
}

/**
 * A `rate_limit` patch: `null` removes every limit; an object amends the current one field by field
 * (`limit` and `window_seconds`: the limit across every endpoint; `per_api`, for a provider that
 * budgets each API on its own: the windows of each API it names, replacing that API's, `[]` for none).
 */
function patchRateLimit(
  provider: SimulatedProvider,
  current: RateLimitSetting | null,
  value: unknown,
): { rateLimit: RateLimitSetting | null } | { problems: string[] } {
  if (value === null) {
    return { rateLimit: null };
  }
  if (!isPlainObject(value)) {
    return {
      problems: [`rate_limit must be an object ${rateLimitShape(provider)} or null (got ${describe(value)})`],
    };
  }
  const problems: string[] = [];
  const next: Partial<RateLimitSetting> = { ...current };
  for (const [field, raw] of Object.entries(value)) {
    if (field === 'limit' || field === 'window_seconds') {
      const checked = checkWindowField(`rate_limit.${field}`, field, raw);
      if (typeof checked === 'string') {
        problems.push(checked);
      } else {
        next[field] = checked;
      }
    } else if (field === 'per_api' && provider.rateLimitedApis) {
      const perApi = patchPerApi(provider.rateLimitedApis, current?.per_api ?? {}, raw);
      if ('problems' in perApi) {
        problems.push(...perApi.problems);
      } else {
        next.per_api = perApi.perApi;
      }
    } else {
      const allowed = ['rate_limit.limit', 'rate_limit.window_seconds'];
      if (provider.rateLimitedApis) {
        allowed.push('rate_limit.per_api');
      }
      problems.push(`unknown field 'rate_limit.${field}'; allowed: ${allowed.join(', ')}`);
    }
  }
  if (problems.length > 0) {
    return { problems };
  }
  if (next.limit === undefined || next.window_seconds === undefined) {
    return {
      problems: [
        `rate_limit needs both limit and window_seconds: ${provider.name} has no rate limit to amend`,
      ],
    };
  }
  return {
    rateLimit: {
      limit: next.limit,
      window_seconds: next.window_seconds,
      ...(next.per_api ? { per_api: next.per_api } : {}),
    },
  };
}

/** `rate_limit.per_api`: the APIs it names get the windows given; the others keep theirs. */
function patchPerApi(
  apis: Readonly<Record<string, readonly string[]>>,
  current: Record<string, RateWindowSetting[]>,
  value: unknown,
): { perApi: Record<string, RateWindowSetting[]> } | { problems: string[] } {
  const names = Object.keys(apis);
  if (!isPlainObject(value)) {
    return {
      problems: [
        `rate_limit.per_api must be an object of windows per API, e.g. {"${names[0]}": [{"limit": 100, "window_seconds": 60}]} (got ${describe(value)})`,
      ],
    };
  }
  const problems: string[] = [];
  const next: Record<string, RateWindowSetting[]> = { ...current };
  for (const [api, windows] of Object.entries(value)) {
    const at = `rate_limit.per_api.${api}`;
    if (!names.includes(api)) {
      problems.push(
        `unknown API '${api}' in rate_limit.per_api; APIs with budgets of their own: ${names.join(', ')}`,
      );
      continue;
    }
    if (!Array.isArray(windows) || windows.length > MAX_WINDOWS_PER_API) {
      problems.push(
        `${at} must be a list of at most ${MAX_WINDOWS_PER_API} windows {"limit": n, "window_seconds": n}, [] for no budget of its own (got ${describe(windows)})`,
      );
      continue;
    }
    const parsed: RateWindowSetting[] = [];
    windows.forEach((window: unknown, index) => {
      const where = `${at}[${index}]`;
      if (!isPlainObject(window)) {
        problems.push(
          `${where} must be an object {"limit": n, "window_seconds": n} (got ${describe(window)})`,
        );
        return;
      }
      const unknown = Object.keys(window).filter((field) => field !== 'limit' && field !== 'window_seconds');
      if (unknown.length > 0) {
        problems.push(`unknown field '${where}.${unknown[0]}'; allowed: limit, window_seconds`);
        return;
      }
      if (window.limit === undefined || window.window_seconds === undefined) {
        problems.push(`${where} needs both limit and window_seconds (got ${describe(window)})`);
        return;
      }
      const limit = checkWindowField(`${where}.limit`, 'limit', window.limit);
      const seconds = checkWindowField(`${where}.window_seconds`, 'window_seconds', window.window_seconds);
      for (const checked of [limit, seconds]) {
        if (typeof checked === 'string') {
          problems.push(checked);
        }
      }
      if (typeof limit === 'number' && typeof seconds === 'number') {
        parsed.push({ limit, window_seconds: seconds });
      }
    });
    next[api] = parsed;
  }
  return problems.length > 0 ? { problems } : { perApi: next };
}

/** A window's `limit` or `window_seconds`, or what is wrong with it (`name` as the message shows it). */
function checkWindowField(name: string, field: 'limit' | 'window_seconds', raw: unknown): number | string {
  if (field === 'limit') {
    return Number.isInteger(raw) && (raw as number) >= 1
      ? (raw as number)
      : `${name} must be a whole number of at least 1 (got ${describe(raw)})`;
  }
  return Number.isInteger(raw) && (raw as number) >= 1 && (raw as number) <= MAX_WINDOW_SECONDS
    ? (raw as number)
    : `${name} must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS} (got ${describe(raw)})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'no JSON body; send one with Content-Type: application/json';
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
