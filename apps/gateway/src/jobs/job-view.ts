import { roundCredits, type EnrichmentRequest, type EnrichmentStep } from '@sluice/db';
import type { UnresolvedGoal } from '@sluice/enrichment';

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
  /** The job this one runs again (`POST /v1/jobs/:id/retry`), null for a first attempt. */
  retry_of: string | null;
  /** The job this one was run again as, null while it has not been retried. */
  retried_as: string | null;
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
    credits_spent: roundCredits(stepViews.reduce((sum, step) => sum + step.credits, 0)),
    max_credits: request.maxCredits === null ? null : Number(request.maxCredits),
    options: request.options,
    steps: stepViews,
    retry_of: request.retryOf,
    retried_as: request.retriedAs,
    created_at: request.createdAt.toISOString(),
    updated_at: request.updatedAt.toISOString(),
    completed_at: request.completedAt?.toISOString() ?? null,
  };
}

export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled'];

/** The goals a job's result says it left unanswered; anything else under the name is ignored. */
export function unresolvedGoalsOf(result: Record<string, unknown> | null): UnresolvedGoal[] {
  const unresolved = result?.unresolved;
  return Array.isArray(unresolved)
    ? unresolved.filter(
        (entry): entry is UnresolvedGoal =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as UnresolvedGoal).goal === 'string' &&
          typeof (entry as UnresolvedGoal).reason === 'string',
      )
    : [];
}

/**
 * Whether a completed job's result names a provider that could not be asked, or could not answer,
 * for a reason that passes (`unresolved[].retry_later`): running the job again may answer it.
 */
export function leftToRetryLater(result: Record<string, unknown> | null): boolean {
  return unresolvedGoalsOf(result).some(
    (goal) => Array.isArray(goal.retry_later) && goal.retry_later.length > 0,
  );
}

export interface JobEvent {
  type: 'snapshot' | 'step' | 'status' | 'completed' | 'failed' | 'cancelled';
  data: Record<string, unknown>;
}

/**
 * What changed between two reads of a job, as server-sent events: the whole job first, then each
 * step that appeared or changed state, the status when it moved, and at the end the outcome with
 * the result.
 */
export function jobEvents(before: JobView | null, after: JobView): JobEvent[] {
  if (!before) {
    const events: JobEvent[] = [{ type: 'snapshot', data: after as unknown as Record<string, unknown> }];
    return TERMINAL_STATUSES.includes(after.status) ? [...events, outcome(after)] : events;
  }
  const events: JobEvent[] = [];
  for (const step of after.steps) {
    const previous = before.steps.find((s) => s.seq === step.seq);
    if (!previous || previous.state !== step.state) {
      events.push({ type: 'step', data: { job_id: after.id, ...step } });
    }
  }
  if (before.status !== after.status) {
    events.push(
      TERMINAL_STATUSES.includes(after.status)
        ? outcome(after)
        : { type: 'status', data: { job_id: after.id, status: after.status } },
    );
  }
  return events;
}

function outcome(view: JobView): JobEvent {
  return {
    type: view.status as JobEvent['type'],
    data: {
      job_id: view.id,
      status: view.status,
      result: view.result,
      error: view.error,
      credits_spent: view.credits_spent,
    },
  };
}
