import { ASTRA_DIALER_DEFAULTS } from '../phones/astra-dialer';
import { NIMBUS_LOOKUP_DEFAULTS } from '../phones/nimbus-lookup';
import { ORION_CONNECT_DEFAULTS } from '../phones/orion-connect';
import type { PhoneProviderConfig } from '../phones/phone-provider';
import type { Capability } from '../port';
import { descriptorOf } from '../registry';
import { rocketReachDefaultRateLimits } from '../rocketreach/rate-limits';

/**
 * How provider tiers meet workspace tiers (`providerTierOf` in libs/enrichment): said with each
 * tier's refusal, since workspaces are created as free, standard or premium.
 */
const TIER_NAMES = 'a standard workspace is pro, a premium one enterprise';

/**
 * A provider's operational settings in three layers: the built-in defaults, the deployment's
 * environment (PROVIDER_OVERRIDES, ASYNC_POLL_INTERVAL_MS) and the operators' overrides stored in
 * the `provider_settings` table (edited through the admin API, applied by running workers live).
 * Each layer overrides the one below field by field.
 */

export type SettingsTier = 'free' | 'pro' | 'enterprise';
export const SETTINGS_TIERS: readonly SettingsTier[] = ['free', 'pro', 'enterprise'];

export interface SettingsRateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
  /** The rule counts (and limits) only calls made for workspaces of that tier. */
  tier?: SettingsTier;
  /**
   * The rule counts (and limits) only calls of these operations (the provider's capabilities, as
   * the pipeline calls them), e.g. the ones that reach one API of a provider that limits each API
   * on its own. Absent: every call of the provider.
   */
  operations?: Capability[];
}

/** The fields an operator may override, as the pipeline reads them. */
export interface OverridableSettings {
  enabled: boolean;
  /** Lower goes first in `priority` ordering. */
  priority: number;
  minimumTier: SettingsTier | null;
  /** Without any safety margin: as configured. */
  rateLimits: SettingsRateLimitRule[];
  /** How often a task waiting at this provider is polled (ms). */
  pollIntervalMs: number;
  /**
   * Balances (credits) at or below which the credit monitor warns / alerts critically. Read by the
   * credit monitor at each balance check (not by workers); null where the layer does not know them.
   */
  creditWarning: number | null;
  creditCritical: number | null;
  /**
   * What one call of each capability costs: the published prices (the provider's descriptor) with
   * an operator's per-capability changes on top, for when a provider changes its prices or a
   * contract has its own. Reservations, the max_credits check, cost ordering, pausing and what the
   * ledger charges all follow it.
   */
  costs: CostTable;
}

/** A capability's price as the settings hold it. */
export interface SettingsCost {
  /** Credits one call takes. */
  credits: number;
  /** Whether a call that finds nothing is charged too. */
  chargedOnMiss: boolean;
}

export type CostTable = Partial<Record<Capability, SettingsCost>>;

export type SettingsField = keyof OverridableSettings;
export const SETTINGS_FIELDS: readonly SettingsField[] = [
  'enabled',
  'priority',
  'minimumTier',
  'rateLimits',
  'pollIntervalMs',
  'creditWarning',
  'creditCritical',
  'costs',
];

/**
 * One stored override row's fields: absent means "the environment's value". `costs` holds only the
 * capabilities an operator changed (each merged over its published price).
 */
export type StoredOverrides = Partial<Omit<OverridableSettings, 'costs'>> & {
  costs?: Partial<Record<Capability, Partial<SettingsCost>>>;
};

