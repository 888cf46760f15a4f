import type { EnrichmentRequest, EnrichmentStep } from '@sluice/db';

export interface StepView {
  seq: number;
  goal: string;
  provider: string;
  operation: string;
  state: string;
  reason: string | null;
  cached: boolean;
  attempts: number;
  latency_ms: number | null;
  credits: number;
  error: string | null;
  completed_at: string | null;
}

export interface JobView {
  id: string;
  type: string;
  status: string;
  priority: string;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  credits_spent: number;
  max_credits: number | null;
  options: Record<string, unknown>;
  steps: StepView[];
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export function toJobView(request: EnrichmentRequest, steps: EnrichmentStep[]): JobView {
  const stepViews = steps
    .sort((a, b) => a.seq - b.seq)
    .map((step) => ({
      seq: step.seq,
      goal: step.goal,
      provider: step.provider,
      operation: step.operation,
      state: step.state,
      reason: step.reason,
      cached: step.cached,
      attempts: step.attempts,
      latency_ms: step.latencyMs,
      credits: Number(step.credits),
      error: step.error,
      completed_at: step.completedAt?.toISOString() ?? null,
    }));
  return {
    id: request.id,
    type: request.type,
    status: request.status,
    priority: request.priority,
    input: request.input,
    result: request.result,
    error: request.error,
    credits_spent: stepViews.reduce((sum, step) => sum + step.credits, 0),
    max_credits: request.maxCredits === null ? null : Number(request.maxCredits),
    options: request.options,
    steps: stepViews,
    created_at: request.createdAt.toISOString(),
    updated_at: request.updatedAt.toISOString(),
    completed_at: request.completedAt?.toISOString() ?? null,
  };
}
