import { IsBoolean, IsIn, IsInt, IsNumber, Max, Min } from 'class-validator';
import { CONFIG_PROVIDER_NAMES, isProviderName } from './provider-names';
import { Satisfies, Setting } from './setting';

const DURATION_MS = { min: 1, max: 7 * 24 * 3_600_000 };
const TTL_S = { min: 1, max: 365 * 24 * 3600 };

/** One provider's overrides of its built-in defaults (`PROVIDER_OVERRIDES`). */
export interface ProviderOverride {
  enabled?: boolean;
  /** Lower goes first in `priority` ordering. */
  priority?: number;
  /** Replaces the provider's published limits. */
  /** How often a task waiting at this provider is polled (ms); ASYNC_POLL_INTERVAL_MS when absent. */
  pollIntervalMs?: number;
  /**
   * `tier`: the rule counts (and limits) only calls made for workspaces of that tier; `operations`:
   * only calls of those operations of the provider (checked against the provider's when the
   * services that run providers start).
   */
  rateLimits?: {
    name: string;
    limit: number;
    windowMs: number;
    tier?: 'free' | 'pro' | 'enterprise';
    operations?: string[];
  }[];
  minimumTier?: 'free' | 'pro' | 'enterprise';
}

const OVERRIDE_KEYS = ['enabled', 'priority', 'rateLimits', 'minimumTier', 'pollIntervalMs'];
const RULE_KEYS = ['name', 'limit', 'windowMs', 'tier', 'operations'];

/**
 * The longest window and the largest limit of a rule. Past a window of about 1e14 ms the limiter's
 * expiry in Redis is out of range and every call of the provider fails; a year covers any real
 * provider quota (the admin API, for rules edited live, allows a week).
 */
const MAX_RULE_WINDOW_MS = 366 * 24 * 3_600_000;
const MAX_RULE_LIMIT = 1_000_000_000;

const RULE_SHAPE = `{"name": string, "limit": integer from 1 to ${MAX_RULE_LIMIT}, "windowMs": integer from 1 to ${MAX_RULE_WINDOW_MS} (366 days), "tier"?: free|pro|enterprise, "operations"?: [operation, …]}`;

