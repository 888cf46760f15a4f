/**
 * Example answers shown in the OpenAPI document (and typed into the generated client). They are
 * shaped like the real answers; integration tests read the real ones.
 */

const JOB_ID = '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f';
const WORKSPACE_ID = 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e';
const KEY_ID = '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a';
/** The job the example job runs again. */
const RETRIED_JOB_ID = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

export const JOB_VIEW_EXAMPLE = {
  id: JOB_ID,
  type: 'company.profile',
  status: 'completed',
  priority: 'interactive',
  input: { company_number: '07798925' },
  result: { company: { company_number: '07798925', company_name: 'ACME WIDGETS LIMITED', status: 'active' } },
  error: null,
  credits_spent: 0,
  max_credits: 5,
  options: { verify: true },
  steps: [
    {
      seq: 1,
      goal: 'company.profile',
      provider: 'companies-house',
      operation: 'company.profile',
      state: 'completed',
      reason: null,
      cached: false,
      attempts: 1,
      latency_ms: 182,
      credits: 0,
      error: null,
      completed_at: '2026-12-01T09:30:02.120Z',
    },
  ],
  // A retry (of the job named), not retried itself: a client follows a chain of retries by these.
  retry_of: RETRIED_JOB_ID,
  retried_as: null,
  created_at: '2026-12-01T09:30:01.900Z',
  updated_at: '2026-12-01T09:30:02.130Z',
  completed_at: '2026-12-01T09:30:02.130Z',
};

/** What may be null in a job and its steps. */
export const JOB_VIEW_NULLABLE = [
  'result',
  'error',
  'max_credits',
  'reason',
  'latency_ms',
  'completed_at',
  'retry_of',
  'retried_as',
];
export const JOB_VIEW_FREEFORM = ['input', 'result', 'options'];

export const JOB_CREATED_EXAMPLE = { id: JOB_ID, status: 'queued' };

export const BULK_ANSWER_EXAMPLE = {
  accepted: [
    { index: 0, id: JOB_ID },
    { index: 2, id: '7a2d4f3e-6b5c-4d2e-8f9a-1b2c3d4e5f60' },
  ],
  rejected: [{ index: 1, errors: ['type must be one of: company.profile, company.officers, …'] }],
};

export const BULK_BODY_EXAMPLE = {
  jobs: [
    { type: 'company.profile', input: { company_number: '07798925' } },
    { type: 'person.email', input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' } },
  ],
};

export const JOB_LIST_EXAMPLE = {
  data: [
    {
      id: JOB_ID,
      type: 'company.profile',
      status: 'completed',
      priority: 'bulk',
      input: { company_number: '07798925' },
      error: null,
      retry_of: null,
      retried_as: null,
      created_at: '2026-12-01T09:30:01.900Z',
      updated_at: '2026-12-01T09:30:02.130Z',
      completed_at: '2026-12-01T09:30:02.130Z',
    },
  ],
  next_cursor: 'WyIyMDI2LTEyLTAxIDA5OjMwOjAxLjkrMDAiLCI2ZjFjM2YyZS01YTRiLTRjMWQtOWU4Zi0wYTFiMmMzZDRlNWYiXQ',
};

export const JOB_EVENTS_EXAMPLE = [
  'id: 1',
  'event: snapshot',
  `data: {"id":"${JOB_ID}","status":"running","steps":[]}`,
  '',
  'id: 2',
  'event: step',
  `data: {"job_id":"${JOB_ID}","seq":1,"provider":"companies-house","state":"completed"}`,
  '',
  'id: outcome',
  'event: completed',
  `data: {"job_id":"${JOB_ID}","status":"completed","result":{"company":{}},"error":null,"credits_spent":0}`,
  '',
  '',
].join('\n');

export const WEBHOOK_SECRET_EXAMPLE = {
  webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  previous_valid_until: '2026-12-02T09:30:00.000Z',
};

export const DELIVERIES_EXAMPLE = {
  deliveries: [
    {
      webhook_id: 'msg_2f1c3f2e5a4b4c1d',
      url: 'https://crm.example.com/hooks/sluice',
      attempt: 1,
      status: 200,
      error: null,
      latency_ms: 84,
      at: '2026-12-01T09:30:03.000Z',
    },
  ],
};

const QUOTA = {
  provider: 'snov',
  monthly_credits: 500,
  policy: 'refuse',
  used: 120,
  remaining: 380,
  month: '2026-12',
};
export const QUOTA_EXAMPLE = QUOTA;
export const QUOTAS_EXAMPLE = { quotas: [QUOTA] };

export const CREDITS_EXAMPLE = {
  providers: [
    {
      provider: 'snov',
      balance: 4200,
      unlimited: false,
      balance_read_at: '2026-12-01T09:00:00.000Z',
      reserved: 2,
      spent_today: 14,
      spent_this_month: 120,
      burn_rate_per_day: 35.5,
      forecast_exhaustion: '2027-01-27T00:00:00.000Z',
      renewal_date: '2026-12-15T00:00:00.000Z',
      queue: { state: 'running', paused_since: null, reason: null },
      quota: QUOTA,
    },
  ],
};
export const CREDITS_NULLABLE = [
  'balance',
  'balance_read_at',
  'forecast_exhaustion',
  'renewal_date',
  'paused_since',
  'reason',
  'quota',
];

const USAGE_ROW = {
  provider: 'snov',
  workspace_id: WORKSPACE_ID,
  calls: 40,
  hits: 31,
  credits: 31,
  cost_per_hit: 1,
};
export const USAGE_EXAMPLE = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  by_provider: [USAGE_ROW],
  by_api_key: [{ ...USAGE_ROW, api_key_id: KEY_ID }],
};

