import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditMonitorConfig } from '@sluice/config';
import { SUPPRESSION_KINDS, type SuppressionKind } from '@sluice/db';
import { GOALS } from '@sluice/enrichment';
import { ROCKETREACH_ATTRIBUTION } from '@sluice/providers';
import { DataSource } from 'typeorm';
import { isCalendarDate, refuseUnknownParams } from '../http-params';

export const SEGMENTS = ['industry', 'country'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface DataQualityQuery {
  from: Date;
  to: Date;
  workspaceId: string | null;
  segment: Segment | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 3600 * 1000;
/** E.164: what a normalised, dialable number looks like. */
const E164 = '^\\+[1-9][0-9]{6,14}$';

const rate = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;

function dateParam(name: string, value: unknown): Date | null {
  if (value === undefined) {
    return null;
  }
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new BadRequestException(`${name} must be an ISO 8601 date or time, like 2026-12-01T00:00:00Z.`);
  }
  return new Date(value);
}

/** Verdicts of the steps that called the provider; those whose answer was reused, counted apart. */
function verdictCounts(rows: readonly { verdict: string; cached: boolean; n: string }[]): VerdictCounts {
  const called = rows.filter((row) => !row.cached);
  return {
    total: called.reduce((sum, row) => sum + Number(row.n), 0),
    by_verdict: Object.fromEntries(called.map((row) => [row.verdict, Number(row.n)])),
    reused: rows.filter((row) => row.cached).reduce((sum, row) => sum + Number(row.n), 0),
  };
}

/** `from`/`to` (default: the last 30 days), `workspace_id`, `segment` (industry or country). */
export function parseDataQualityQuery(query: Record<string, unknown>, now = new Date()): DataQualityQuery {
  const allowed = ['from', 'to', 'workspace_id', 'segment'];
  refuseUnknownParams(query, allowed);
  const to = dateParam('to', query.to) ?? now;
  const from = dateParam('from', query.from) ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) {
    throw new BadRequestException('from must be before to.');
  }
  const workspace = query.workspace_id;
  if (workspace !== undefined && (typeof workspace !== 'string' || !UUID.test(workspace))) {
    throw new BadRequestException('workspace_id must be a UUID.');
  }
  const segment = query.segment;
  if (segment !== undefined && !(SEGMENTS as readonly unknown[]).includes(segment)) {
    throw new BadRequestException(`segment must be one of: ${SEGMENTS.join(', ')}.`);
  }
  return {
    from,
    to,
    workspaceId: workspace ?? null,
    segment: (segment as Segment | undefined) ?? null,
  };
}

interface ProviderFigures {
  provider: string;
  segment?: string;
  /** Steps that reached the provider (cached answers are not calls). */
  calls: number;
  /** Of those, the ones whose answer was accepted. */
  hits: number;
  credits: number;
  hit_rate: number | null;
  cost_per_hit: number | null;
}

/**
 * Verdicts counted: how many, and how many of each, given by the providers' calls in the window (as
 * the provider figures count calls); answers reused from the cache or the store apart.
 */
interface VerdictCounts {
  total: number;
  by_verdict: Record<string, number>;
  /** Steps answered with a verdict reused from the cache or the store: no provider gave it then. */
  reused: number;
}

export interface DataQualityReport {
  window: { from: string; to: string };
  workspace_id: string | null;
  /** The verdicts of the verification steps (a verifier's check of the mailbox). */
  email_verification: VerdictCounts;
  /** The addresses the finders' steps found, by the finder's own verdict (`none` when it gave none). */
  email_finder_verdicts: VerdictCounts;
  /** The numbers the providers' calls found; those in reused answers (cache, store) apart. */
  phones: {
    total: number;
    valid: number;
    invalid: number;
    valid_rate: number | null;
    by_kind: Record<string, number>;
    reused: number;
  };
  completeness: { results: number; fields: Record<string, { known: number; rate: number | null }> };
  providers: ProviderFigures[];
  segments?: ProviderFigures[];
}

/**
 * Data quality over a window, from the steps (provider answers) and the finished requests. Hit rate
 * and cost per hit count provider calls only: a cached answer costs nothing and says nothing about
 * the provider, unlike usage reports (which count what a workspace was served).
 */
interface RunRow {
  id: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  total_deleted: string;
  error: string | null;
  which: string;
}

/** One retention run as the compliance status shows it. */
export interface RetentionRunSummary {
  id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  total_deleted: number;
  error: string | null;
}

