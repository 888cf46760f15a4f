import type { RateWindowSetting, RateWindowView } from '../simulation/simulated-provider';

interface Window {
  startedAt: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  /**
   * The window that decided: when refused, the refusing one that ends last (what a caller must wait
   * for); when allowed, the one with the fewest calls left.
   */
  window: RateWindowView;
}

/** One window a call counts in: `key` names it (a caller's key, and which of its budgets). */
export interface CountedWindow {
  key: string;
  limit: RateWindowSetting;
}

/**
 * Fixed rate-limit windows per API key, as Companies House documents them: a window opens with a
 * key's first call, every call in it counts (refused ones too), and it resets when it ends. A call
 * may count in several windows at once (RocketReach: a global limit and its API's budgets); it is
 * allowed when every one of them has room, and counted in each either way.
 */
export class FixedRateWindows {
  private readonly windows = new Map<string, Window>();

  /** Counts one call by `key` at `nowMs` and says whether it is within the limit. */
  take(key: string, limit: RateWindowSetting, nowMs: number): RateDecision {
    return this.takeAll([{ key, limit }], nowMs);
  }

  /** Counts one call in every window given (at least one) and says whether all of them allow it. */
  takeAll(windows: readonly CountedWindow[], nowMs: number): RateDecision {
    if (windows.length === 0) {
      throw new Error('takeAll needs at least one window to count the call in');
    }
    const counted = windows.map(({ key, limit }) => {
      const window = this.current(key, limit, nowMs, true);
      window.count += 1;
      return { allowed: window.count <= limit.limit, view: viewOf(window, limit) };
    });
    const refused = counted.filter((entry) => !entry.allowed).map((entry) => entry.view);
    if (refused.length > 0) {
      return { allowed: false, window: refused.reduce((a, b) => (b.resetsAt > a.resetsAt ? b : a)) };
    }
    const views = counted.map((entry) => entry.view);
    return { allowed: true, window: views.reduce((a, b) => (b.remaining < a.remaining ? b : a)) };
  }

  /** The window `key` is in at `nowMs`, without counting a call (a fresh one when none is open). */
  peek(key: string, limit: RateWindowSetting, nowMs: number): RateWindowView {
    return viewOf(this.current(key, limit, nowMs, false), limit);
  }

  clear(): void {
    this.windows.clear();
  }

  private current(key: string, limit: RateWindowSetting, nowMs: number, open: boolean): Window {
    const window = this.windows.get(key);
    if (window && nowMs < window.startedAt + limit.window_seconds * 1000) {
      return window;
    }
    const fresh = { startedAt: nowMs, count: 0 };
    if (open) {
      this.windows.set(key, fresh);
    }
    return fresh;
  }
}

function viewOf(window: Window, limit: RateWindowSetting): RateWindowView {
  return {
    limit: limit.limit,
    remaining: Math.max(0, limit.limit - window.count),
    resetsAt: Math.ceil((window.startedAt + limit.window_seconds * 1000) / 1000),
    windowSeconds: limit.window_seconds,
  };
}
