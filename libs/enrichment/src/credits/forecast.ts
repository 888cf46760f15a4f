const DAY_MS = 86_400_000;

/** How many past days the burn rate is measured over. */
export const BURN_WINDOW_DAYS = 7;

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

export interface CreditForecast {
  /** Credits spent per day, averaged over the last {@link BURN_WINDOW_DAYS} days. */
  burnPerDay: number;
  /** Days until the balance runs out at that rate; null when nothing is being spent. */
  daysLeft: number | null;
  exhaustsAt: Date | null;
  renewsAt: Date | null;
  /** True when the credits run out before the plan renews (or, with no renewal known, ever). */
  exhaustsBeforeRenewal: boolean;
}

/**
 * Burn rate and exhaustion date from the spend of the last seven days. Spend is what the ledger
 * charged; `balance` is what the provider reported (minus credits reserved by calls in flight).
 */
export function forecastCredits(input: {
  balance: number;
  spentLastWindow: number;
  now: Date;
  renewsAt: Date | null;
}): CreditForecast {
  const burnPerDay = Math.max(0, input.spentLastWindow) / BURN_WINDOW_DAYS;
  if (burnPerDay === 0) {
    return {
      burnPerDay: 0,
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
