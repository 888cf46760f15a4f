import type { RateLimitSetting, RateWindowView } from '../simulation/simulated-provider';

interface Window {
  startedAt: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  window: RateWindowView;
}

/**
 * Fixed rate-limit windows per API key, as Companies House documents them: a window opens with a
 * key's first call, every call in it counts (refused ones too), and it resets when it ends.
 */
export class FixedRateWindows {
  private readonly windows = new Map<string, Window>();

  /** Counts one call by `key` at `nowMs` and says whether it is within the limit. */
  take(key: string, limit: RateLimitSetting, nowMs: number): RateDecision {
    const windowMs = limit.window_seconds * 1000;
    let window = this.windows.get(key);
    if (!window || nowMs >= window.startedAt + windowMs) {
      window = { startedAt: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= limit.limit,
      window: {
        limit: limit.limit,
        remaining: Math.max(0, limit.limit - window.count),
        resetsAt: Math.ceil((window.startedAt + windowMs) / 1000),
        windowSeconds: limit.window_seconds,
      },
    };
  }

  clear(): void {
    this.windows.clear();
  }
}
