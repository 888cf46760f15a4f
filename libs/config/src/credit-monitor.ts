import { parseExpression } from 'cron-parser';
import { isEmail, IsInt, IsNotEmpty, IsNumber, IsString, Max, Min } from 'class-validator';
import { CONFIG_PROVIDER_NAMES, isProviderName } from './provider-names';
import { Satisfies, Setting } from './setting';

const HOUR_MS = 3_600_000;

/**
 * The longest retention (days, about 270 years: in effect, kept for good). A run's cut-off is this
 * far back; one before PostgreSQL's first timestamp (4713 BC), or JavaScript's, fails the run at
 * that table and stops it before the tables after it.
 */
const RETENTION_MAX_DAYS = 100_000;

/**
 * A cron setting's problem, or null: empty (never) or a pattern BullMQ's job scheduler reads (it
 * parses with cron-parser too). A bad pattern would otherwise stop the credit monitor as it starts
 * its schedules, after it had connected, with the parser's message instead of the setting's name.
 */
function cronProblem(env: string): (value: string) => string | null {
  return (value) => {
    if (value.trim() === '') {
      return null;
    }
    try {
      parseExpression(value, { tz: 'UTC' });
      return null;
    } catch (error) {
      return `${env} must be a cron pattern such as "0 7 * * *" (or empty: never): ${(error as Error).message}`;
    }
  };
}

/** An alert channel's URL problem, or null: empty (the channel is off) or a URL of one of `schemes`. */
function channelUrlProblem(env: string, schemes: string[]): (value: string) => string | null {
  return (value) => {
    if (value.trim() === '') {
      return null;
    }
    let protocol = '';
    try {
      protocol = new URL(value.trim()).protocol.replace(/:$/, '');
    } catch {
      // not a URL: the message below (which never shows the value: it may hold a password)
    }
    return schemes.includes(protocol)
      ? null
      : `${env} must be a ${schemes.join(' or ')} URL (or empty: none); alerts would fail at delivery`;
  };
}

/** ALERT_EMAIL_TO's problem, or null: a comma-separated list of addresses (empty: no e-mail). */
function recipientsProblem(value: string): string | null {
  const bad = value
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '' && !isEmail(address));
  return bad.length > 0
    ? `ALERT_EMAIL_TO must list e-mail addresses separated by commas; not an address: ${bad.map((b) => JSON.stringify(b)).join(', ')}`
    : null;
}

/** One provider's credit policy (`CREDIT_POLICIES`): when to look, when to warn, when it renews. */
export interface CreditPolicy {
  /** How often its balance is read (ms). */
  checkEveryMs?: number;
  /** Absolute thresholds (credits): at or below, a warning / a critical alert. */
  warning?: number;
  critical?: number;
  /** Thresholds as a percentage of `allowance` (the plan's monthly credits); the higher threshold wins. */
  warningPercent?: number;
  criticalPercent?: number;
  allowance?: number;
  /** Day of the month (1–28) the plan renews; no forecast or reminder against a renewal without it. */
  renewalDay?: number;
}

const POLICY_KEYS = [
  'checkEveryMs',
  'warning',
  'critical',
  'warningPercent',
  'criticalPercent',
  'allowance',
  'renewalDay',
];

/** Why `CREDIT_POLICIES` is unusable, or null when it is fine. */
export function creditPoliciesProblem(raw: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw === '' ? '{}' : raw);
  } catch {
    return 'CREDIT_POLICIES must be a JSON object, e.g. {"snov":{"warning":100,"renewalDay":1}}';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'CREDIT_POLICIES must be a JSON object keyed by provider name';
  }
  for (const [provider, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isProviderName(provider)) {
      return `CREDIT_POLICIES names no provider '${provider}'; providers: ${CONFIG_PROVIDER_NAMES.join(', ')}`;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `CREDIT_POLICIES.${provider} must be an object`;
    }
    const entry = value as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((key) => !POLICY_KEYS.includes(key));
    if (unknown.length > 0) {
      return `CREDIT_POLICIES.${provider} has unknown key(s) ${unknown.join(', ')}; allowed: ${POLICY_KEYS.join(', ')}`;
    }
    for (const key of ['warning', 'critical', 'allowance']) {
      const v = entry[key];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        return `CREDIT_POLICIES.${provider}.${key} must be a number of credits >= 0`;
      }
    }
    for (const key of ['warningPercent', 'criticalPercent']) {
      const v = entry[key];
      if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 100)) {
        return `CREDIT_POLICIES.${provider}.${key} must be a percentage from 0 to 100`;
      }
    }
    const every = entry.checkEveryMs;
    if (
      every !== undefined &&
      !(typeof every === 'number' && Number.isInteger(every) && every >= 100 && every <= 7 * 24 * HOUR_MS)
    ) {
      return `CREDIT_POLICIES.${provider}.checkEveryMs must be a whole number of milliseconds from 100 to 604800000`;
    }
    const day = entry.renewalDay;
    if (day !== undefined && !(typeof day === 'number' && Number.isInteger(day) && day >= 1 && day <= 28)) {
      return `CREDIT_POLICIES.${provider}.renewalDay must be a day of the month from 1 to 28`;
    }
  }
  return null;
}