/** Why a provider's `rateLimits` has the wrong shape, or null (its operations are the provider's to check). */
function rulesProblem(rules: unknown, at: string): string | null {
  if (!Array.isArray(rules)) {
    return `${at} must be a list of ${RULE_SHAPE}`;
  }
  for (const [index, raw] of rules.entries()) {
    const here = `${at}[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return `${here} must be an object ${RULE_SHAPE}`;
    }
    const rule = raw as Record<string, unknown>;
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.includes(key));
    if (unknown.length > 0) {
      return `${here} has unknown key(s) ${unknown.join(', ')}; allowed: ${RULE_KEYS.join(', ')}`;
    }
    const { name, limit, windowMs, tier, operations } = rule;
    if (
      typeof name !== 'string' ||
      !Number.isInteger(limit) ||
      (limit as number) <= 0 ||
      (limit as number) > MAX_RULE_LIMIT ||
      !Number.isInteger(windowMs) ||
      (windowMs as number) <= 0 ||
      (windowMs as number) > MAX_RULE_WINDOW_MS ||
      ![undefined, 'free', 'pro', 'enterprise'].includes(tier as string)
    ) {
      return `${here} must be ${RULE_SHAPE}`;
    }
    if (operations !== undefined) {
      if (!Array.isArray(operations) || !operations.every((operation) => typeof operation === 'string')) {
        return `${here}.operations must be a list of operation names (strings), e.g. ["lookup_person"], or left out for a rule on every call`;
      }
      if (operations.length === 0) {
        return `${here}.operations is empty: name at least one operation, or leave it out for a rule on every call`;
      }
    }
  }
  return null;
}

/** Why `PROVIDER_OVERRIDES` is unusable, or null when it is fine. */
export function providerOverridesProblem(raw: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw === '' ? '{}' : raw);
  } catch {
    return 'PROVIDER_OVERRIDES must be a JSON object, e.g. {"snov":{"enabled":false}}';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'PROVIDER_OVERRIDES must be a JSON object keyed by provider name';
  }
  for (const [provider, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isProviderName(provider)) {
      return `PROVIDER_OVERRIDES names no provider '${provider}'; providers: ${CONFIG_PROVIDER_NAMES.join(', ')}`;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `PROVIDER_OVERRIDES.${provider} must be an object`;
    }
    const entry = value as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((key) => !OVERRIDE_KEYS.includes(key));
    if (unknown.length > 0) {
      return `PROVIDER_OVERRIDES.${provider} has unknown key(s) ${unknown.join(', ')}; allowed: ${OVERRIDE_KEYS.join(', ')}`;
    }
    if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean') {
      return `PROVIDER_OVERRIDES.${provider}.enabled must be true or false`;
    }
    const poll: unknown = entry.pollIntervalMs;
    if (
      poll !== undefined &&
      !(typeof poll === 'number' && Number.isInteger(poll) && poll >= 10 && poll <= 86_400_000)
    ) {
      return `PROVIDER_OVERRIDES.${provider}.pollIntervalMs must be a whole number of milliseconds from 10 to 86400000`;
    }
    if (entry.priority !== undefined && !Number.isFinite(entry.priority)) {
      return `PROVIDER_OVERRIDES.${provider}.priority must be a number`;
    }
    if (
      entry.minimumTier !== undefined &&
      !(typeof entry.minimumTier === 'string' && ['free', 'pro', 'enterprise'].includes(entry.minimumTier))
    ) {
      return `PROVIDER_OVERRIDES.${provider}.minimumTier must be free, pro or enterprise (a standard workspace is pro, a premium one enterprise)`;
    }
    if (entry.rateLimits !== undefined) {
      const problem = rulesProblem(entry.rateLimits, `PROVIDER_OVERRIDES.${provider}.rateLimits`);
      if (problem) {
        return problem;
      }
    }
  }
  return null;
}

/** How requests become provider calls: selection, circuits, caching, credits, async waits. */
export class PipelineConfig {
  @Setting({
    env: 'PIPELINE_ORDERING',
    description:
      'Order of eligible providers in a waterfall: "priority" (configured) or "cost_per_success" (measured from the call log).',
  })
  @IsIn(['priority', 'cost_per_success'], {
    message: 'PIPELINE_ORDERING must be priority or cost_per_success',
  })
  ordering: 'priority' | 'cost_per_success' = 'priority';

  @Setting({
    env: 'PIPELINE_SEGMENT_MIN_CALLS',
    description:
      "cost_per_success ordering: calls of a provider for an operation within a segment (industry or country of the request) before that segment's figures replace the operation's.",
  })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  segmentMinCalls = 30;

  @Setting({
    env: 'PIPELINE_SEGMENT_MAX_ROWS',
    description:
      'cost_per_success ordering: most (provider, operation, segment) figures loaded from the call log, the most called first.',
  })
  @IsInt()
  @Min(0)
  @Max(100_000)
  segmentMaxRows = 5_000;

  @Setting({
    env: 'PROVIDER_OVERRIDES',
    description:
      'JSON object of per-provider overrides: {"<provider>": {"enabled", "priority", "rateLimits": [{"name","limit","windowMs","tier"?,"operations"?}], "minimumTier", "pollIntervalMs"}}; rateLimits replaces the provider\'s limits, each rule with a name of its own (its window\'s key); a rule with a tier limits only calls for workspaces of that tier (their share of the provider), one with operations only calls of those operations (e.g. ["lookup_person","find_work_email","find_phone"] for RocketReach\'s person-lookup API); pollIntervalMs is how often that provider\'s waiting tasks are polled (e.g. every 15 minutes for RocketReach when its webhooks arrive).',
  })
  @Satisfies(providerOverridesProblem)
  providerOverrides = '{}';

  @Setting({
    env: 'RATE_LIMITER',
    description:
      'Where provider rate windows are counted: "redis" (shared by all replicas, and by the credit monitor\'s and the workers\' balance reads) or "memory" (one process; local development only).',
  })
  @IsIn(['redis', 'memory'], { message: 'RATE_LIMITER must be redis or memory' })
  rateLimiter: 'redis' | 'memory' = 'redis';

  @Setting({
    env: 'CIRCUIT_FAILURE_RATE',
    description: 'Failure rate (0..1) in the window that opens a circuit.',
  })
  @IsNumber()
  @Min(0.01)
  @Max(1)
  circuitFailureRate = 0.5;

  @Setting({ env: 'CIRCUIT_MINIMUM_CALLS', description: 'Calls in the window before a circuit may open.' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  circuitMinimumCalls = 5;

  @Setting({ env: 'CIRCUIT_WINDOW_MS', description: 'Window over which a circuit counts failures.' })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  circuitWindowMs = 60_000;

  @Setting({
    env: 'CIRCUIT_COOL_DOWN_MS',
    description: 'How long an open circuit waits before one probe call.',
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  circuitCoolDownMs = 30_000;

  @Setting({ env: 'CACHE_TTL_PERSON_S', description: 'Redis cache lifetime of person lookups (seconds).' })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlPersonS = 24 * 3600;

  @Setting({ env: 'CACHE_TTL_COMPANY_S', description: 'Redis cache lifetime of company lookups (seconds).' })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlCompanyS = 7 * 24 * 3600;

  @Setting({ env: 'CACHE_TTL_SEARCH_S', description: 'Redis cache lifetime of searches (seconds).' })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlSearchS = 3600;

  @Setting({ env: 'CACHE_TTL_BULK_S', description: 'Redis cache lifetime of bulk results (seconds).' })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlBulkS = 30 * 24 * 3600;

  @Setting({
    env: 'CACHE_TTL_CATCH_ALL_S',
    description:
      'How long a domain seen accepting every address (catch-all) is remembered, so e-mail searches there that would be refused are not paid for (seconds).',
  })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlCatchAllS = 30 * 24 * 3600;

  @Setting({
    env: 'CACHE_TTL_ACCOUNT_S',
    description: 'Redis cache lifetime of account/balance answers (seconds).',
  })
  @IsInt()
  @Min(TTL_S.min)
  @Max(TTL_S.max)
  cacheTtlAccountS = 300;

  @Setting({
    env: 'STORE_FRESH_DAYS',
    description: 'Age up to which a stored (PostgreSQL) result answers a request without a provider call.',
  })
  @IsInt()
  @Min(0)
  @Max(3650)
  storeFreshDays = 90;

  @Setting({
    env: 'CREDIT_SYNC_INTERVAL_MS',
    description:
      "How often the worker reads balances of providers paused for credits (and resumes them when credits are back). Each read takes a slot in the provider's rate window, waiting at most a quarter of this interval (a minute at most) for one, else skipped until the next.",
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  creditSyncIntervalMs = 60_000;

  @Setting({
    env: 'CREDIT_PROBE_AFTER_MS',
    description:
      'For providers without a balance endpoint: how long a credit pause lasts before calls are tried again.',
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  creditProbeAfterMs = 15 * 60_000;

  @Setting({
    env: 'STEP_TIMEOUT_MS',
    description: 'Longest one provider step may run before it counts as a timeout.',
  })
  @IsInt()
  @Min(100)
  @Max(600_000)
  stepTimeoutMs = 30_000;

  @Setting({
    env: 'ASYNC_POLL_INTERVAL_MS',
    description: 'How often a step waiting for asynchronous provider work asks for its result.',
  })
  @IsInt()
  @Min(10)
  @Max(DURATION_MS.max)
  asyncPollIntervalMs = 5000;

  @Setting({
    env: 'ASYNC_CALLBACK_POLL_INTERVAL_MS',
    description:
      "How often a step waiting for asynchronous work asks for its result when the provider was given a callback URL (WEBHOOK_PUBLIC_URL; Snov.io, Nimbus Lookup): the callback wakes the step at once, so these polls only catch a callback that never comes, and each is a call the provider counts against its rate limit. Never more often than the provider's poll interval.",
  })
  @IsInt()
  @Min(10)
  @Max(DURATION_MS.max)
  asyncCallbackPollIntervalMs = 60_000;

  @Setting({
    env: 'PROVIDER_SETTINGS_RELOAD_MS',
    description:
      'How often each worker re-reads the provider settings operators store through the admin API (a safety net: a change is also announced over Redis and applied at once).',
  })
  @IsInt()
  @Min(1000)
  @Max(DURATION_MS.max)
  providerSettingsReloadMs = 30_000;

  @Setting({
    env: 'ASYNC_DEADLINE_MS',
    description: 'How long a step waits for asynchronous provider work before it fails as a timeout.',
  })
  @IsInt()
  @Min(100)
  @Max(DURATION_MS.max)
  asyncDeadlineMs = 15 * 60_000;

  @Setting({
    env: 'JOB_LOCK_DURATION_MS',
    description: 'BullMQ job lock; a job whose worker died is taken up again after it expires.',
  })
  @IsInt()
  @Min(1000)
  @Max(600_000)
  jobLockDurationMs = 30_000;

  @Setting({ env: 'JOB_STALLED_INTERVAL_MS', description: 'How often workers look for stalled jobs.' })
  @IsInt()
  @Min(1000)
  @Max(600_000)
  jobStalledIntervalMs = 30_000;

  @Setting({
    env: 'WAIT_FOR_CREDITS_DEFAULT',
    description:
      'Whether requests wait for a provider paused for credits (true) or fall through to the next provider (false), unless they say.',
  })
  @IsBoolean()
  waitForCreditsDefault = false;

  /** PROVIDER_OVERRIDES, parsed (validated at load). */
  get overrides(): Record<string, ProviderOverride> {
    return JSON.parse(this.providerOverrides === '' ? '{}' : this.providerOverrides) as Record<
      string,
      ProviderOverride
    >;
  }
}