export interface ComplianceReport {
  retention: {
    /** Days each kind of data is kept (the credit monitor's RETENTION_*_DAYS). */
    policies_days: Record<'person' | 'company' | 'provider_calls' | 'results' | 'webhook_events', number>;
    /** RETENTION_CRON, or null when runs are only started by hand. */
    schedule: string | null;
    last_run: RetentionRunSummary | null;
    last_finished_run: RetentionRunSummary | null;
  };
  suppressions: { total: number; by_kind: Record<SuppressionKind, number> };
  attribution: { text: string; results: number };
  audit_events: number;
}

@Injectable()
export class DataQuality {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly monitor: CreditMonitorConfig,
  ) {}

  async report(query: DataQualityQuery): Promise<DataQualityReport> {
    const params = [query.from, query.to, query.workspaceId];
    const stepWindow = `s.completed_at >= $1 AND s.completed_at < $2 AND ($3::uuid IS NULL OR s.workspace_id = $3)`;
    const [verdicts, phones, results, fields, providers] = await Promise.all([
      // A verifier's verdict and a finder's own guess at deliverability are counted apart: a
      // finder's `valid` is not a verification. An answer reused from the cache or the store
      // (`cached`) was given by an earlier call, counted when it was made: apart, as the provider
      // figures leave it out of the calls.
      this.dataSource.query<{ operation: string; cached: boolean; verdict: string; n: string }[]>(
        `SELECT s.operation, s.cached, COALESCE(s.output->>'verdict', 'none') AS verdict, count(*) AS n
           FROM enrichment_steps s
          WHERE s.state = 'completed' AND jsonb_typeof(s.output) = 'object'
            AND ((s.operation = $4 AND s.output->>'verdict' IS NOT NULL)
              OR (s.operation = $5 AND s.output ? 'email'))
            AND ${stepWindow}
          GROUP BY 1, 2, 3`,
        [...params, GOALS.verify.operation, GOALS.email.operation],
      ),
      this.dataSource.query<{ cached: boolean; kind: string; valid: boolean; n: string }[]>(
        `SELECT s.cached, COALESCE(p->>'kind', 'unknown') AS kind,
                COALESCE(p->>'number', '') ~ '${E164}' AS valid, count(*) AS n
           FROM enrichment_steps s, jsonb_array_elements(s.output->'phones') p
          WHERE s.state = 'completed' AND jsonb_typeof(s.output->'phones') = 'array' AND ${stepWindow}
          GROUP BY 1, 2, 3`,
        params,
      ),
      this.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM enrichment_requests r
          WHERE r.type = 'enrich' AND r.status = 'completed'
            AND r.completed_at >= $1 AND r.completed_at < $2 AND ($3::uuid IS NULL OR r.workspace_id = $3)`,
        params,
      ),
      this.dataSource.query<{ field: string; n: string }[]>(
        `SELECT e.key AS field, count(*) AS n
           FROM enrichment_requests r, jsonb_each(r.result->'data') e
          WHERE r.type = 'enrich' AND r.status = 'completed' AND jsonb_typeof(r.result->'data') = 'object'
            AND e.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb)
            AND r.completed_at >= $1 AND r.completed_at < $2 AND ($3::uuid IS NULL OR r.workspace_id = $3)
          GROUP BY 1 ORDER BY 1`,
        params,
      ),
      this.providerFigures(query, null),
    ]);
    const byKind: Record<string, number> = {};
    let valid = 0;
    let total = 0;
    let reusedPhones = 0;
    for (const row of phones) {
      const n = Number(row.n);
      if (row.cached) {
        reusedPhones += n;
        continue;
      }
      byKind[row.kind] = (byKind[row.kind] ?? 0) + n;
      total += n;
      valid += row.valid ? n : 0;
    }
    const resultCount = Number(results[0]?.n ?? 0);
    return {
      window: { from: query.from.toISOString(), to: query.to.toISOString() },
      workspace_id: query.workspaceId,
      email_verification: verdictCounts(verdicts.filter((row) => row.operation === GOALS.verify.operation)),
      email_finder_verdicts: verdictCounts(verdicts.filter((row) => row.operation === GOALS.email.operation)),
      phones: {
        total,
        valid,
        invalid: total - valid,
        valid_rate: rate(valid, total),
        by_kind: byKind,
        reused: reusedPhones,
      },
      completeness: {
        results: resultCount,
        fields: Object.fromEntries(
          fields.map((row) => [row.field, { known: Number(row.n), rate: rate(Number(row.n), resultCount) }]),
        ),
      },
      providers,
      ...(query.segment ? { segments: await this.providerFigures(query, query.segment) } : {}),
    };
  }

  private async providerFigures(
    query: DataQualityQuery,
    segment: Segment | null,
  ): Promise<ProviderFigures[]> {
    // The segment is one of SEGMENTS (checked), passed as a parameter all the same.
    const rows = await this.dataSource.query<
      { provider: string; segment: string | null; calls: string; hits: string; credits: string }[]
    >(
      `SELECT s.provider,
              ${segment ? `COALESCE(NULLIF(r.result->'data'->>$4, ''), 'unknown')` : 'NULL'} AS segment,
              count(*) AS calls,
              count(*) FILTER (WHERE s.state = 'completed' AND s.reason IS NULL) AS hits,
              COALESCE(sum(s.credits), 0) AS credits
         FROM enrichment_steps s
         ${segment ? 'JOIN enrichment_requests r ON r.id = s.request_id' : ''}
        WHERE NOT s.cached
          -- A step skipped once its call was on its way (its job cancelled) was paid all the same:
          -- the ledger charged it, so it is a call here too, as in the usage figures.
          AND (s.state IN ('completed', 'failed') OR (s.state = 'skipped' AND s.credits > 0))
          AND s.completed_at >= $1 AND s.completed_at < $2 AND ($3::uuid IS NULL OR s.workspace_id = $3)
        GROUP BY 1, 2
        ORDER BY 1, 2`,
      segment
        ? [query.from, query.to, query.workspaceId, segment]
        : [query.from, query.to, query.workspaceId],
    );
    return rows.map((row) => {
      const calls = Number(row.calls);
      const hits = Number(row.hits);
      const credits = Number(row.credits);
      return {
        provider: row.provider,
        ...(segment ? { segment: String(row.segment) } : {}),
        calls,
        hits,
        credits,
        hit_rate: rate(hits, calls),
        cost_per_hit: rate(credits, hits),
      };
    });
  }

  /**
   * Compliance status: the retention policies in force and the last run (and the last one that
   * finished), suppressions recorded per kind of identifier, finished results carrying RocketReach's
   * attribution, and audit events recorded.
   */
  async compliance(): Promise<ComplianceReport> {
    const [[row], runs, suppressions] = await Promise.all([
      this.dataSource.query<{ attributed: string; audited: string }[]>(
        // The result's own attribution, as answers and exports carry it: a chain's officer e-mails
        // and a company's domain are RocketReach's data without being merged fields (`sources`).
        `SELECT (SELECT count(*) FROM enrichment_requests r
                  WHERE r.status = 'completed' AND jsonb_typeof(r.result->'attribution') = 'array'
                    AND r.result->'attribution' ? $1)
                  AS attributed,
                (SELECT count(*) FROM audit_events) AS audited`,
        [ROCKETREACH_ATTRIBUTION],
      ),
      this.dataSource.query<RunRow[]>(
        `(SELECT id, trigger, status, started_at, finished_at, total_deleted, error, 'last' AS which
            FROM retention_runs ORDER BY started_at DESC LIMIT 1)
         UNION ALL
         (SELECT id, trigger, status, started_at, finished_at, total_deleted, error, 'finished' AS which
            FROM retention_runs WHERE status = 'finished' ORDER BY started_at DESC LIMIT 1)`,
      ),
      this.dataSource.query<{ kind: string; n: string }[]>(
        'SELECT kind, count(*) AS n FROM suppressions GROUP BY kind ORDER BY kind',
      ),
    ]);
    const run = (which: string): RetentionRunSummary | null => {
      const found = runs.find((candidate) => candidate.which === which);
      return found
        ? {
            id: found.id,
            trigger: found.trigger,
            status: found.status,
            started_at: found.started_at.toISOString(),
            finished_at: found.finished_at?.toISOString() ?? null,
            total_deleted: Number(found.total_deleted),
            error: found.error,
          }
        : null;
    };
    // Every kind, 0 included: the answer's documented shape (and the typed client's) names each, and
    // a workspace that never erased anybody is no reason for a field to go missing.
    const byKind = Object.fromEntries(SUPPRESSION_KINDS.map((kind) => [kind, 0])) as Record<
      SuppressionKind,
      number
    >;
    for (const entry of suppressions) {
      byKind[entry.kind as SuppressionKind] = Number(entry.n);
    }
    return {
      retention: {
        policies_days: {
          person: this.monitor.retentionPersonDays,
          company: this.monitor.retentionCompanyDays,
          provider_calls: this.monitor.retentionProviderCallDays,
          results: this.monitor.retentionResultDays,
          webhook_events: this.monitor.retentionWebhookEventDays,
        },
        schedule: this.monitor.retentionCron || null,
        last_run: run('last'),
        last_finished_run: run('finished'),
      },
      suppressions: {
        total: Object.values(byKind).reduce((sum, n) => sum + n, 0),
        by_kind: byKind,
      },
      attribution: { text: ROCKETREACH_ATTRIBUTION, results: Number(row?.attributed ?? 0) },
      audit_events: Number(row?.audited ?? 0),
    };
  }
}