export const ALERTS_EXAMPLE = {
  alerts: [
    {
      id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      kind: 'credits.threshold',
      severity: 'warning',
      provider: 'snov',
      title: 'snov: 20 credits left (warning at 25)',
      text: "snov's balance is 20 credits, at or below the warning threshold of 25.",
      details: { balance: 20, reserved: 0, threshold: 25, level: 'warning' },
      deliveries: { slack: 'sent' },
      created_at: '2026-12-01T09:00:00.000Z',
    },
  ],
};

const KEY_VIEW = {
  id: KEY_ID,
  name: 'crm-sync',
  key_prefix: 'slk_Ab12Cd',
  scopes: ['enrich', 'jobs:read'],
  created_at: '2026-12-01T09:00:00.000Z',
  last_used_at: null,
  revoked_at: null,
};
export const KEY_VIEW_NULLABLE = ['last_used_at', 'revoked_at'];
export const KEY_CREATED_EXAMPLE = { ...KEY_VIEW, api_key: 'slk_Ab12CdEf34GhIj56KlMn78OpQr90StUv12WxYz345' };
export const KEYS_EXAMPLE = { keys: [{ ...KEY_VIEW, last_used_at: '2026-12-01T09:30:00.000Z' }] };
export const KEY_REVOKED_EXAMPLE = { ...KEY_VIEW, revoked_at: '2026-12-01T10:00:00.000Z' };
export const RATE_LIMITS_EXAMPLE = { rate_limits: { per_minute: 300, per_hour: 5000, per_day: 50000 } };

export const WORKSPACE_CREATED_EXAMPLE = {
  workspace: {
    id: WORKSPACE_ID,
    name: 'Acme RevOps',
    slug: 'acme-revops',
    tier: 'standard',
    created_at: '2026-12-01T09:00:00.000Z',
  },
  api_key: 'slk_Zy98Xw76Vu54Ts32Rq10PoNmLkJiHgFeDcBa0123456',
  webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export const PAUSED_EXAMPLE = { provider: 'snov', paused: true };
export const RESUMED_EXAMPLE = { provider: 'snov', paused: false };
export const CREDITS_CHECK_EXAMPLE = {
  status: 'queued',
  job_id: 'credits-check-1796227551028',
  providers: ['companies-house', 'snov', 'rocketreach'],
};
export const USAGE_REPORT_EXAMPLE = { status: 'queued', job_id: 'usage-report-1796227551028' };

export const RETENTION_RUN_EXAMPLE = { status: 'queued', job_id: 'retention-run-1796239573990-5f0c2a9e' };

export const RETENTION_RUNS_EXAMPLE = {
  data: [
    {
      id: '4b0c8a39-2f7e-4f57-9d51-0c1c1f2b9a10',
      trigger: 'schedule',
      status: 'finished',
      started_at: '2026-12-02T02:30:00.012Z',
      finished_at: '2026-12-02T02:30:04.873Z',
      deleted: {
        person_phones: 12,
        person_profiles: 9,
        email_verifications: 4,
        officer_emails: 3,
        persons: 40,
        company_domains: 0,
        company_firmographics: 2,
        company_officers: 0,
        companies: 5,
        provider_calls: 1800,
        enrichment_steps: 950,
        enrichment_requests: 310,
        callback_deliveries: 120,
        webhook_events: 75,
      },
      total_deleted: 3326,
      error: null,
    },
  ],
};

const ERASED_EXAMPLE = {
  batch_records: 0,
  enrichment_steps: 3,
  enrichment_requests: 1,
  callback_deliveries: 1,
  provider_calls: 0,
  webhook_events: 0,
  person_phones: 1,
  person_profiles: 1,
  email_verifications: 1,
  officer_emails: 0,
  persons: 1,
  company_officers: 0,
  companies: 0,
  imports: 0,
  idempotency_answers: 1,
  redis_cache_entries: 2,
};

/** DELETE /v1/persons, finished within ERASURE_WAIT_MS. */
export const ERASURE_EXAMPLE = {
  id: '6f2d0c1e-8a4b-4c3d-9e7f-1a2b3c4d5e6f',
  erased: ERASED_EXAMPLE,
  suppressed: [{ kind: 'email' }, { kind: 'linkedin_url' }],
};

/** An erasure's record: GET /v1/erasures/:id, and DELETE /v1/persons when it answers 202. */
export const ERASURE_RECORD_EXAMPLE = {
  id: '6f2d0c1e-8a4b-4c3d-9e7f-1a2b3c4d5e6f',
  status: 'completed',
  kind: 'email',
  identifier_hash: 'a7c3e1f0b9d24c6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e',
  suppressed: [{ kind: 'email' }, { kind: 'linkedin_url' }],
  erased: ERASED_EXAMPLE,
  error: null,
  created_at: '2026-12-02T10:00:00.000Z',
  finished_at: '2026-12-02T10:01:02.000Z',
  heartbeat_at: '2026-12-02T10:01:02.000Z',
};

/** DELETE /v1/persons, not finished within ERASURE_WAIT_MS. */
export const ERASURE_RUNNING_EXAMPLE = {
  ...ERASURE_RECORD_EXAMPLE,
  status: 'running',
  erased: null,
  finished_at: null,
  heartbeat_at: '2026-12-02T10:00:20.000Z',
};

/** What a stored erasure may leave empty. */
export const ERASURE_RECORD_NULLABLE = ['erased', 'error', 'finished_at'] as const;