/** The environment layer (PROVIDER_OVERRIDES' entry for one provider). */
export interface EnvOverride {
  enabled?: boolean;
  priority?: number;
  /** As configured: `operations` are checked against the provider's ({@link environmentRulesProblem}). */
  rateLimits?: (Omit<SettingsRateLimitRule, 'operations'> & { operations?: string[] })[];
  minimumTier?: SettingsTier;
  pollIntervalMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const PHONE_DEFAULTS: Record<string, PhoneProviderConfig> = {
  'orion-connect': ORION_CONNECT_DEFAULTS,
  'astra-dialer': ASTRA_DIALER_DEFAULTS,
  'nimbus-lookup': NIMBUS_LOOKUP_DEFAULTS,
};

/**
 * Published limits (see provider-apis.md): Companies House 600 per 5 minutes per key; Snov.io 60 per
 * minute; RocketReach per plan and per API (Custom: person lookups 250/min, 2,500/hour,
 * 10,000/day, person and company searches 100/min, 1,000/hour, 10,000/day each, 10/s across all;
 * see rocketreach/rate-limits.ts); Apollo per endpoint per team (600/hour for people match); phone
 * providers per hour as configured. Serper and the self-hosted verifier publish none. Each rule's
 * name is its window's key in the limiter: unique within a provider.
 */
export function defaultRateLimits(name: string): SettingsRateLimitRule[] {
  switch (name) {
    case 'companies-house':
      return [{ name: '5min', limit: 600, windowMs: 5 * MINUTE }];
    case 'snov':
      return [{ name: 'minute', limit: 60, windowMs: MINUTE }];
    case 'rocketreach':
      return rocketReachDefaultRateLimits();
    case 'apollo':
      return [{ name: 'hour', limit: 600, windowMs: HOUR }];
    case 'orion-connect':
    case 'astra-dialer':
    case 'nimbus-lookup':
      return [{ name: 'hour', limit: PHONE_DEFAULTS[name]?.hourlyLimit ?? 100, windowMs: HOUR }];
    default:
      return [];
  }
}

/** Default waterfall order within a capability: cheapest and broadest first. */
const DEFAULT_PRIORITY: Record<string, number> = {
  'companies-house': 0,
  snov: 1,
  apollo: 2,
  rocketreach: 3,
  serper: 1,
  'orion-connect': ORION_CONNECT_DEFAULTS.priority,
  'astra-dialer': ASTRA_DIALER_DEFAULTS.priority,
  'nimbus-lookup': NIMBUS_LOOKUP_DEFAULTS.priority,
  'email-verifier': 1,
};

/** The capabilities of a provider whose price an operator may change (the balance check is always free). */
export function pricedCapabilities(name: string): Capability[] {
  return Object.keys(descriptorOf(name)?.capabilities ?? {}).filter(
    (capability): capability is Capability => capability !== 'check_credits',
  );
}

/** The provider's published prices (its descriptor). */
export function publishedCosts(name: string): CostTable {
  const table: CostTable = {};
  const capabilities = descriptorOf(name)?.capabilities ?? {};
  for (const capability of pricedCapabilities(name)) {
    const cost = capabilities[capability];
    if (cost) {
      table[capability] = { credits: cost.credits, chargedOnMiss: cost.chargedOnMiss };
    }
  }
  return table;
}

/** The built-in defaults overlaid with the environment: what a provider runs with when no row overrides it. */
export function environmentSettings(
  name: string,
  env: EnvOverride | undefined,
  asyncPollIntervalMs: number,
  /** The credit monitor's thresholds from CREDIT_POLICIES, where the caller knows them. */
  credit?: { warning: number; critical: number },
): OverridableSettings {
  const override = env ?? {};
  const problem = override.rateLimits ? environmentRulesProblem(name, override.rateLimits) : null;
  if (problem) {
    throw new Error(problem);
  }
  const phone = PHONE_DEFAULTS[name];
  return {
    enabled: override.enabled ?? phone?.enabled ?? true,
    priority: override.priority ?? DEFAULT_PRIORITY[name] ?? 1,
    minimumTier: override.minimumTier ?? phone?.minimumTier ?? null,
    // Checked above: every operation named is one of the provider's.
    rateLimits: (override.rateLimits as SettingsRateLimitRule[] | undefined) ?? defaultRateLimits(name),
    pollIntervalMs: override.pollIntervalMs ?? asyncPollIntervalMs,
    creditWarning: credit?.warning ?? null,
    creditCritical: credit?.critical ?? null,
    costs: publishedCosts(name),
  };
}

/**
 * The operations a provider's rate-limit rule may name: the capabilities its descriptor lists
 * (`check_credits` included: a balance check is a call the provider counts too).
 */
export function rateLimitedOperations(name: string): Capability[] {
  return Object.keys(descriptorOf(name)?.capabilities ?? {}) as Capability[];
}

/**
 * Why PROVIDER_OVERRIDES' rules for `name` cannot be used, or null. The configuration checks their
 * shape at start-up; what only the provider knows (its operations) is checked here, also at
 * start-up, since every service that runs providers builds their settings when it starts.
 */
export function environmentRulesProblem(
  name: string,
  rules: NonNullable<EnvOverride['rateLimits']>,
): string | null {
  const known = rateLimitedOperations(name);
  const names = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    const at = `PROVIDER_OVERRIDES.${name}.rateLimits[${index}]`;
    if (names.has(rule.name)) {
      return `${at}.name '${rule.name}' is used twice: each rule counts in a window of its own, keyed by its name; give every rule of ${name} its own name`;
    }
    names.add(rule.name);
    const problem = operationsProblem(rule.operations, name, known, `${at}.operations`);
    if (problem) {
      return problem;
    }
  }
  return null;
}

