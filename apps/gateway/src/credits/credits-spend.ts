import { BURN_WINDOW_DAYS } from '@sluice/enrichment';
import { monthStart } from './quotas.service';

const DAY_MS = 86_400_000;

export interface SpendRow {
  provider: string;
  today: string;
  month: string;
  burn: string;
}

/**
 * Per provider: the workspace's charges today and this month (UTC), and every workspace's over the
 * burn window (the platform account's burn rate). Reads the charges since the earlier of the
 * month's start and the window's, through the ledger's `created_at` index.
 */
export function spendOf(
  db: { query<T>(sql: string, parameters?: unknown[]): Promise<T> },
  workspaceId: string,
  now: Date,
): Promise<SpendRow[]> {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return db.query<SpendRow[]>(
    `SELECT provider,
            COALESCE(sum(credits) FILTER (WHERE workspace_id = $1 AND created_at >= $2), 0) AS today,
            COALESCE(sum(credits) FILTER (WHERE workspace_id = $1 AND created_at >= $3), 0) AS month,
            COALESCE(sum(credits) FILTER (WHERE created_at > $4), 0) AS burn
       FROM credit_ledger WHERE kind = 'charge' AND created_at >= LEAST($3, $4)
      GROUP BY provider`,
    [workspaceId, today, monthStart(now), new Date(now.getTime() - BURN_WINDOW_DAYS * DAY_MS)],
  );
}
