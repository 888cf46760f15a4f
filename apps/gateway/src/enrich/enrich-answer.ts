import { ROCKETREACH_ATTRIBUTION } from '@sluice/providers';
import { SANDBOX_NOTICE } from '@sluice/config';
import type { UnresolvedGoal } from '@sluice/enrichment';
import { unresolvedGoalsOf, type JobView } from '../jobs/job-view';

/** What `POST /v1/enrich` answers once it has the job's outcome. */
export interface EnrichAnswer {
  job_id: string;
  status: string;
  cached: boolean;
  data: Record<string, unknown>;
  sources: Record<string, string>;
  confidence: Record<string, number>;
  attribution: string[];
  sandbox: boolean;
  notice?: string;
  credits_spent: number;
  error: string | null;
  /**
   * The job's goals left unanswered and why (the result's `unresolved`), when there are any: a
   * field that is null because its provider was out of credits says so in `retry_later`.
   */
  unresolved?: UnresolvedGoal[];
}

function record<T>(value: unknown): Record<string, T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, T>)
    : {};
}

/**
 * A finished `enrich` job as the real-time answer: every field asked is in `data` (null when
 * unknown), each known field names its source and confidence; attribution the providers require
 * (RocketReach's "Powered by RocketReach") is passed on; an answer with any field from a provider
 * served by the sandbox is marked as sandbox data.
 */
export function enrichAnswer(
  view: JobView,
  fields: readonly string[],
  sandboxed: ReadonlySet<string>,
): EnrichAnswer {
  const result = record<unknown>(view.result);
  const merged = record<unknown>(result.data);
  const allSources = record<string>(result.sources);
  const allConfidence = record<number>(result.confidence);
  const data: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const confidence: Record<string, number> = {};
  for (const field of fields) {
    data[field] = merged[field] ?? null;
    if (data[field] !== null && allSources[field]) {
      sources[field] = allSources[field];
      if (typeof allConfidence[field] === 'number') {
        confidence[field] = allConfidence[field];
      }
    }
  }
  const sandbox = Object.values(sources).some((provider) => sandboxed.has(provider));
  const unresolved = unresolvedGoalsOf(view.result);
  return {
    job_id: view.id,
    status: view.status,
    cached: false,
    data,
    sources,
    confidence,
    // Attribution goes with the data it is owed for: only when a field shown came from RocketReach.
    attribution: Object.values(sources).includes('rocketreach') ? [ROCKETREACH_ATTRIBUTION] : [],
    sandbox,
    ...(sandbox ? { notice: SANDBOX_NOTICE } : {}),
    credits_spent: view.credits_spent,
    error: view.error,
    ...(unresolved.length > 0 ? { unresolved } : {}),
  };
}