/** Why a rule's `operations` is unusable for provider `name` (whose operations are `known`), or null. */
function operationsProblem(
  operations: unknown,
  name: string,
  known: readonly string[],
  at: string,
): string | null {
  if (operations === undefined) {
    return null;
  }
  const choices = `operations of ${name}: ${known.join(', ')}`;
  if (!Array.isArray(operations)) {
    return `${at} must be a list of operation names (${choices}), or left out for a rule on every call`;
  }
  if (operations.length === 0) {
    return `${at} is empty: name at least one operation (${choices}), or leave it out for a rule on every call`;
  }
  for (const [index, operation] of operations.entries()) {
    if (typeof operation !== 'string') {
      return `${at}[${index}] must be a string naming an operation (${choices})`;
    }
    if (!known.includes(operation)) {
      return `${at}[${index}]: ${name} has no operation '${operation}'; ${choices}`;
    }
    if (operations.indexOf(operation) !== index) {
      return `${at}[${index}]: '${operation}' is named twice`;
    }
  }
  return null;
}

/**
 * The rules a call counts against: those for every call, and those of its workspace's tier and of
 * its operation where a rule names them. A call made for no workspace (`tier` null: the credit
 * monitor's balance reads on the platform's account) is no tier's to count: only rules without a
 * tier hold it, those on every call and those of its operation.
 */
export function rulesForCall<R extends Pick<SettingsRateLimitRule, 'tier' | 'operations'>>(
  rules: readonly R[],
  tier: SettingsTier | null,
  operation: Capability,
): R[] {
  return rules.filter(
    (rule) =>
      (rule.tier === undefined || rule.tier === tier) &&
      (rule.operations === undefined || rule.operations.includes(operation)),
  );
}

/**
 * The rules a call that is no operation of its own counts against: a poll for the result of a
 * started task, a token fetch. Those on every call of the provider, and the tier's share when the
 * call is made for a workspace of `tier` (`null`: for none); never an operation's budget (RocketReach
 * counts its status checks against its 10 a second, not against its lookups).
 */
export function rulesOnEveryCall<R extends Pick<SettingsRateLimitRule, 'tier' | 'operations'>>(
  rules: readonly R[],
  tier: SettingsTier | null,
): R[] {
  return rules.filter(
    (rule) => rule.operations === undefined && (rule.tier === undefined || rule.tier === tier),
  );
}

/**
 * Our window is counted when a call leaves; the provider counts when it arrives, a few
 * milliseconds later. A window a little longer than the provider's (1 %, at least 100 ms, at most
 * 1 s) keeps a call freed at the very edge of our window from landing inside the provider's.
 */
