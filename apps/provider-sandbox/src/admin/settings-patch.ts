import {
  SETTING_NAMES,
  type ProviderSettings,
  type RateLimitSetting,
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
      case 'outage':
        if (typeof value !== 'boolean') {
          problems.push(`outage must be true or false (got ${describe(value)})`);
        } else {
          next.outage = value;
        }
        break;
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
      problems: [
        `rate_limit must be an object {"limit": n, "window_seconds": n} or null (got ${describe(value)})`,
      ],
    };
  }
  const problems: string[] = [];
  const next: Partial<RateLimitSetting> = { ...current };
  for (const [field, raw] of Object.entries(value)) {
    if (field === 'limit') {
      if (!Number.isInteger(raw) || (raw as number) < 1) {
        problems.push(`rate_limit.limit must be a whole number of at least 1 (got ${describe(raw)})`);
      } else {
        next.limit = raw as number;
      }
    } else if (field === 'window_seconds') {
      if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > MAX_WINDOW_SECONDS) {
        problems.push(
          `rate_limit.window_seconds must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS} (got ${describe(raw)})`,
        );
      } else {
        next.window_seconds = raw as number;
      }
    } else {
      problems.push(
        `unknown field 'rate_limit.${field}'; allowed: rate_limit.limit, rate_limit.window_seconds`,
      );
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
  return { rateLimit: { limit: next.limit, window_seconds: next.window_seconds } };
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