/** Balances, thresholds, forecasts, operational alerts and where alerts go. */
export class CreditMonitorConfig {
  @Setting({
    env: 'CREDIT_MONITOR_HOST',
    description: 'Interface the credit monitor’s /health and /metrics listen on.',
  })
  @IsString()
  @IsNotEmpty()
  host = '0.0.0.0';

  @Setting({ env: 'CREDIT_MONITOR_PORT', description: 'Port of the credit monitor’s /health and /metrics.' })
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 3003;

  @Setting({
    env: 'CREDIT_CHECK_INTERVAL_MS',
    description: 'How often each provider’s balance is read, unless CREDIT_POLICIES says otherwise.',
  })
  @IsInt()
  @Min(100)
  @Max(7 * 24 * HOUR_MS)
  checkIntervalMs = 2 * HOUR_MS;

  @Setting({
    env: 'CREDIT_POLICIES',
    description:
      'JSON object of per-provider credit policies: {"<provider>": {"checkEveryMs", "warning", "critical", "warningPercent", "criticalPercent", "allowance", "renewalDay"}}. Defaults: warning at 25 credits, critical at 5; Snov.io (cheapest credits, fastest burn) read every 30 minutes, or every CREDIT_CHECK_INTERVAL_MS if shorter.',
  })
  @Satisfies(creditPoliciesProblem)
  creditPolicies = '{}';

  @Setting({
    env: 'CREDIT_DRIFT_TOLERANCE',
    description:
      'Credits the provider may have taken beyond (or short of) the ledger between two readings before a drift alert.',
  })
  @IsNumber()
  @Min(0)
  driftTolerance = 5;

  @Setting({
    env: 'RENEWAL_REMINDER_DAYS',
    description: 'Days before a provider’s monthly renewal that a reminder goes out (0: none).',
  })
  @IsInt()
  @Min(0)
  @Max(27)
  renewalReminderDays = 3;

  @Setting({
    env: 'OPS_CHECK_INTERVAL_MS',
    description: 'How often failure rates, webhooks, stuck tasks and long pauses are checked.',
  })
  @IsInt()
  @Min(100)
  @Max(24 * HOUR_MS)
  opsCheckIntervalMs = 60_000;

  @Setting({
    env: 'FAILURE_RATE_THRESHOLD',
    description:
      'A provider’s share of failed calls (0..1) over FAILURE_RATE_WINDOW_MS that raises an alert.',
  })
  @IsNumber()
  @Min(0.001)
  @Max(1)
  failureRateThreshold = 0.1;

  @Setting({ env: 'FAILURE_RATE_WINDOW_MS', description: 'The window failure rates are measured over.' })
  @IsInt()
  @Min(1000)
  @Max(24 * HOUR_MS)
  failureRateWindowMs = 15 * 60_000;

  @Setting({
    env: 'FAILURE_RATE_MIN_CALLS',
    description: 'Calls in the window before a failure rate counts (a few calls prove nothing).',
  })
  @IsInt()
  @Min(1)
  failureRateMinCalls = 20;

  @Setting({
    env: 'WEBHOOK_FAILURE_ALERT_COUNT',
    description:
      'Provider webhooks refused (bad signature or token) or failing processing within FAILURE_RATE_WINDOW_MS that raise an alert.',
  })
  @IsInt()
  @Min(1)
  webhookFailureAlertCount = 5;

  @Setting({
    env: 'STUCK_TASK_GRACE_MS',
    description:
      'How long past its deadline an asynchronous provider task may stay unfinished before an alert.',
  })
  @IsInt()
  @Min(0)
  @Max(7 * 24 * HOUR_MS)
  stuckTaskGraceMs = 15 * 60_000;

  @Setting({
    env: 'PAUSE_ALERT_AFTER_MS',
    description: 'How long a provider may stay paused for credits before an alert says so.',
  })
  @IsInt()
  @Min(0)
  @Max(7 * 24 * HOUR_MS)
  pauseAlertAfterMs = 30 * 60_000;

  @Setting({
    env: 'USAGE_REPORT_CRON',
    emptyIsValue: true,
    description:
      'When the daily usage report goes out (cron, UTC; empty: never). It covers the previous UTC day.',
  })
  @IsString()
  @Satisfies(cronProblem('USAGE_REPORT_CRON'))
  usageReportCron = '0 7 * * *';