export function withSafetyMargin<T extends { windowMs: number }>(rule: T): T {
  const margin = Math.min(1000, Math.max(100, Math.round(rule.windowMs * 0.01)));
  return { ...rule, windowMs: rule.windowMs + margin };
}

/**
 * The rules a read of the provider's balance counts against, with the safety margin: a balance read
 * is a call the provider counts like any other (RocketReach's account read against its 10 requests
 * a second across all APIs, Snov.io's against its 60 a minute), made on the platform's account for
 * no workspace, as the operation `check_credits`. It counts against the rules on every call and
 * those naming `check_credits`, never a tier's share nor other operations' budgets. `rules` are the
 * provider's merged settings' (before the margin). One selection for every app that reads a
 * balance (the credit monitor's checks, the workers' credit sync), so that they take their slots in
 * the same windows under the same rules.
 */
export function balanceReadRules(
  rules: readonly SettingsRateLimitRule[],
): Pick<SettingsRateLimitRule, 'name' | 'limit' | 'windowMs'>[] {
  return rulesForCall(rules.map(withSafetyMargin), null, 'check_credits').map(
    ({ name, limit, windowMs }) => ({ name, limit, windowMs }),
  );
}

/** The share of any rate window a balance read counts in that reads of a paused provider may take. */
const PAUSED_BALANCE_READ_SHARE = 1 / 4;
/** The default credit sync's interval: a paused provider is read at least as often as that sync reads it. */
const PAUSED_BALANCE_READ_SPACING_MAX_MS = 60_000;

/**
 * The least time between two reads of a paused provider's balance: at most a quarter of each window
 * a read counts in (Snov.io's 60 a minute, less the safety margin: one read every 4.5 s or so). The
 * credit sync reads a paused provider tick after tick, and nothing else used its window meanwhile: a
 * sync faster than that would fill the window, and the work resumed on a top-up would then wait for
 * it to free, up to a whole window. A minute at most, as often as the default sync reads: a daily
 * limit's quarter would leave a paused provider unread for hours.
 */
export function pausedBalanceReadSpacingMs(rules: readonly SettingsRateLimitRule[]): number {
  const gaps = balanceReadRules(rules).map((rule) =>
    Math.ceil(rule.windowMs / (Math.max(1, rule.limit) * PAUSED_BALANCE_READ_SHARE)),
  );
  return Math.min(PAUSED_BALANCE_READ_SPACING_MAX_MS, Math.max(0, ...gaps));
}

/**
 * The rules of each call a balance read makes on the platform's account, in order: a token fetch
 * for each of `callsBefore` (Snov.io's; a call of no operation for no workspace, see
 * `rulesOnEveryCall`), then the read itself (`balanceReadRules`), all with the safety margin. One
 * selection for the credit monitor and the workers, as `balanceReadRules` is.
 */
export function balanceReadCalls(
  rules: readonly SettingsRateLimitRule[],
  callsBefore: number,
): Pick<SettingsRateLimitRule, 'name' | 'limit' | 'windowMs'>[][] {
  const tokenFetch = rulesOnEveryCall(rules.map(withSafetyMargin), null).map(({ name, limit, windowMs }) => ({
    name,
    limit,
    windowMs,
  }));
  return [...Array.from({ length: callsBefore }, () => tokenFetch), balanceReadRules(rules)];
}

/** Capability by capability: a changed price replaces only its own fields, and only for a capability listed. */
function mergeCosts(base: CostTable, changed: StoredOverrides['costs']): CostTable {
  const costs: CostTable = { ...base };
  for (const [capability, cost] of Object.entries(changed ?? {})) {
    const listed = costs[capability as Capability];
    if (listed && cost) {
      costs[capability as Capability] = { ...listed, ...cost };
    }
  }
  return costs;
}

/** The provider's prices in force: the published ones with a stored row's changes. */
export function costsInForce(name: string, stored: StoredOverrides | null | undefined): CostTable {
  return mergeCosts(publishedCosts(name), stored?.costs);
}

