import type { EntityManager } from 'typeorm';
import { roundCredits } from './credit-amounts';

export interface UsageRow {
  provider: string;
  workspace_id: string;
  /** Set when grouped by API key (null: requests made without one, e.g. by the system). */
  api_key_id?: string | null;
  /** Provider calls made (cached answers and skipped providers are not calls). */
  calls: number;
  /** Calls whose answer was accepted (an answer served from the cache is neither a call nor a hit). */
  hits: number;
  credits: number;
  /** credits / hits; null when nothing was found. */
  cost_per_hit: number | null;
}

/**
 * Each provider's first charge in the credit ledger (providers never charged are left out): how
 * long its spend has been recorded, which a burn rate is measured over when shorter than its
 * window. One index probe per provider (`ix_credit_ledger_provider_created`).
 */
export async function firstChargesOf(
  manager: EntityManager,
  providers: readonly string[],
): Promise<Map<string, Date>> {
  const rows = await manager.query<{ provider: string; first: Date | null }[]>(
    `SELECT p.provider,
            (SELECT min(l.created_at) FROM credit_ledger l WHERE l.provider = p.provider AND l.kind = 'charge') AS first
       FROM unnest($1::text[]) AS p(provider)`,
    [providers],
  );
  return new Map(rows.filter((row) => row.first !== null).map((row) => [row.provider, row.first as Date]));
}

/**
 * Usage per provider and workspace (and API key, with `byApiKey`) over [from, to): the steps that
 * reached a provider, the ones that found what was asked, and the credits charged. One query for
 * the daily report and the usage API; `workspaceId` scopes it to one workspace.
 */
export async function usageBetween(
  manager: EntityManager,
  options: { from: Date; to: Date; workspaceId?: string; byApiKey?: boolean },
): Promise<UsageRow[]> {
  const byKey = options.byApiKey === true;
  const rows = await manager.query<Record<string, string | null>[]>(
    `SELECT s.provider, s.workspace_id${byKey ? ', r.api_key_id' : ''},
            count(*) FILTER (WHERE NOT s.cached) AS calls,
            count(*) FILTER (WHERE NOT s.cached AND s.state = 'completed' AND s.reason IS NULL) AS hits,
            COALESCE(sum(s.credits), 0) AS credits
       FROM enrichment_steps s
       ${byKey ? 'JOIN enrichment_requests r ON r.id = s.request_id' : ''}
      WHERE s.completed_at >= $1 AND s.completed_at < $2
        -- A step skipped once its call was on its way (its job cancelled) was paid all the same:
        -- the ledger charged it, so usage counts it too.
        AND (s.state IN ('completed', 'failed') OR (s.state = 'skipped' AND s.credits > 0))
        AND ($3::uuid IS NULL OR s.workspace_id = $3)
      GROUP BY s.provider, s.workspace_id${byKey ? ', r.api_key_id' : ''}
      ORDER BY s.provider, s.workspace_id`,
    [options.from, options.to, options.workspaceId ?? null],
  );
  return rows.map((row) => {
    const hits = Number(row.hits);
    const credits = Number(row.credits);
    return {
      provider: String(row.provider),
      workspace_id: String(row.workspace_id),
      ...(byKey ? { api_key_id: row.api_key_id } : {}),
      calls: Number(row.calls),
      hits,
      credits,
      cost_per_hit: hits > 0 ? roundCredits(credits / hits) : null,
    };
  });
}