  @Setting({
    env: 'ALERT_WEBHOOK_URL',
    description: 'Slack-compatible incoming webhook for warning and critical alerts (empty: none).',
    sensitive: true,
  })
  @IsString()
  @Satisfies(channelUrlProblem('ALERT_WEBHOOK_URL', ['https', 'http']))
  alertWebhookUrl = '';

  @Setting({
    env: 'SMTP_URL',
    description:
      'SMTP server for critical alerts and reports, e.g. smtp://user:pass@mail.example.com:587 (empty: none).',
    sensitive: true,
  })
  @IsString()
  @Satisfies(channelUrlProblem('SMTP_URL', ['smtp', 'smtps']))
  smtpUrl = '';

  @Setting({ env: 'ALERT_EMAIL_TO', description: 'Comma-separated recipients of alert e-mails.' })
  @IsString()
  @Satisfies(recipientsProblem)
  alertEmailTo = '';

  @Setting({ env: 'ALERT_EMAIL_FROM', description: 'Sender of alert e-mails.' })
  @IsString()
  alertEmailFrom = 'Sluice alerts <alerts@sluice.local>';

  @Setting({
    env: 'ALERT_DELIVERY_ATTEMPTS',
    description: 'Attempts per alert and channel (exponential backoff from 5 s) before it is given up.',
  })
  @IsInt()
  @Min(1)
  @Max(30)
  alertDeliveryAttempts = 8;

  @Setting({
    env: 'ALERT_REDELIVER_AFTER_MS',
    description:
      'How long after a channel gave up an alert whose condition still holds its delivery is tried again (ALERT_DELIVERY_ATTEMPTS more), for as long as the condition holds.',
  })
  @IsInt()
  @Min(100)
  @Max(24 * HOUR_MS)
  alertRedeliverAfterMs = 30 * 60_000;

  @Setting({ env: 'CREDIT_MONITOR_CONCURRENCY', description: 'Monitor jobs run at once per process.' })
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency = 4;

  @Setting({
    env: 'RETENTION_CRON',
    emptyIsValue: true,
    description:
      'When the nightly retention run deletes data older than its retention (cron, UTC; empty: never on a schedule).',
  })
  @IsString()
  @Satisfies(cronProblem('RETENTION_CRON'))
  retentionCron = '30 2 * * *';

  @Setting({
    env: 'RETENTION_PERSON_DAYS',
    description:
      'Days person data (persons, person_phones, person_profiles, email_verifications, officer_emails) is kept after it was fetched. Every RETENTION_*_DAYS is at most 100000 (about 270 years: kept for good).',
  })
  @IsInt()
  @Min(1)
  @Max(RETENTION_MAX_DAYS)
  retentionPersonDays = 365;

  @Setting({
    env: 'RETENTION_COMPANY_DAYS',
    description:
      'Days company data (companies, company_domains, company_firmographics, company_officers) is kept after it was fetched.',
  })
  @IsInt()
  @Min(1)
  @Max(RETENTION_MAX_DAYS)
  retentionCompanyDays = 365;

  @Setting({
    env: 'RETENTION_PROVIDER_CALL_DAYS',
    description: 'Days provider call logs (provider_calls) are kept.',
  })
  @IsInt()
  @Min(1)
  @Max(RETENTION_MAX_DAYS)
  retentionProviderCallDays = 730;

  @Setting({
    env: 'RETENTION_RESULT_DAYS',
    description:
      'Days finished enrichment requests (with their steps) and callback delivery logs are kept after they finished.',
  })
  @IsInt()
  @Min(1)
  @Max(RETENTION_MAX_DAYS)
  retentionResultDays = 90;

  @Setting({ env: 'RETENTION_WEBHOOK_EVENT_DAYS', description: 'Days raw provider webhook events are kept.' })
  @IsInt()
  @Min(1)
  @Max(RETENTION_MAX_DAYS)
  retentionWebhookEventDays = 30;

  @Setting({
    env: 'RETENTION_BATCH_ROWS',
    description: 'Rows one retention delete statement removes (each batch is its own short transaction).',
  })
  @IsInt()
  @Min(1)
  @Max(100_000)
  retentionBatchRows = 1000;

  @Setting({
    env: 'RETENTION_ALERT_ROWS',
    description: 'A retention run deleting more rows than this (all kinds together) raises an alert.',
  })
  @IsInt()
  @Min(0)
  retentionAlertRows = 100_000;

  /** CREDIT_POLICIES, parsed (validated at load). */
  get policies(): Record<string, CreditPolicy> {
    return JSON.parse(this.creditPolicies === '' ? '{}' : this.creditPolicies) as Record<
      string,
      CreditPolicy
    >;
  }

  get emailTo(): string[] {
    return this.alertEmailTo
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean);
  }
}