/** The environment's settings with a stored row's fields on top, and which fields the row supplied. */
export function mergeSettings(
  base: OverridableSettings,
  stored: StoredOverrides | null | undefined,
): { settings: OverridableSettings; fromDatabase: SettingsField[] } {
  const settings: OverridableSettings = { ...base };
  const fromDatabase: SettingsField[] = [];
  for (const field of SETTINGS_FIELDS) {
    const value = stored?.[field];
    if (value === undefined) {
      continue;
    }
    if (field === 'costs') {
      settings.costs = mergeCosts(base.costs, stored?.costs);
    } else {
      (settings as unknown as Record<string, unknown>)[field] = value;
    }
    fromDatabase.push(field);
  }
  return { settings, fromDatabase };
}

/**
 * Why the credit monitor's thresholds in force cannot both alert, or null. A balance at or below
 * `credit_critical` raises the critical alert instead of the warning, so a critical threshold above
 * the warning one would leave the warning never sent: the warning must come first, at the higher
 * balance.
 */
export function creditThresholdsProblem(
  settings: Pick<OverridableSettings, 'creditWarning' | 'creditCritical'>,
): string | null {
  const { creditWarning: warning, creditCritical: critical } = settings;
  if (warning === null || critical === null || critical <= warning) {
    return null;
  }
  return `credit_critical (${critical}) is above credit_warning (${warning}): the warning would never be sent, as a balance at or below the critical threshold alerts as critical. Set credit_critical at or below credit_warning.`;
}

/**
 * A partial update as the admin API takes it (snake_case, as every API body): a value sets the
 * field, null resets it to the environment's value, an absent field is left as it is.
 */
export type SettingsPatch = {
  [K in Exclude<SettingsField, 'costs'>]?: OverridableSettings[K] | null;
} & {
  /** Per capability: a price (fields left out keep theirs), or null for the published one again. */
  costs?: Partial<Record<Capability, Partial<SettingsCost> | null>> | null;
};

const API_FIELDS: Readonly<Record<string, SettingsField>> = {
  enabled: 'enabled',
  priority: 'priority',
  minimum_tier: 'minimumTier',
  rate_limits: 'rateLimits',
  poll_interval_ms: 'pollIntervalMs',
  credit_warning: 'creditWarning',
  credit_critical: 'creditCritical',
  costs: 'costs',
};
const RULE_KEYS = ['name', 'limit', 'window_ms', 'tier', 'operations'];
const COST_KEYS = ['credits', 'charged_on_miss'];
const MAX_CREDITS_PER_CALL = 10_000;
/** RocketReach's defaults alone take 10 (three windows for each of three APIs, and the global one). */
const MAX_RULES = 20;
const MAX_WINDOW_MS = 7 * 24 * HOUR;

/** The API's name of a field (snake_case). */
export function apiFieldOf(field: SettingsField): string {
  return Object.entries(API_FIELDS).find(([, value]) => value === field)?.[0] ?? field;
}

/**
 * Validates an admin API body; every problem is named (field and why). Hand-written rather than a
 * class-validator DTO because a field's null ("reset") and absence ("keep") mean different things
 * and unknown fields must be refused by name, not stripped.
 */
