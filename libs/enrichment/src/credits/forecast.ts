const DAY_MS = 86_400_000;

/** How many past days the burn rate is measured over. */
export const BURN_WINDOW_DAYS = 7;

/** The shortest span a burn rate is measured over: an hour, so that a first call is not a rate. */
const MIN_BURN_SPAN_DAYS = 1 / 24;

/**
 * The next monthly renewal on `day` (1–28, UTC midnight) strictly after `now`. Days past 28 are not
 * allowed, so every month has the day.
 */
export function nextRenewal(now: Date, day: number): Date {
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), day));
  return thisMonth.getTime() > now.getTime()
    ? thisMonth
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, day));
}

/**
 * When a provider's plan renews next: on the operator's `renewalDay` (`CREDIT_POLICIES`) when one
 * is set, otherwise when the provider said with its last balance (Snov.io's `limit_resets_in`,
 * Apollo's credit cycle), if that still lies ahead: a renewal already past says nothing about the
 * next one. Null when neither is known. The credit monitor's forecast and renewal alerts and
 * `GET /v1/credits` all take it from here, so they name the same date.
 */
export function renewalOf(input: { renewalDay?: number; reported: Date | null; now: Date }): Date | null {
  if (input.renewalDay) {
    return nextRenewal(input.now, input.renewalDay);
  }
  return input.reported && input.reported.getTime() > input.now.getTime() ? input.reported : null;
}

/** How far a reported renewal may move from the one kept and still be that renewal. */
const SAME_RENEWAL_MS = 1.5 * DAY_MS;

/**
 * One date for one renewal, however it is read. Snov.io reports whole days left
 * (`limit_resets_in`), so "read time + N days" moves with the time of the reading and, while N stays
 * the same, crosses midnight: one renewal was named by two dates, and the alerts keyed by the date
 * (exhaustion, renewal reminder) fired a second time for it. A reported renewal within a day and a
 * half of the one `kept` from the last reading is that renewal, and keeps its date; one further off
 * (the plan renewed, or was changed) replaces it, as does any once the kept one has passed.
 */
export function steadyRenewal(reported: Date | null, kept: Date | null, now: Date): Date | null {
  if (!reported || !kept || kept.getTime() <= now.getTime()) {
    return reported;
  }
  return Math.abs(reported.getTime() - kept.getTime()) <= SAME_RENEWAL_MS ? kept : reported;
}

export interface CreditForecast {
  /** Credits spent per day, averaged over the last {@link BURN_WINDOW_DAYS} days (see `spanDays`). */
  burnPerDay: number;
  /**
   * The days the burn rate was measured over: {@link BURN_WINDOW_DAYS}, or since the provider's
   * first charge when that is more recent (at least an hour).
   */
  spanDays: number;
  /** Days until the balance runs out at that rate; null when nothing is being spent. */
  daysLeft: number | null;
  exhaustsAt: Date | null;
  renewsAt: Date | null;
  /** True when the credits run out before the plan renews (or, with no renewal known, ever). */
  exhaustsBeforeRenewal: boolean;
}

/**
 * Credits spent per day over the last {@link BURN_WINDOW_DAYS} days, or since the provider's first
 * charge (`chargingSince`) when that is more recent (at least an hour; see {@link forecastCredits}).
 * It needs no balance: a provider that reports none (or an unlimited plan) still burns credits.
 */
export function burnRate(input: {
  spentLastWindow: number;
  chargingSince: Date | null;
  now: Date;
}): Pick<CreditForecast, 'burnPerDay' | 'spanDays'> {
  const charging =
    input.chargingSince === null
      ? BURN_WINDOW_DAYS
      : (input.now.getTime() - input.chargingSince.getTime()) / DAY_MS;
  const spanDays = Math.min(BURN_WINDOW_DAYS, Math.max(MIN_BURN_SPAN_DAYS, charging));
  return { burnPerDay: Math.max(0, input.spentLastWindow) / spanDays, spanDays };
}

/**
 * Burn rate and exhaustion date from the spend of the last seven days. Spend is what the ledger
 * charged; `balance` is what the provider reported (minus credits reserved by calls in flight).
 * A provider charging for less than seven days (a new installation, a provider just taken into
 * use) has its spend divided by the time since its first charge (`chargingSince`), at least an
 * hour: divided by seven days, a day's spend read as a seventh of itself, and the forecast said
 * weeks where days were left.
 */
export function forecastCredits(input: {
  balance: number;
  spentLastWindow: number;
  /** The provider's first charge on record; null when it has none. */
  chargingSince: Date | null;
  now: Date;
  renewsAt: Date | null;
}): CreditForecast {
  const { burnPerDay, spanDays } = burnRate(input);
  if (burnPerDay === 0) {
    return {
      burnPerDay: 0,
      spanDays,
      daysLeft: null,
      exhaustsAt: null,
      renewsAt: input.renewsAt,
      exhaustsBeforeRenewal: false,
    };
  }
  const daysLeft = Math.max(0, input.balance) / burnPerDay;
  const exhaustsAt = new Date(input.now.getTime() + daysLeft * DAY_MS);
  return {
    burnPerDay,
    spanDays,
    daysLeft,
    exhaustsAt,
    renewsAt: input.renewsAt,
    exhaustsBeforeRenewal: input.renewsAt === null ? false : exhaustsAt.getTime() < input.renewsAt.getTime(),
  };
}

export interface ThresholdPolicy {
  warning?: number;
  critical?: number;
  warningPercent?: number;
  criticalPercent?: number;
  allowance?: number;
}

/** Default thresholds: a warning at 25 credits, critical at 5. */
export const DEFAULT_THRESHOLDS = { warning: 25, critical: 5 } as const;

/**
 * The balances at or below which a provider is in warning and in critical: the absolute threshold
 * or the percentage of the plan's allowance, whichever is higher (the earlier warning).
 */
export function thresholdsFor(policy: ThresholdPolicy): { warning: number; critical: number } {
  const percent = (value: number | undefined): number =>
    value !== undefined && policy.allowance !== undefined ? (policy.allowance * value) / 100 : 0;
  return {
    warning: Math.max(policy.warning ?? DEFAULT_THRESHOLDS.warning, percent(policy.warningPercent)),
    critical: Math.max(policy.critical ?? DEFAULT_THRESHOLDS.critical, percent(policy.criticalPercent)),
  };
}

/** Which threshold the balance is at or below: the worst one. */
export function thresholdLevel(
  balance: number,
  thresholds: { warning: number; critical: number },
): 'critical' | 'warning' | null {
  if (balance <= thresholds.critical) {
    return 'critical';
  }
  return balance <= thresholds.warning ? 'warning' : null;
}
