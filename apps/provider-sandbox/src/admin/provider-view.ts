import type { AnswerFaultSetting } from '../simulation/answer-faults';
import type { RateLimitSetting } from '../simulation/simulated-provider';
import { cloneRateLimit, type ProviderRuntime } from '../state/sandbox-state';

/** One provider as `/_sandbox/providers` shows it. */
export interface ProviderView {
  name: string;
  credits: number | null;
  latency_ms: number;
  error_rate: number;
  reset_rate: number;
  outage: boolean;
  rate_limit: RateLimitSetting | null;
  task_delay_ms: number;
  /** Only on providers that sell unlimited plans. */
  unlimited_credits?: boolean;
  /** How successful answers are spoiled; `null`: they are not. */
  answer_fault: AnswerFaultSetting | null;
}

export function providerView(runtime: ProviderRuntime): ProviderView {
  const {
    credits,
    latency_ms,
    error_rate,
    reset_rate,
    outage,
    rate_limit,
    task_delay_ms,
    unlimited_credits,
    answer_fault,
  } = runtime.settings;
  return {
    name: runtime.provider.name,
    credits,
    latency_ms,
    error_rate,
    reset_rate,
    outage,
    rate_limit: cloneRateLimit(rate_limit),
    task_delay_ms,
    ...(runtime.provider.sellsUnlimitedPlans ? { unlimited_credits: unlimited_credits === true } : {}),
    answer_fault: answer_fault ? structuredClone(answer_fault) : null,
  };
}
