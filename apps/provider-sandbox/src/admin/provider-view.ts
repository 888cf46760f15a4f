import type { RateLimitSetting } from '../simulation/simulated-provider';
import { cloneRateLimit, type ProviderRuntime } from '../state/sandbox-state';

/** One provider as `/_sandbox/providers` shows it. */
export interface ProviderView {
  name: string;
  credits: number | null;
  latency_ms: number;
  error_rate: number;
  outage: boolean;
  rate_limit: RateLimitSetting | null;
  task_delay_ms: number;
}

export function providerView(runtime: ProviderRuntime): ProviderView {
  const { credits, latency_ms, error_rate, outage, rate_limit, task_delay_ms } = runtime.settings;
  return {
    name: runtime.provider.name,
    credits,
    latency_ms,
    error_rate,
    outage,
    rate_limit: cloneRateLimit(rate_limit),
    task_delay_ms,
  };
}
