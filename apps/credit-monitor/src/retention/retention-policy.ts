import type { CreditMonitorConfig } from '@sluice/config';

/** One table the retention run deletes from, and which of its rows are past their retention. */
export interface RetentionTarget {
  /** The kind of data (a policy): person, company, provider-calls, results, webhook-events. */
  kind: string;
  table: string;
  /** Column holding the row's age, or (with `days` 0) the time it expires. */
  column: string;
  /** Days a row is kept past `column`; 0 for a row that carries its own expiry time. */
  days: number;
  /** Extra condition a row must meet to be deleted (SQL over the table's columns). */
  where?: string;
}

const FINISHED = "status IN ('completed', 'failed', 'cancelled')";

/**
 * The retention policy, in deletion order (children before parents). Finished enrichment requests
 * are deleted by `RetentionRunner` together with their steps; one still pointed at by a batch
 * record (that record's latest run, a NO ACTION foreign key) is kept with its batch.
 */
export function retentionTargets(config: CreditMonitorConfig): RetentionTarget[] {
  return [
    { kind: 'person', table: 'person_phones', column: 'fetched_at', days: config.retentionPersonDays },
    { kind: 'person', table: 'person_profiles', column: 'fetched_at', days: config.retentionPersonDays },
    { kind: 'person', table: 'email_verifications', column: 'fetched_at', days: config.retentionPersonDays },
    { kind: 'person', table: 'officer_emails', column: 'fetched_at', days: config.retentionPersonDays },
    { kind: 'person', table: 'persons', column: 'fetched_at', days: config.retentionPersonDays },
    { kind: 'company', table: 'company_domains', column: 'fetched_at', days: config.retentionCompanyDays },
    {
      kind: 'company',
      table: 'company_firmographics',
      column: 'fetched_at',
      days: config.retentionCompanyDays,
    },
    { kind: 'company', table: 'company_officers', column: 'fetched_at', days: config.retentionCompanyDays },
    { kind: 'company', table: 'companies', column: 'fetched_at', days: config.retentionCompanyDays },
    {
      kind: 'provider-calls',
      table: 'provider_calls',
      column: 'created_at',
      days: config.retentionProviderCallDays,
    },
    {
      kind: 'results',
      table: 'enrichment_requests',
      column: 'completed_at',
      days: config.retentionResultDays,
      where: `${FINISHED} AND NOT EXISTS (SELECT 1 FROM batch_records b WHERE b.request_id = enrichment_requests.id)`,
    },
    { kind: 'results', table: 'callback_deliveries', column: 'created_at', days: config.retentionResultDays },
    {
      kind: 'webhook-events',
      table: 'webhook_events',
      column: 'received_at',
      days: config.retentionWebhookEventDays,
    },
    // Answers kept for Idempotency-Key replays, past the IDEMPOTENCY_TTL_S they were kept for
    // (the gateway no longer replays them; Redis's copies expired on their own).
    { kind: 'idempotency-answers', table: 'idempotency_answers', column: 'expires_at', days: 0 },
  ];
}
