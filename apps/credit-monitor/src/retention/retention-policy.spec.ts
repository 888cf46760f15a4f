import { CreditMonitorConfig } from '@sluice/config';
import { retentionTargets } from './retention-policy';

describe('the retention policy', () => {
  const config = Object.assign(new CreditMonitorConfig(), {
    retentionPersonDays: 365,
    retentionCompanyDays: 366,
    retentionProviderCallDays: 730,
    retentionResultDays: 90,
    retentionWebhookEventDays: 14,
  });
  const targets = retentionTargets(config);
  const at = (table: string): number => targets.findIndex((t) => t.table === table);

  it('keeps each kind of data for its own period', () => {
    const days = Object.fromEntries(targets.map((t) => [t.table, t.days]));
    expect(days).toEqual({
      person_phones: 365,
      person_profiles: 365,
      email_verifications: 365,
      officer_emails: 365,
      persons: 365,
      company_domains: 366,
      company_firmographics: 366,
      company_officers: 366,
      companies: 366,
      provider_calls: 730,
      enrichment_requests: 90,
      callback_deliveries: 90,
      webhook_events: 14,
      idempotency_answers: 0,
    });
  });

  it('deletes answers kept for Idempotency-Key replays once they expire, whatever the other periods', () => {
    const answers = targets[at('idempotency_answers')];
    expect({ column: answers.column, days: answers.days, where: answers.where }).toEqual({
      column: 'expires_at',
      days: 0,
      where: undefined,
    });
  });

  it('defaults to a year for people and companies, two years of call logs and 90 days of results', () => {
    const defaults = new CreditMonitorConfig();
    expect([
      defaults.retentionPersonDays,
      defaults.retentionCompanyDays,
      defaults.retentionProviderCallDays,
      defaults.retentionResultDays,
    ]).toEqual([365, 365, 730, 90]);
  });

  it('deletes children before their parents', () => {
    expect(at('person_phones')).toBeLessThan(at('persons'));
    expect(at('officer_emails')).toBeLessThan(at('persons'));
    expect(at('company_domains')).toBeLessThan(at('companies'));
    expect(at('company_officers')).toBeLessThan(at('companies'));
  });

  it('deletes only finished requests, and none a batch record still points at', () => {
    const requests = targets[at('enrichment_requests')];
    expect(requests.column).toBe('completed_at');
    expect(requests.where).toContain("status IN ('completed', 'failed', 'cancelled')");
    expect(requests.where).toContain('batch_records');
  });
});