export function parseSettingsPatch(
  body: unknown,
  provider: string,
): { patch: SettingsPatch; problems: string[] } {
  const patch: SettingsPatch = {};
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { patch, problems: ['the body must be a JSON object of settings'] };
  }
  const entries = Object.entries(body as Record<string, unknown>);
  const unknown = entries.map(([key]) => key).filter((key) => !Object.hasOwn(API_FIELDS, key));
  if (unknown.length > 0) {
    problems.push(`unknown field(s) ${unknown.join(', ')}; allowed: ${Object.keys(API_FIELDS).join(', ')}`);
  }
  if (entries.length === 0) {
    problems.push(`the body names no setting; allowed: ${Object.keys(API_FIELDS).join(', ')}`);
  }
  for (const [key, value] of entries) {
    // Own keys only: `toString` or `__proto__` in a body are unknown fields, not inherited ones.
    const field = Object.hasOwn(API_FIELDS, key) ? API_FIELDS[key] : undefined;
    if (!field) {
      continue;
    }
    if (value === null) {
      patch[field] = null;
      continue;
    }
    switch (field) {
      case 'enabled':
        if (typeof value === 'boolean') {
          patch.enabled = value;
        } else {
          problems.push('enabled must be true, false or null');
        }
        break;
      case 'priority':
        if (typeof value === 'number' && Number.isInteger(value) && value >= -1000 && value <= 1000) {
          patch.priority = value;
        } else {
          problems.push('priority must be a whole number from -1000 to 1000, or null');
        }
        break;
      case 'minimumTier':
        if (typeof value === 'string' && (SETTINGS_TIERS as readonly string[]).includes(value)) {
          patch.minimumTier = value as SettingsTier;
        } else {
          problems.push(`minimum_tier must be free, pro, enterprise or null (${TIER_NAMES})`);
        }
        break;
      case 'pollIntervalMs':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 10 && value <= 86_400_000) {
          patch.pollIntervalMs = value;
        } else {
          problems.push(
            'poll_interval_ms must be a whole number of milliseconds from 10 to 86400000, or null',
          );
        }
        break;
      case 'creditWarning':
      case 'creditCritical':
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1_000_000_000) {
          patch[field] = value;
        } else {
          problems.push(`${apiFieldOf(field)} must be a number of credits from 0 to 1000000000, or null`);
        }
        break;
      case 'rateLimits': {
        const rules = parseRules(value, provider, problems);
        if (rules) {
          patch.rateLimits = rules;
        }
        break;
      }
      case 'costs': {
        const costs = parseCosts(value, provider, problems);
        if (costs) {
          patch.costs = costs;
        }
        break;
      }
    }
  }
  return { patch, problems };
}

function parseRules(value: unknown, provider: string, problems: string[]): SettingsRateLimitRule[] | null {
  if (!Array.isArray(value) || value.length > MAX_RULES) {
    problems.push(`rate_limits must be a list of at most ${MAX_RULES} rules, or null`);
    return null;
  }
  const rules: SettingsRateLimitRule[] = [];
  const seen = new Set<string>();
  const known = rateLimitedOperations(provider);
  const before = problems.length;
  value.forEach((raw: unknown, index) => {
    const at = `rate_limits[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${at} must be an object {name, limit, window_ms, tier?, operations?}`);
      return;
    }
    const rule = raw as Record<string, unknown>;
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.includes(key));
    if (unknown.length > 0) {
      problems.push(`${at} has unknown field(s) ${unknown.join(', ')}; allowed: ${RULE_KEYS.join(', ')}`);
    }
    const { name, limit, window_ms: windowMs, tier, operations } = rule;
    if (typeof name !== 'string' || !/^[a-z0-9_-]{1,40}$/i.test(name)) {
      problems.push(`${at}.name must be 1 to 40 letters, digits, - or _`);
    } else if (seen.has(name)) {
      // The limiter keys a window by the rule's name: two rules of one name would share one window.
      problems.push(
        `${at}.name '${name}' is used twice: each rule counts in a window of its own, keyed by its name; give every rule its own name`,
      );
    }
    if (typeof name === 'string') {
      seen.add(name);
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1_000_000_000) {
      problems.push(`${at}.limit must be a whole number from 1 to 1000000000`);
    }
    if (
      typeof windowMs !== 'number' ||
      !Number.isInteger(windowMs) ||
      windowMs < 1 ||
      windowMs > MAX_WINDOW_MS
    ) {
      problems.push(`${at}.window_ms must be a whole number of milliseconds from 1 to ${MAX_WINDOW_MS}`);
    }
    if (
      tier !== undefined &&
      !(typeof tier === 'string' && (SETTINGS_TIERS as readonly string[]).includes(tier))
    ) {
      problems.push(`${at}.tier must be free, pro or enterprise when given (${TIER_NAMES})`);
    }
    const operationsWrong = operationsProblem(operations, provider, known, `${at}.operations`);
    if (operationsWrong) {
      problems.push(operationsWrong);
    }
    if (problems.length === before) {
      rules.push({
        name: name as string,
        limit: limit as number,
        windowMs: windowMs as number,
        ...(tier === undefined ? {} : { tier: tier as SettingsTier }),
        ...(operations === undefined ? {} : { operations: [...(operations as Capability[])] }),
      });
    }
  });
  return problems.length === before ? rules : null;
}

