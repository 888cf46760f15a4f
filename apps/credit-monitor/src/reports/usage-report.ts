import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { usageBetween, type UsageRow } from '@sluice/db';
import { DataSource } from 'typeorm';
import { AlertBook } from '../alerts/alert-book';

const DAY_MS = 86_400_000;

/** The daily usage report: per provider and workspace, calls, hits, credits and cost per hit. */
@Injectable()
export class UsageReport {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertBook,
  ) {}

  /**
   * Reports one UTC day (`day`, YYYY-MM-DD; by default the day before `now`, as the schedule sends
   * it); returns the alert id and the rows.
   */
  async send(day?: string, now = new Date()): Promise<{ alertId: string; rows: UsageRow[] }> {
    const from = day
      ? new Date(`${day}T00:00:00Z`)
      : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY_MS);
    if (Number.isNaN(from.getTime())) {
      throw new Error(`day must be YYYY-MM-DD, got ${day}`);
    }
    const to = new Date(from.getTime() + DAY_MS);
    const rows = await usageBetween(this.dataSource.manager, { from, to });
    const names = await this.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM workspaces WHERE id = ANY($1::uuid[])',
      [[...new Set(rows.map((row) => row.workspace_id))]],
    );
    const nameOf = new Map(names.map((w) => [w.id, w.name]));
    const label = from.toISOString().slice(0, 10);
    const totals = rows.reduce(
      (sum, row) => ({
        calls: sum.calls + row.calls,
        hits: sum.hits + row.hits,
        credits: sum.credits + row.credits,
      }),
      { calls: 0, hits: 0, credits: 0 },
    );
    const lines = rows.map(
      (row) =>
        `${row.provider.padEnd(16)} ${(nameOf.get(row.workspace_id) ?? row.workspace_id).padEnd(24)} calls ${row.calls}, hits ${row.hits}, credits ${row.credits}, cost per hit ${row.cost_per_hit ?? '-'}`,
    );
    const alertId = await this.alerts.raise({
      kind: 'usage.daily',
      severity: 'info',
      title: `Usage on ${label}: ${totals.calls} calls, ${totals.hits} hits, ${totals.credits} credits`,
      text:
        rows.length > 0 ? ['provider         workspace', ...lines].join('\n') : 'No provider calls that day.',
      details: {
        day,
        totals,
        rows: rows.map((row) => ({ ...row, workspace: nameOf.get(row.workspace_id) ?? null })),
      },
    });
    return { alertId, rows };
  }
}