function parseCosts(value: unknown, provider: string, problems: string[]): SettingsPatch['costs'] {
  const priced = pricedCapabilities(provider);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `costs must be an object of capability: {credits, charged_on_miss?} (capabilities of ${provider}: ${priced.join(', ')}), or null`,
    );
    return null;
  }
  const before = problems.length;
  const costs: NonNullable<SettingsPatch['costs']> = {};
  for (const [capability, raw] of Object.entries(value as Record<string, unknown>)) {
    const at = `costs.${capability}`;
    if (!(priced as string[]).includes(capability)) {
      problems.push(
        `${at}: ${provider} has no priced capability '${capability}'; it has ${priced.join(', ')}`,
      );
      continue;
    }
    if (raw === null) {
      costs[capability as Capability] = null;
      continue;
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${at} must be an object {credits, charged_on_miss?}, or null`);
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((key) => !COST_KEYS.includes(key));
    if (unknown.length > 0) {
      problems.push(`${at} has unknown field(s) ${unknown.join(', ')}; allowed: ${COST_KEYS.join(', ')}`);
    }
    const cost: Partial<SettingsCost> = {};
    const { credits, charged_on_miss: chargedOnMiss } = entry;
    if (credits !== undefined) {
      // The ledger keeps four decimals.
      if (
        typeof credits === 'number' &&
        Number.isFinite(credits) &&
        credits >= 0 &&
        credits <= MAX_CREDITS_PER_CALL &&
        Math.round(credits * 10_000) === credits * 10_000
      ) {
        cost.credits = credits;
      } else {
        problems.push(
          `${at}.credits must be a number from 0 to ${MAX_CREDITS_PER_CALL} with at most 4 decimals`,
        );
      }
    }
    if (chargedOnMiss !== undefined) {
      if (typeof chargedOnMiss === 'boolean') {
        cost.chargedOnMiss = chargedOnMiss;
      } else {
        problems.push(`${at}.charged_on_miss must be true or false`);
      }
    }
    if (credits === undefined && chargedOnMiss === undefined) {
      problems.push(`${at} names neither credits nor charged_on_miss`);
    }
    costs[capability as Capability] = cost;
  }
  return problems.length === before ? costs : null;
}

/** A stored row's fields after a patch: set fields replaced, null fields removed. */
export function applyPatch(stored: StoredOverrides, patch: SettingsPatch): StoredOverrides {
  const next: Record<string, unknown> = { ...stored };
  for (const field of SETTINGS_FIELDS) {
    const value = patch[field];
    if (value === null) {
      delete next[field];
    } else if (field === 'costs' && value !== undefined) {
      // Per capability: a price merges into the stored one, null drops it.
      const costs: Record<string, Partial<SettingsCost>> = { ...(stored.costs ?? {}) };
      for (const [capability, cost] of Object.entries(value as NonNullable<SettingsPatch['costs']>)) {
        if (cost === null) {
          delete costs[capability];
        } else if (cost) {
          costs[capability] = { ...costs[capability], ...cost };
        }
      }
      if (Object.keys(costs).length > 0) {
        next.costs = costs;
      } else {
        delete next.costs;
      }
    } else if (value !== undefined) {
      next[field] = value;
    }
  }
  return next;
}

/**
 * A stored row as read back: only known fields of the right shape are kept (a row written by a
 * newer version, or by hand, never breaks a worker; what is dropped falls back to the environment).
 */
export function sanitizeStored(raw: unknown, provider: string): StoredOverrides {
  return readStored(raw, provider).stored;
}

/**
 * What of a stored row {@link sanitizeStored} drops, and why: one line per field that fails
 * today's checks (a row written by another version, or by hand), for the operator to hear of it
 * rather than find the environment's setting quietly in force.
 */
export function storedProblems(raw: unknown, provider: string): string[] {
  return readStored(raw, provider).problems;
}

function readStored(raw: unknown, provider: string): { stored: StoredOverrides; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { stored: {}, problems: raw == null ? [] : ['the row is not an object'] };
  }
  const api: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = SETTINGS_FIELDS.find((candidate) => candidate === key);
    if (field) {
      api[apiFieldOf(field)] =
        field === 'costs'
          ? costsView(value)
          : field === 'rateLimits' && Array.isArray(value)
            ? value.map((rule: unknown) =>
                typeof rule === 'object' && rule !== null
                  ? (({ windowMs, ...rest }: Record<string, unknown>) => ({ ...rest, window_ms: windowMs }))(
                      rule as Record<string, unknown>,
                    )
                  : rule,
              )
            : value;
    }
  }
  const stored: StoredOverrides = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(api)) {
    const { patch, problems } = parseSettingsPatch({ [key]: value }, provider);
    if (problems.length === 0) {
      Object.assign(stored, applyPatch({}, patch));
    } else {
      dropped.push(`${key} ignored: ${problems.join('; ')}`);
    }
  }
  return { stored, problems: dropped };
}

/** Settings as the admin API shows them (snake_case). */
export function settingsView(settings: Partial<OverridableSettings>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const field of SETTINGS_FIELDS) {
    const value = settings[field];
    if (value === undefined) {
      continue;
    }
    view[apiFieldOf(field)] =
      field === 'costs'
        ? costsView(value)
        : field === 'rateLimits'
          ? (value as SettingsRateLimitRule[]).map((rule) => ({
              name: rule.name,
              limit: rule.limit,
              window_ms: rule.windowMs,
              ...(rule.tier ? { tier: rule.tier } : {}),
              ...(rule.operations ? { operations: [...rule.operations] } : {}),
            }))
          : value;
  }
  return view;
}

/** A cost table in the API's words (`charged_on_miss`); anything not an object is passed on to be refused. */
function costsView(costs: unknown): unknown {
  if (typeof costs !== 'object' || costs === null || Array.isArray(costs)) {
    return costs;
  }
  return Object.fromEntries(
    Object.entries(costs as Record<string, unknown>).map(([capability, cost]) => {
      if (typeof cost !== 'object' || cost === null || Array.isArray(cost)) {
        return [capability, cost];
      }
      const { chargedOnMiss, ...rest } = cost as Record<string, unknown>;
      return [
        capability,
        { ...rest, ...(chargedOnMiss === undefined ? {} : { charged_on_miss: chargedOnMiss }) },
      ];
    }),
  );
}

/**
 * What the ledger charges for a call: the adapter's own count at the published price; at a changed
 * price, that price when the adapter says the call was charged (a hit the provider bills, or any
 * call of a capability published as free) or when it found nothing and misses are charged.
 */
export function chargedCredits(
  provider: string,
  capability: Capability,
  costs: CostTable,
  outcome: { status: 'hit' | 'miss'; credits: number },
): number {
  const published = descriptorOf(provider)?.capabilities[capability];
  const current = costs[capability];
  if (
    !published ||
    !current ||
    (current.credits === published.credits && current.chargedOnMiss === published.chargedOnMiss)
  ) {
    return outcome.credits;
  }
  if (outcome.status === 'miss') {
    return current.chargedOnMiss ? current.credits : 0;
  }
  return outcome.credits > 0 || published.credits === 0 ? current.credits : 0;
}
