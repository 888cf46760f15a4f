/**
 * GENERATED FILE: do not edit. The gateway's OpenAPI document (libs/client/openapi.json) as types,
 * by openapi-typescript. Regenerate with `npm run client:generate` after changing a controller or a DTO.
 */

export interface paths {
  '/v1/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List jobs, newest first
     * @description Filters: `status`, `type`, `import_id` (the jobs of one CSV import), `created_after`, `created_before` (ISO 8601); `limit` 1–200 (default 50). Pass `next_cursor` back as `cursor` for the next page; null on the last. Each job names the job it runs again (`retry_of`) and the job it was run again as (`retried_as`), as `GET /v1/jobs/{id}` does.
     */
    get: operations['JobsController_list'];
    put?: never;
    /**
     * Enqueue an enrichment job
     * @description Answers at once with the job id; poll GET /v1/jobs/{id}.
     */
    post: operations['JobsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enqueue many jobs at once
     * @description Body `{"jobs": [...]}`, each job as POST /v1/jobs takes it (priority defaults to bulk), up to JOBS_BULK_MAX. Each job is checked on its own: the valid ones are enqueued together, the others are listed with their problems by index.
     */
    post: operations['JobsController_bulk'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a failed or cancelled job again, or a completed one that left a goal to retry later, as a new job with the same type, input and options
     * @description Answers with the new job. The cache and the store answer what was already paid for: with `options.max_age_days`, the retry measures an answer’s age from when the original job was made (the first of a chain of retries), so it reuses what the original’s calls bought — with `max_age_days: 0` too — instead of paying for it again; answers are never older than they may be for a job without `max_age_days`. A completed job can be retried when its result names, in `unresolved[].retry_later`, a provider that could not be asked or could not answer for a reason that passes (its credits, its circuit, a quota, an operator’s pause, its rate window). The retry keeps the job’s CSV import and batch and stands for it there: it is listed by `GET /v1/jobs?import_id=`, the batch record’s current job becomes the retry, the import’s and batch’s progress and their exports count each row or record once, as its latest attempt, and their credits count every attempt (a batch’s `last_run` includes the retries of that run’s jobs); an import’s row counts, for resuming it, count first attempts only. A job is retried once: retry its retry to run it again. A job of a cancelled batch, or one a later run of its batch has replaced, is not retried.
     */
    post: operations['JobsController_retry'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server-sent events of a job: `snapshot`, then `step` and `status` as they happen, then `completed`, `failed` or `cancelled` with the result
     * @description The `snapshot` is the job as `GET /v1/jobs/{id}` shows it (its retries, `retry_of` and `retried_as`, included). The stream ends after the outcome. A page can show a lead’s e-mail or phone appear without polling. Workers announce each change over Redis; the gateway also re-reads the job every 5 s in case a message was lost. Every event has an `id:`, the outcome’s being `outcome`; a reconnect (EventSource sends the last id it read as `Last-Event-ID`) is sent a fresh snapshot, or 204 when it has read the outcome, which stops EventSource reconnecting.
     */
    get: operations['JobsController_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A job: status, steps (provider, operation, state, latency, credits, error) and result
     * @description `retry_of` names the job this one runs again (`POST /v1/jobs/{id}/retry`; null for a first attempt) and `retried_as` the job it was run again as (null while it has not been): a client follows a chain of retries by them, from the first attempt to the latest. The `snapshot` event of `GET /v1/jobs/{id}/events` and the items of `GET /v1/jobs` carry them too.
     */
    get: operations['JobsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a job
     * @description Stops all further provider calls (and spend) for the job; finished steps keep their results.
     */
    post: operations['JobsController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a workspace and its API key (shown once; only a hash is stored) */
    post: operations['WorkspacesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-secret/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rotate the workspace’s webhook signing secret
     * @description Returns the new secret once. Until `previous_valid_until` callbacks carry signatures by both the old and the new secret.
     */
    post: operations['CallbacksController_rotate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/callback/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every attempt to deliver the job’s result to its callback_url */
    get: operations['CallbacksController_deliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/jobs/{id}/callback/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Deliver the finished job’s result to its callback_url again */
    post: operations['CallbacksController_redeliver'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/providers/{name}/pause': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pause a provider: no call reaches it until an operator resumes it */
    post: operations['ProvidersAdminController_pause'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/providers/{name}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume a provider paused by hand or for credits */
    post: operations['ProvidersAdminController_resume'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/credits/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Read every provider’s balance now (and resume those paused for credits that can pay) */
    post: operations['ProvidersAdminController_check'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/reports/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send the usage report now (per provider and workspace: calls, hits, credits, cost per hit)
     * @description Body `{"day": "YYYY-MM-DD"}` (UTC); yesterday by default, as the daily schedule sends it. Today is allowed (its report counts the calls made so far); a later day, or one before 2026-11-22 (the day Sluice’s schema dates from, so no installation has usage before it), is a 400.
     */
    post: operations['ProvidersAdminController_usageReport'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/retention/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List retention runs, newest first: when, rows deleted per table, error */
    get: operations['RetentionAdminController_list'];
    put?: never;
    /**
     * Run retention now (the credit monitor deletes data past its retention, in small batches)
     * @description The run is queued for the credit monitor; its report row appears in GET /v1/admin/retention/runs. One run goes at a time: while one is queued or running (asked for here, or the nightly one), another is refused with a 409 naming it.
     */
    post: operations['RetentionAdminController_runNow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/persons': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Erase a person everywhere and never enrich them again
     * @description Give exactly one of `email` or `linkedin_url`. Deletes every stored row of this workspace mentioning the person (people, phones, officer e-mails, jobs with their steps and results, provider call logs, callback logs, webhook bodies, the import row errors quoting them) and the shared stores holding them, drops the cached provider answers about them and the answers kept for Idempotency-Key replays that name them, and records a suppression (a SHA-256 of the normalised identifier, never the identifier): later jobs for them are refused with `suppressed` before any credit is spent.
     *
     *     The suppression is recorded before the answer. The deletions read the workspace's whole history (a minute or more for a year of it): the route waits for them up to ERASURE_WAIT_MS (20 s by default) and answers 200 with what was erased and the erasure's `id`; if they take longer it answers 202 with the erasure's record (`status: running`) and `Location: /v1/erasures/{id}`, and the erasure goes on to its end. Follow it with GET /v1/erasures/{id}. Erasures of one workspace run one after another. Repeating the request is safe, and finishes an erasure that failed or was interrupted.
     */
    delete: operations['PersonsController_erase'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/erasures': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List erasures, newest first
     * @description `status` is `running`, `completed` (with what was `erased`, as DELETE /v1/persons answers it) or `failed` (with the `error`). A running erasure whose gateway gave no sign of life for ERASURE_STALE_AFTER_MS reads as `failed`, interrupted: repeat the DELETE to finish it (repeating is safe). The person is named only by the kind and SHA-256 of the identifier their suppression is stored under. `limit` 1–100 (default 20). Pass `next_cursor` back as `cursor` for the next page; null on the last.
     */
    get: operations['ErasuresController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/erasures/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An erasure: its status, what it erased, or why it failed
     * @description `status` is `running`, `completed` (with what was `erased`, as DELETE /v1/persons answers it) or `failed` (with the `error`). A running erasure whose gateway gave no sign of life for ERASURE_STALE_AFTER_MS reads as `failed`, interrupted: repeat the DELETE to finish it (repeating is safe). The person is named only by the kind and SHA-256 of the identifier their suppression is stored under.
     */
    get: operations['ErasuresController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/providers/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every provider’s effective settings, and which of them come from the database
     * @description `settings` is what the workers run with; `defaults` the environment’s values (PROVIDER_OVERRIDES over the built-in ones); `from_database` names the fields an operator overrode.
     */
    get: operations['ProviderSettingsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/providers/{name}/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Override some of a provider’s settings (live in every worker, no restart)
     * @description A partial update: fields left out keep their value, a field set to null goes back to the environment’s value. Fields: `enabled` (boolean), `priority` (whole number, lower goes first), `minimum_tier` (free, pro, enterprise), `rate_limits` (list of `{name, limit, window_ms, tier?, operations?}`, replacing the provider’s limits: each rule counts in a window of its own, so names are unique; a rule with `tier` counts only calls for workspaces of that tier, one with `operations` only calls of those operations of the provider, e.g. RocketReach’s person-lookup API is `lookup_person`, `find_work_email` and `find_phone`), `poll_interval_ms` (workers apply these live), `credit_warning` and `credit_critical` (balances in credits at or below which the credit monitor alerts, applied at its next balance check), `costs` (per capability `{credits, charged_on_miss}`: what one call costs, for when a provider changes its prices; a capability left out keeps its price, one set to null goes back to the published price. Reservations, `max_credits`, cost ordering, pausing and what the ledger charges follow it). Unknown or invalid fields are refused (400) and nothing is written.
     */
    put: operations['ProviderSettingsController_update'];
    post?: never;
    /** Drop every override of a provider: it runs with the environment’s settings again */
    delete: operations['ProviderSettingsController_reset'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/credits': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per provider: balance, reserved, spend, burn rate, forecast exhaustion, renewal, queue state, quota */
    get: operations['CreditsController_credits'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/credits/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This workspace’s usage per provider and API key: calls, hits, credits, cost per hit */
    get: operations['CreditsController_usage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Recent alerts: about the providers, and about this workspace (its quotas)
     * @description Usage reports cover every workspace and go to ops only.
     */
    get: operations['CreditsController_alerts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{workspace}/quotas': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A workspace’s quotas with what it used this month */
    get: operations['QuotasAdminController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{workspace}/quotas/{provider}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set a workspace’s monthly credit quota at a provider */
    put: operations['QuotasAdminController_set'];
    post?: never;
    /** Remove a workspace’s quota at a provider */
    delete: operations['QuotasAdminController_remove'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{workspace}/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The workspace’s API keys (prefixes and scopes; never the keys) */
    get: operations['ApiKeysController_list'];
    put?: never;
    /** Create an API key with scopes; the key is in this answer only */
    post: operations['ApiKeysController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{workspace}/keys/{key}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API key: it is refused from the next request on */
    delete: operations['ApiKeysController_revoke'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{workspace}/limits': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Set the workspace’s API rate limits (null: back to the default) */
    patch: operations['ApiKeysController_limits'];
    trace?: never;
  };
  '/v1/enrich': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enrich one person or company in real time
     * @description Identifiers at the top level (email, domain, company_name, linkedin_url, first_name, last_name, full_name, phone; at least one usable) and `enrich`, the fields wanted, from: first_name, last_name, full_name, title, seniority, department, company_name, company_domain, industry, company_size, company_revenue, technologies, location, city, state, country, zip_code, linkedin_url, phone, phone_extension, mobile_phone, business_email, personal_email, email_status. Answers from the workspace’s answer cache at once (`cached: true`); otherwise runs the waterfalls and waits up to `timeout_ms` (default ENRICH_TIMEOUT_MS, 2,000), then answers 202 with the job id to poll (GET /v1/jobs/{id}) or stream (GET /v1/jobs/{id}/events). Every field asked is in `data`, null when unknown; `sources` names the provider of each known field and `confidence` its confidence; data from RocketReach carries "Powered by RocketReach" in `attribution`; data from the provider sandbox has `sandbox: true` and a notice.
     */
    post: operations['EnrichController_enrich'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/enrich/enqueue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enrich many records asynchronously
     * @description Body `{"records": [{identifiers}], "enrich": [fields], "options"?, "priority"? (default bulk), "callback_url"?, "max_credits"? (per record)}`, up to ENRICH_ENQUEUE_MAX records. Each record is checked on its own: the valid ones become `enrich` jobs together, the others are listed with their problems by index. Results: GET /v1/jobs/{id}, its events, or the callback.
     */
    post: operations['EnrichController_enqueue'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every provider: capabilities, whose credentials, enabled, paused, circuit state and credits
     * @description `credentials` is `workspace` when this workspace stored its own (PUT /v1/providers/:name/credentials), `platform` when calls use the deployment’s, null when there are none. `enabled` says the provider is switched on and configured; a pause leaves it as it is: `paused` and `pause` say by whom (`operator` or `credits`), why and since when, and `available` whether waterfalls route this workspace’s new work to it now (a pause for the platform’s credits does not hold a workspace on its own credentials). No secret is ever shown.
     */
    get: operations['ProvidersController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/providers/{name}/credentials': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Store this workspace’s own credentials for a provider (encrypted at rest)
     * @description Calls for this workspace then use these credentials instead of the platform’s (within seconds), and what they spend is the workspace’s own, not the platform’s credits. Its steps already waiting for the platform’s account at that provider (held by a pause for the platform’s credits, say) move to its own account at once. The body has exactly the provider’s fields: `client_id` and `client_secret` for snov, `api_key` for every other provider. The answer never contains the secret.
     */
    put: operations['ProvidersController_put'];
    post?: never;
    /** Remove this workspace’s credentials for a provider: its calls use the platform’s again */
    delete: operations['ProvidersController_remove'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/batches': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The workspace's batches, newest first
     * @description Query: `limit` (1–100, default 20), and `cursor` (the previous page’s `next_cursor`; null on the last page) or `offset` (default 0). Follow `next_cursor`: batches created meanwhile do not shift its pages. Pages by `offset` do (a batch created between two pages pushes the older ones down, and the second page repeats the last of the first); `next_offset` is null on the last page and when paging by cursor.
     */
    get: operations['BatchesController_list'];
    put?: never;
    /**
     * Enrich a set of records as one batch
     * @description Body: `records` (each with identifiers — email, domain, company_name, linkedin_url, first_name, last_name, full_name, phone — and optionally `external_id` and `occurred_at`, an ISO date such as when the deal closed), `enrich` (fields, from: first_name, last_name, full_name, title, seniority, department, company_name, company_domain, industry, company_size, company_revenue, technologies, location, city, state, country, zip_code, linkedin_url, phone, phone_extension, mobile_phone, business_email, personal_email, email_status), and optionally `name`, `options`, `since_days` (1–3650: only records whose occurred_at is within that many days; records without occurred_at are left out), `limit` (1–BATCHES_MAX_RECORDS: at most that many records, the most recent occurred_at first), `priority` (default bulk), `max_credits` (for the whole batch per run: each record's job may spend an equal share, rounded down to 4 decimals; a budget below 0.0001 per record is a 400) and `schedule` (`{"every_days": n}`, 1–365: records whose last enrichment is older are enriched again). Each record becomes an ordinary `enrich` job; invalid records are reported by index and not fatal; a bad batch setting is a 400 and nothing is written.
     */
    post: operations['BatchesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/batches/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A batch: status, progress and its records with their jobs and steps
     * @description Progress counts the records’ current jobs by status; credits_spent covers every run. `records` is a page in index order: `limit` (1–500, default 100) records after the index `after` (the previous page’s `next_cursor`).
     */
    get: operations['BatchesController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/batches/{id}/summary': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What a batch found
     * @description Over the records’ current jobs: coverage per provider (records answered and fields supplied), per field (share of records with a value), failures (jobs and steps, top reasons), top industries, company sizes (1-10 … 5001+), seniority and departments — each distribution only when its field was asked; industries and departments that differ only in case or surrounding white space are counted as one, under the spelling most records have — credits spent (last run and all runs), the last run, and when the batch was cancelled (`cancelled_at`, null unless it was).
     */
    get: operations['BatchesController_summary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/batches/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a batch
     * @description Every unfinished job of the batch is cancelled at once; finished ones keep their results. The batch is cancelled for good: its schedule and job scheduler are removed, a scheduled run already under way enqueues nothing more, and setting a schedule again is a 409. The batch shows `status: "cancelled"` and `cancelled_at` (its summary too). The audit trail records it as `batch.cancel`. Cancelling again changes nothing, and records nothing.
     */
    post: operations['BatchesController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/batches/{id}/schedule': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set a batch's re-enrichment schedule
     * @description Body `{"every_days": n}` (1–365): records whose last enrichment finished more than n days ago are enriched again by ordinary enrich jobs (the provider cache and store answer what is still fresh without paying). Checked every BATCH_REFRESH_TICK_MS. A new or different schedule is recorded in the audit trail as `batch.schedule.set`; the schedule the batch already has changes nothing and records nothing.
     */
    put: operations['BatchesController_setSchedule'];
    post?: never;
    /**
     * Stop a batch's re-enrichment
     * @description Removes the schedule and its job scheduler. The audit trail records it as `batch.schedule.delete` when the batch had a schedule; without one, nothing changes and nothing is recorded.
     */
    delete: operations['BatchesController_deleteSchedule'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/imports': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List imports, newest first
     * @description Filters: `reference` (the label given at upload: how a client whose upload was cut off finds the import to resume), `status` (`running`, `completed`, `failed`); `limit` 1–100 (default 20). Pass `next_cursor` back as `cursor` for the next page; null on the last.
     */
    get: operations['ImportsController_list'];
    put?: never;
    /**
     * Import a CSV: one job per valid row, the file streamed (any number of rows up to IMPORT_MAX_ROWS)
     * @description Send `multipart/form-data` with the settings as form fields **before** a file part named `file` (with a filename; a file part under another name is a 400), or the CSV itself as a `text/csv` body with the settings as query parameters. The first line is the header. Another Content-Type is a 415.
     *
     *     Either may be sent compressed, with `Content-Encoding: gzip`, `deflate` or `br` (as the JSON routes take them): it is decoded as it arrives, and IMPORT_MAX_BYTES limits the file as decoded. A body that does not decode as its Content-Encoding says is a 400 naming it; another Content-Encoding is a 415.
     *
     *     The file is UTF-8, with or without a byte order mark (Excel: "CSV UTF-8"), or UTF-16 starting with its byte order mark (Excel: "Unicode Text"); lines may end in CRLF, LF or CR, even mixed; blank lines are skipped; quoted cells may hold separators, quotes and line breaks. The separator is told from the header line, outside quotes: a comma if it holds one, otherwise a semicolon (Excel's "CSV" in many European locales) or a tab; a header holding semicolons and tabs but no comma is a 400 saying so. A file that is not UTF-8 is a 400 naming the first line that is not; one holding NUL bytes (a workbook renamed .csv) a 400 saying it is no CSV text.
     *
     *     Settings: `type` (required; the request type every row becomes), `mapping` (JSON: CSV column → input field, e.g. `{"Work Email":"email"}`; without it, columns named after an input field of the type are used, in any case, with spaces or hyphens for underscores: `First Name` is `first_name`), `options` (JSON, as POST /v1/jobs takes them), `priority` (`bulk` by default), `callback_url`, `reference` (a label of 1–128 visible ASCII characters to find the import again without its id: GET /v1/imports?reference=) and `resume` (the id of a failed import to resume).
     *
     *     Each row is checked as POST /v1/jobs checks a job: a bad row is listed with its line (and column) and skipped, never fatal — so is a row whose mapped cell is UTF-8 text that was read in another encoding and saved again (`MÃ¼ller`), holds U+FFFD, or is a formula (`=HYPERLINK(…)`); valid rows are enqueued as the file arrives. The answer comes when the whole file has been read. A problem with the file as a whole (no file, not CSV, not UTF-8, a separator that cannot be told, no header, a mapping naming a missing column, more rows than IMPORT_MAX_ROWS, a file over IMPORT_MAX_BYTES) is a 400 (413 for size); when it is found part-way, the import is marked `failed` and the jobs it had queued are cancelled. If the upload itself breaks off (or its gateway dies: a running import left unrefreshed for IMPORT_STALE_AFTER_MS), the import is marked `failed`, the rows accepted before stay queued (see GET /v1/jobs?import_id=) and it is `resumable`. A gateway shutting down stops reading the upload between two rows the same way and answers 503 with the `import`.
     *
     *     Resuming: send the whole file again with `resume={id}` and the same type, mapping, options, priority and callback_url. Its first `rows_committed` data rows (those the failed import handled) are read, checked to be the same rows, and skipped without enqueuing anything; the rest is a new import with `resumed_from` and `rows_skipped` (its counts cover the rows it read; line numbers stay those of the file), and the failed import shows `resumed_by`. Another workspace’s import is a 404; an import refused for its content, not failed, already resumed, run with other settings, or a different file is a 409 naming why.
     *
     *     Idempotency-Key: the fingerprint is the settings and the file’s bytes (not the multipart envelope); a repeat of a finished import is read, not run, and replays the first answer.
     */
    post: operations['ImportsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/imports/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An import: status, row counts and the first rejected rows with their line and reason
     * @description Its jobs: GET /v1/jobs?import_id={id}; its results: POST /v1/exports with import_id.
     */
    get: operations['ImportsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/exports': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Save an export of jobs and their results: the format and which jobs
     * @description Filters, all optional and combined: `import_id` (the jobs of one CSV import), `batch_id` (the jobs of one batch, every run) — a job retried is listed as its latest attempt (`POST /v1/jobs/{id}/retry`: the retry keeps the job’s import and batch) —, `status`, `type`, `created_after`, `created_before` (ISO 8601). GET the answer’s `url` for the file; it is read afresh each time.
     */
    post: operations['ExportsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/exports/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download an export: its jobs, oldest first, streamed as CSV or JSON Lines
     * @description CSV: a fixed header — `job_id`, `type`, `status`, the input fields (`input_email`...), every result field of POST /v1/enrich (empty when unknown; lists joined with "; "), `sources` (JSON: field → provider), `attribution` (e.g. "Powered by RocketReach", which data from RocketReach must carry), `sandbox` (`true` when the data came from the provider sandbox, else empty), `error`, `unresolved` (the goals left unanswered and why, e.g. `email: not_found (retry later: apollo out_of_credits)`), `credits_spent`, `created_at`, `completed_at`.
     *
     *     JSON Lines: one object per job with `id`, `type`, `status`, `input`, `data`, `sources`, `confidence`, `attribution`, `sandbox`, `error`, `unresolved` (as in the job’s result), `credits_spent`, `created_at`, `completed_at`.
     *
     *     Streamed from the database as the client reads; a download cut short ends early rather than with an error row. A gateway that shuts down cuts the downloads it streams short (download again: another replica answers).
     */
    get: operations['ExportsController_download'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The audit trail: who read or exported person data, admin actions
     * @description Newest first. Actions: `job.read`, `job.list.read`, `job.events.read`, `job.cancel`, `batch.read`, `import.read`, `import.list.read`, `enrich.read`, `export.create`, `export.download`, `person.erase`, `workspace.create`, `api_key.create`, `api_key.revoke`, `workspace.limits`, `quota.set`, `quota.delete`, `provider.pause`, `provider.resume`, `provider.settings`, `provider.settings.reset`, `credentials.put`, `credentials.delete`, `webhook_secret.rotate`, `batch.cancel`, `batch.schedule.set`, `batch.schedule.delete`, `cache.clear`, `jobs.retry_failed`, `retention.run`, `credits.check`, `usage_report.send`. `person.erase` names the person by the SHA-256 of the identifier, as in the suppression, never the identifier. `actor` is the API key id, or `admin`. Filters: `action` (one of those: another is a 400 listing them), `from` (inclusive) and `to` (exclusive) as ISO 8601; `limit` 1–200 (default 50). Pass `next_cursor` back as `cursor` for the next page; null on the last. `workspace_id` narrows to one workspace.
     */
    get: operations['AdminAuditController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This workspace’s audit trail: who read or exported its person data, and its settings changes
     * @description Newest first. Actions: `job.read`, `job.list.read`, `job.events.read`, `job.cancel`, `batch.read`, `import.read`, `import.list.read`, `enrich.read`, `export.create`, `export.download`, `person.erase`, `workspace.create`, `api_key.create`, `api_key.revoke`, `workspace.limits`, `quota.set`, `quota.delete`, `provider.pause`, `provider.resume`, `provider.settings`, `provider.settings.reset`, `credentials.put`, `credentials.delete`, `webhook_secret.rotate`, `batch.cancel`, `batch.schedule.set`, `batch.schedule.delete`, `cache.clear`, `jobs.retry_failed`, `retention.run`, `credits.check`, `usage_report.send`. `person.erase` names the person by the SHA-256 of the identifier, as in the suppression, never the identifier. `actor` is the API key id, or `admin`. Filters: `action` (one of those: another is a 400 listing them), `from` (inclusive) and `to` (exclusive) as ISO 8601; `limit` 1–200 (default 50). Pass `next_cursor` back as `cursor` for the next page; null on the last.
     */
    get: operations['AuditController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/data-quality': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Data quality: e-mail verdicts, phone validity, field completeness, hit rate and cost per hit
     * @description Over `from`–`to` (ISO 8601; default the last 30 days), for one `workspace_id` or all. E-mail verification: verdicts of the verification steps (a verifier’s check). E-mail finder verdicts, apart: the addresses the finders found, by the finder’s own verdict (`none` when it gave none). Phones: the numbers found, by kind, valid when in E.164 form. Like the provider figures, these count what the providers’ calls answered: a step answered from the cache or the PostgreSQL store repeats an earlier call’s answer, and is counted apart, in each section’s `reused` (verdicts: steps; phones: numbers), not in its `total`. Completeness: of the finished POST /v1/enrich results, how many know each field. Providers: calls (cached answers are not calls), hits, credits, hit rate and cost per hit; with `segment` (industry or country, from the result) the same per segment.
     */
    get: operations['AdminOpsController_dataQuality'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/compliance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Compliance status: retention policies and last runs, suppressions, results carrying RocketReach’s attribution, audit events */
    get: operations['AdminOpsController_compliance'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/cache/clear': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Clear cached provider answers, by provider, operation or workspace (all when none given)
     * @description Clears the Redis caches: workspaces’ real-time answer caches (POST /v1/enrich) are cleared with them, since an answer cannot be told apart by provider. The long-term store in PostgreSQL still answers a question it holds an answer to younger than STORE_FRESH_DAYS; a job that must call the provider again says so with `options.max_age_days: 0`. Walks Redis with SCAN, never blocking it.
     */
    post: operations['AdminOpsController_clearCache'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/jobs/retry-failed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run failed jobs again as new jobs, oldest first, up to `limit`
     * @description Filters: `workspace_id`, `since` (created since, ISO 8601), `type`. Each job is retried like POST /v1/jobs/{id}/retry, for its workspace and key, the retry keeping its CSV import and batch; a job its workspace’s quotas refuse, or whose batch was cancelled or has re-enqueued its record since, is listed in `refusals`. Each failed job is run again once: a job already retried (here, or by POST /v1/jobs/{id}/retry) is not taken again, also by a call made at the same time; a retry that fails in its turn is a failed job of its own. Send an Idempotency-Key to have a repeat answer as the first call did.
     */
    post: operations['AdminOpsController_retryFailed'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether Redis and PostgreSQL answer this process */
    get: operations['HealthController_check'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics of this process (text exposition format) */
    get: operations['MetricsController_metrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
    };
    QuotaDto: {
      /** @example snov */
      provider: string;
      /** @example 500 */
      monthly_credits: number;
      /**
       * @example refuse
       * @enum {string}
       */
      policy: 'refuse' | 'hold';
      /** @example 500 */
      used: number;
      /** @example 0 */
      remaining: number;
      /**
       * @description The calendar month (UTC) counted.
       * @example 2026-12
       */
      month: string;
    };
    QuotaExceededErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
      /** @description The quotas used up, one per provider that could have answered. */
      quotas: components['schemas']['QuotaDto'][];
    };
    CreateJobDto: {
      /**
       * @example company.profile
       * @enum {string}
       */
      type:
        | 'company.profile'
        | 'company.officers'
        | 'company.domain'
        | 'company.officer_emails'
        | 'person.email'
        | 'person.phone'
        | 'person.profile'
        | 'email.verify'
        | 'enrich';
      /**
       * @description Identifiers for the request type (canonical names): company.* take company_number / company_name; person.* take first_name, last_name, full_name, domain, company_name, linkedin_url (and email for phone/profile); email.verify takes email; enrich takes any of these and phone (an extension written with it, as `+44 20 7946 0958 ext. 123`, is accepted and ignored: the person is looked up by the number). A name (first_name, last_name, full_name, company_name) holds at least one letter or digit.
       * @example {
       *       "company_number": "07798925"
       *     }
       */
      input: {
        [key: string]: unknown;
      };
      /**
       * @default interactive
       * @example interactive
       * @enum {string}
       */
      priority?: 'interactive' | 'bulk';
      /**
       * @description Most credits this job may spend; no provider call starts that could exceed it.
       * @example 5
       */
      max_credits?: number;
      /**
       * @description verify (bool), accept_catch_all (bool), phone_type ("mobile" | "any"), wait_for_credits (bool: wait for a provider paused for credits instead of falling through), max_age_days (whole number, 0–3650: cached and stored answers older than this are not reused, the provider is asked again; 0: every step asks again).
       * @example {
       *       "verify": true
       *     }
       */
      options?: {
        [key: string]: unknown;
      };
      /**
       * Format: uri
       * @description Where Sluice delivers the result when the job finishes: a POST signed per Standard Webhooks with the workspace’s webhook secret, retried with backoff for about a day. Private, loopback and link-local addresses are refused unless the deployment allows them.
       * @example https://crm.example.com/hooks/sluice
       */
      callback_url?: string;
    };
    JobCreatedDto: {
      /**
       * Format: uuid
       * @example 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f
       */
      id: string;
      /** @example queued */
      status: string;
    };
    RefusedEntryDto: {
      /** @example 1 */
      index: number;
      /**
       * @example [
       *       "type must be one of: company.profile, company.officers, …"
       *     ]
       */
      errors: string[];
    };
    ListRefusedErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
      /** @description Every entry refused, by index, when the list itself was readable. */
      rejected?: components['schemas']['RefusedEntryDto'][];
    };
    CreateWorkspaceDto: {
      /** @example Acme RevOps */
      name: string;
      /**
       * @default standard
       * @example standard
       * @enum {string}
       */
      tier?: 'free' | 'standard' | 'premium';
    };
    ErasureFailedErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
      /**
       * Format: uuid
       * @description The erasure, at GET /v1/erasures/{id}.
       */
      erasure_id: string;
    };
    SetQuotaDto: {
      /**
       * @description Credits the workspace may spend at the provider per calendar month (UTC).
       * @example 500
       */
      monthly_credits: number;
      /**
       * @description refuse: work beyond the quota is refused (402) or the provider skipped; hold: it waits.
       * @example refuse
       * @enum {string}
       */
      policy?: 'refuse' | 'hold';
    };
    CreateApiKeyDto: {
      /** @example crm-sync */
      name: string;
      /**
       * @example [
       *       "enrich",
       *       "jobs:read"
       *     ]
       */
      scopes: ('enrich' | 'jobs:read' | 'export' | 'admin')[];
    };
    RateLimitsDto: {
      /**
       * @description null: back to the default
       * @example 300
       */
      per_minute?: number | null;
      /** @example 5000 */
      per_hour?: number | null;
      /** @example 50000 */
      per_day?: number | null;
    };
    WorkspaceCredentialsHintDto: {
      /**
       * @description The last four characters of the key, or `…` alone.
       * @example …9f3a
       */
      fingerprint: string;
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:00.000Z
       */
      updated_at: string;
    };
    ProviderPauseDto: {
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:00.000Z
       */
      since: string;
      /** @example paused by an operator */
      reason: string;
      /**
       * @description `operator`: POST /v1/admin/providers/:name/pause, lifted only by .../resume. `credits`: the platform account cannot pay for the next call; resumed by itself when it can.
       * @example operator
       * @enum {string}
       */
      by: 'operator' | 'credits';
    };
    ProviderCreditsDto: {
      /**
       * @description The last balance read; null before the first reading, and on an unlimited plan.
       * @example 1250
       */
      balance: number | null;
      /**
       * @description The plan has no credit limit (the provider reports it unlimited): `balance` is null.
       * @example false
       */
      unlimited: boolean;
      /**
       * Format: date-time
       * @example 2026-12-02T09:55:00.000Z
       */
      balance_read_at: string | null;
      /**
       * @description Credits held for calls in flight.
       * @example 3
       */
      reserved: number;
    };
    ProviderDto: {
      /**
       * @example apollo
       * @enum {string}
       */
      name:
        | 'companies-house'
        | 'snov'
        | 'rocketreach'
        | 'apollo'
        | 'serper'
        | 'orion-connect'
        | 'astra-dialer'
        | 'nimbus-lookup'
        | 'email-verifier';
      /**
       * @example [
       *       "lookup_person",
       *       "find_work_email",
       *       "check_credits"
       *     ]
       */
      capabilities: string[];
      /**
       * @description The fields PUT /v1/providers/:name/credentials takes.
       * @example [
       *       "api_key"
       *     ]
       */
      credential_fields: string[];
      /**
       * @description Credentials are present: the workspace’s own or the platform’s.
       * @example true
       */
      configured: boolean;
      /**
       * @example workspace
       * @enum {string|null}
       */
      credentials: 'workspace' | 'platform' | null;
      /** @description The workspace’s own credentials; null on the platform’s. */
      workspace_credentials: components['schemas']['WorkspaceCredentialsHintDto'] | null;
      /**
       * @description Switched on on this deployment (provider settings) and configured. A pause does not change it: see `paused` and `available`.
       * @example true
       */
      enabled: boolean;
      /**
       * @description Paused by an operator or for credits (see `pause`).
       * @example false
       */
      paused: boolean;
      /** @description Why and since when it is paused; null when it is not. */
      pause: components['schemas']['ProviderPauseDto'] | null;
      /**
       * @example closed
       * @enum {string}
       */
      circuit: 'closed' | 'open' | 'half_open';
      /**
       * @description Waterfalls route this workspace’s new work to it now: enabled, not paused (a pause for the platform’s credits does not stop a workspace on its own credentials; an operator’s pause stops every account) and its circuit not open (a rate limit or a workspace quota may still hold a call back).
       * @example true
       */
      available: boolean;
      /** @description The platform account’s credits; null on the workspace’s own credentials (their balance is not read). */
      credits: components['schemas']['ProviderCreditsDto'] | null;
    };
    ProviderListDto: {
      providers: components['schemas']['ProviderDto'][];
    };
    CredentialsStoredDto: {
      /** @example apollo */
      provider: string;
      /** @example …9f3a */
      fingerprint: string;
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:00.000Z
       */
      created_at: string;
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:00.000Z
       */
      updated_at: string;
      /** @example true */
      configured: boolean;
      /**
       * @example workspace
       * @enum {string}
       */
      credentials: 'workspace';
    };
    CredentialsRemovedDto: {
      /** @example apollo */
      provider: string;
      /**
       * @description False when the workspace had no credentials stored.
       * @example true
       */
      removed: boolean;
      /**
       * @description The platform’s credentials are present.
       * @example true
       */
      configured: boolean;
      /**
       * @example platform
       * @enum {string|null}
       */
      credentials: 'platform' | null;
    };
    BatchRejectedRecordDto: {
      /** @example 1 */
      index: number;
      /**
       * @example [
       *       "records[1]: email \"grace@\" is not an e-mail address"
       *     ]
       */
      errors: string[];
    };
    BatchFilteredRecordDto: {
      /** @example 2 */
      index: number;
      /**
       * @example since_days
       * @enum {string}
       */
      reason: 'since_days' | 'limit';
    };
    BatchRefusedErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
      /** @description The records refused, with their problems, when the records were readable. */
      rejected?: components['schemas']['BatchRejectedRecordDto'][];
      /** @description The records left out by `since_days` or `limit`. */
      filtered_out?: components['schemas']['BatchFilteredRecordDto'][];
    };
    BatchScheduleDto: {
      /** @example 30 */
      every_days: number;
    };
    CreateBatchBodyDto: {
      /** @example Closed-won, last quarter */
      name?: string;
      /**
       * @description Up to BATCHES_MAX_RECORDS records, each with at least one identifier.
       * @example [
       *       {
       *         "external_id": "deal-1042",
       *         "first_name": "Ada",
       *         "last_name": "Lovelace",
       *         "domain": "acme.com",
       *         "occurred_at": "2026-11-20"
       *       },
       *       {
       *         "external_id": "deal-1043",
       *         "email": "grace@navy.example",
       *         "occurred_at": "2026-10-02T14:00:00Z"
       *       }
       *     ]
       */
      records: {
        email?: string;
        domain?: string;
        company_name?: string;
        linkedin_url?: string;
        first_name?: string;
        last_name?: string;
        full_name?: string;
        /** @description A phone number, with its country code (`+1 415 555 0133`) or a UK one without. An extension written with it (`+44 20 7946 0958 ext. 123`, `x123`) is accepted and ignored: the person is looked up by the number. */
        phone?: string;
        external_id?: string;
        occurred_at?: string;
      }[];
      /**
       * @example [
       *       "business_email",
       *       "industry",
       *       "company_size"
       *     ]
       */
      enrich: (
        | 'first_name'
        | 'last_name'
        | 'full_name'
        | 'title'
        | 'seniority'
        | 'department'
        | 'company_name'
        | 'company_domain'
        | 'industry'
        | 'company_size'
        | 'company_revenue'
        | 'technologies'
        | 'location'
        | 'city'
        | 'state'
        | 'country'
        | 'zip_code'
        | 'linkedin_url'
        | 'phone'
        | 'phone_extension'
        | 'mobile_phone'
        | 'business_email'
        | 'personal_email'
        | 'email_status'
      )[];
      /**
       * @description accept_catch_all, phone_type, wait_for_credits, max_age_days (0–3650)
       * @example {
       *       "accept_catch_all": false
       *     }
       */
      options?: {
        accept_catch_all?: boolean;
        /** @enum {string} */
        phone_type?: 'mobile' | 'any';
        wait_for_credits?: boolean;
        max_age_days?: number;
      };
      /** @example 90 */
      since_days?: number;
      /** @example 500 */
      limit?: number;
      /**
       * @default bulk
       * @enum {string}
       */
      priority?: 'interactive' | 'bulk';
      /** @example 100 */
      max_credits?: number;
      schedule?: components['schemas']['BatchScheduleDto'];
    };
    BatchFiltersDto: {
      /** @example 90 */
      since_days?: number;
      /** @example 500 */
      limit?: number;
    };
    JobProgressDto: {
      /** @example 500 */
      total: number;
      /**
       * @description The jobs, by status.
       * @example {
       *       "completed": 320,
       *       "running": 30,
       *       "queued": 150
       *     }
       */
      by_status: {
        [key: string]: number;
      };
      /**
       * @description Jobs completed, failed or cancelled.
       * @example 320
       */
      finished: number;
    };
    BatchDto: {
      /**
       * Format: uuid
       * @example 0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d
       */
      id: string;
      /** @example Closed-won, last quarter */
      name: string | null;
      /**
       * @example running
       * @enum {string}
       */
      status: 'queued' | 'running' | 'completed' | 'cancelled';
      /**
       * @example [
       *       "business_email",
       *       "industry"
       *     ]
       */
      fields: (
        | 'first_name'
        | 'last_name'
        | 'full_name'
        | 'title'
        | 'seniority'
        | 'department'
        | 'company_name'
        | 'company_domain'
        | 'industry'
        | 'company_size'
        | 'company_revenue'
        | 'technologies'
        | 'location'
        | 'city'
        | 'state'
        | 'country'
        | 'zip_code'
        | 'linkedin_url'
        | 'phone'
        | 'phone_extension'
        | 'mobile_phone'
        | 'business_email'
        | 'personal_email'
        | 'email_status'
      )[];
      /**
       * @description The options every record’s job runs with (as POST /v1/jobs takes them).
       * @example {
       *       "fields": [
       *         "business_email",
       *         "industry"
       *       ]
       *     }
       */
      options: {
        [key: string]: unknown;
      };
      filters: components['schemas']['BatchFiltersDto'];
      /**
       * @example bulk
       * @enum {string}
       */
      priority: 'interactive' | 'bulk';
      /** @example 100 */
      max_credits: number | null;
      /** @example 0.2 */
      max_credits_per_record: number | null;
      /** @example 520 */
      records_received: number;
      /** @example 500 */
      record_count: number;
      schedule: components['schemas']['BatchScheduleDto'] | null;
      /** @description The records’ current jobs, by status. */
      progress: components['schemas']['JobProgressDto'];
      /** @example 41 */
      credits_spent: number;
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:00.000Z
       */
      last_run_at: string | null;
      /**
       * Format: date-time
       * @example null
       */
      cancelled_at: string | null;
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:00.000Z
       */
      created_at: string;
    };
    BatchAcceptedRecordDto: {
      /** @example 0 */
      index: number;
      /** @example deal-1042 */
      external_id: string | null;
      /**
       * Format: uuid
       * @example 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f
       */
      job_id: string;
    };
    BatchCreatedDto: {
      batch: components['schemas']['BatchDto'];
      accepted: components['schemas']['BatchAcceptedRecordDto'][];
      rejected: components['schemas']['BatchRejectedRecordDto'][];
      filtered_out: components['schemas']['BatchFilteredRecordDto'][];
    };
    BatchListDto: {
      data: components['schemas']['BatchDto'][];
      /** @description pass back as `cursor` for the next page; null on the last page */
      next_cursor: string | null;
      /**
       * @description the next page by offset; null on the last page and when paging by cursor
       * @example 20
       */
      next_offset: number | null;
    };
    BatchRecordStepDto: {
      /** @example snov */
      provider: string;
      /** @example email */
      goal: string;
      /** @example completed */
      state: string;
      /** @example null */
      reason: string | null;
      /** @example 1 */
      credits: number;
    };
    BatchRecordDto: {
      /** @example 0 */
      index: number;
      /** @example deal-1042 */
      external_id: string | null;
      /**
       * @example {
       *       "first_name": "Ada",
       *       "last_name": "Lovelace",
       *       "domain": "acme.com"
       *     }
       */
      input: {
        [key: string]: unknown;
      };
      /**
       * Format: date-time
       * @example 2026-11-20T00:00:00.000Z
       */
      occurred_at: string | null;
      /**
       * Format: uuid
       * @description The record’s current job.
       * @example 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f
       */
      job_id: string;
      /** @example completed */
      status: string;
      /** @example null */
      error: string | null;
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:03.000Z
       */
      last_enriched_at: string | null;
      steps: components['schemas']['BatchRecordStepDto'][];
    };
    BatchRecordPageDto: {
      data: components['schemas']['BatchRecordDto'][];
      /**
       * @description Pass it as `after` for the next page; null on the last.
       * @example 0
       */
      next_cursor: number | null;
    };
    BatchDetailDto: {
      /**
       * Format: uuid
       * @example 0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d
       */
      id: string;
      /** @example Closed-won, last quarter */
      name: string | null;
      /**
       * @example running
       * @enum {string}
       */
      status: 'queued' | 'running' | 'completed' | 'cancelled';
      /**
       * @example [
       *       "business_email",
       *       "industry"
       *     ]
       */
      fields: (
        | 'first_name'
        | 'last_name'
        | 'full_name'
        | 'title'
        | 'seniority'
        | 'department'
        | 'company_name'
        | 'company_domain'
        | 'industry'
        | 'company_size'
        | 'company_revenue'
        | 'technologies'
        | 'location'
        | 'city'
        | 'state'
        | 'country'
        | 'zip_code'
        | 'linkedin_url'
        | 'phone'
        | 'phone_extension'
        | 'mobile_phone'
        | 'business_email'
        | 'personal_email'
        | 'email_status'
      )[];
      /**
       * @description The options every record’s job runs with (as POST /v1/jobs takes them).
       * @example {
       *       "fields": [
       *         "business_email",
       *         "industry"
       *       ]
       *     }
       */
      options: {
        [key: string]: unknown;
      };
      filters: components['schemas']['BatchFiltersDto'];
      /**
       * @example bulk
       * @enum {string}
       */
      priority: 'interactive' | 'bulk';
      /** @example 100 */
      max_credits: number | null;
      /** @example 0.2 */
      max_credits_per_record: number | null;
      /** @example 520 */
      records_received: number;
      /** @example 500 */
      record_count: number;
      schedule: components['schemas']['BatchScheduleDto'] | null;
      /** @description The records’ current jobs, by status. */
      progress: components['schemas']['JobProgressDto'];
      /** @example 41 */
      credits_spent: number;
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:00.000Z
       */
      last_run_at: string | null;
      /**
       * Format: date-time
       * @example null
       */
      cancelled_at: string | null;
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:00.000Z
       */
      created_at: string;
      records: components['schemas']['BatchRecordPageDto'];
    };
    BatchFieldCoverageDto: {
      /** @example 410 */
      answered: number;
      /**
       * @description answered / records
       * @example 0.82
       */
      share: number;
    };
    BatchJobCountsDto: {
      /** @example 480 */
      completed: number;
      /** @example 12 */
      failed: number;
      /** @example 0 */
      cancelled: number;
      /** @example 8 */
      unfinished: number;
    };
    BatchProviderCoverageDto: {
      /** @example snov */
      provider: string;
      /**
       * @description Records it answered.
       * @example 410
       */
      records: number;
      /**
       * @description Fields it supplied.
       * @example 410
       */
      fields: number;
    };
    BatchFailureReasonDto: {
      /** @example no provider could answer */
      reason: string;
      /** @example 12 */
      count: number;
    };
    BatchStepFailureReasonDto: {
      /** @example apollo */
      provider: string;
      /** @example not_found */
      reason: string;
      /** @example 30 */
      count: number;
    };
    BatchFailuresDto: {
      /** @example 12 */
      jobs: number;
      top_reasons: components['schemas']['BatchFailureReasonDto'][];
      /** @example 30 */
      steps: number;
      top_step_reasons: components['schemas']['BatchStepFailureReasonDto'][];
    };
    BatchValueCountDto: {
      /** @example Software */
      value: string;
      /** @example 120 */
      count: number;
    };
    BatchCreditsSpentDto: {
      /** @example 41 */
      last_run: number;
      /** @example 41 */
      all_runs: number;
    };
    BatchSummaryDto: {
      /**
       * Format: uuid
       * @example 0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d
       */
      batch_id: string;
      /** @example 500 */
      records: number;
      jobs: components['schemas']['BatchJobCountsDto'];
      providers: components['schemas']['BatchProviderCoverageDto'][];
      /**
       * @description Per field asked.
       * @example {
       *       "business_email": {
       *         "answered": 410,
       *         "share": 0.82
       *       }
       *     }
       */
      fields: {
        [key: string]: components['schemas']['BatchFieldCoverageDto'];
      };
      failures: components['schemas']['BatchFailuresDto'];
      /** @description When `industry` was asked. Spellings that differ only in case or surrounding white space are one industry, shown as most records spell it. */
      top_industries?: components['schemas']['BatchValueCountDto'][];
      /** @description When `company_size` was asked: 1-10 … 5001+, smallest first. */
      company_sizes?: components['schemas']['BatchValueCountDto'][];
      /** @description When `seniority` was asked. */
      seniority?: components['schemas']['BatchValueCountDto'][];
      /** @description When `department` was asked. Spellings that differ only in case or surrounding white space are one department, shown as most records spell it. */
      departments?: components['schemas']['BatchValueCountDto'][];
      credits_spent: components['schemas']['BatchCreditsSpentDto'];
      /**
       * Format: date-time
       * @example 2026-12-01T09:00:00.000Z
       */
      last_run_at: string | null;
      /**
       * Format: date-time
       * @example null
       */
      cancelled_at: string | null;
    };
    BatchCancelledDto: {
      /**
       * @description Unfinished jobs cancelled now.
       * @example 150
       */
      cancelled: number;
      batch: components['schemas']['BatchDto'];
    };
    ImportRowErrorDto: {
      /** @example 3 */
      line: number;
      /** @example Work Domain */
      column?: string;
      /** @example input.domain "not a domain" is not a domain (e.g. example.com) */
      message: string;
    };
    ImportDto: {
      /**
       * Format: uuid
       * @example 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c
       */
      id: string;
      /**
       * @example person.email
       * @enum {string}
       */
      type:
        | 'company.profile'
        | 'company.officers'
        | 'company.domain'
        | 'company.officer_emails'
        | 'person.email'
        | 'person.phone'
        | 'person.profile'
        | 'email.verify'
        | 'enrich';
      /**
       * @example completed
       * @enum {string}
       */
      status: 'running' | 'completed' | 'failed';
      /** @example leads-2026-12-02 */
      reference: string | null;
      /** @example 3 */
      rows_total: number;
      /** @example 2 */
      rows_accepted: number;
      /** @example 1 */
      rows_rejected: number;
      /** @example 0 */
      rows_skipped: number;
      /** @example 3 */
      rows_committed: number;
      /** @description The first rejected rows, in file order. */
      errors: components['schemas']['ImportRowErrorDto'][];
      /** @example false */
      errors_truncated: boolean;
      /**
       * @description Why a failed import stopped.
       * @example null
       */
      error: string | null;
      /** @example false */
      resumable: boolean;
      /**
       * Format: uuid
       * @example null
       */
      resumed_from: string | null;
      /**
       * Format: uuid
       * @example null
       */
      resumed_by: string | null;
      /** @description The jobs of the rows accepted, by status now: how far the enrichment has got (`status` is the upload’s). All rows are done when `finished` equals `total`. */
      progress: components['schemas']['JobProgressDto'];
      /**
       * @description Credits the jobs’ steps have spent so far.
       * @example 1
       */
      credits_spent: number;
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:00.000Z
       */
      created_at: string;
      /**
       * Format: date-time
       * @example 2026-12-02T10:00:01.000Z
       */
      completed_at: string | null;
    };
    ImportFailedErrorBody: {
      /**
       * @description The HTTP status of the answer.
       * @example 400
       */
      statusCode: number;
      /**
       * @description The reason phrase of the status.
       * @example Bad Request
       */
      error: string;
      /**
       * @description What was wrong; validation errors list every problem.
       * @example type must be one of: company.profile, company.officers
       */
      message: string | string[];
      /**
       * @description A machine-readable code, where there is one: `rate_limited` (429), `quota_exceeded` (402), `exports_busy` (503), `erasure_failed` (503).
       * @example rate_limited
       */
      code?: string;
      import?: components['schemas']['ImportDto'] | null;
    };
    ImportListDto: {
      data: components['schemas']['ImportDto'][];
      /**
       * @description Pass it as `cursor` for the next page; null on the last.
       * @example null
       */
      next_cursor: string | null;
    };
    CreateExportDto: {
      /**
       * @example csv
       * @enum {string}
       */
      format: 'csv' | 'jsonl';
      /**
       * Format: uuid
       * @description Only the jobs of this CSV import.
       * @example 0b9f4c1e-2d3a-4e5f-8a7b-6c5d4e3f2a1b
       */
      import_id?: string;
      /**
       * Format: uuid
       * @description Only the jobs of this batch (every run of it).
       * @example 5d1e2f3a-4b5c-4d6e-9f8a-7b6c5d4e3f2a
       */
      batch_id?: string;
      /**
       * @example completed
       * @enum {string}
       */
      status?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      /**
       * @example person.email
       * @enum {string}
       */
      type?:
        | 'company.profile'
        | 'company.officers'
        | 'company.domain'
        | 'company.officer_emails'
        | 'person.email'
        | 'person.phone'
        | 'person.profile'
        | 'email.verify'
        | 'enrich';
      /**
       * @description ISO 8601; jobs created at or after it.
       * @example 2026-12-01T00:00:00Z
       */
      created_after?: string;
      /**
       * @description ISO 8601; jobs created before it.
       * @example 2026-12-31T00:00:00Z
       */
      created_before?: string;
    };
    ExportCreatedDto: {
      /**
       * Format: uuid
       * @example 3c9a1e7b-5d2f-4a6c-8e0b-1f3d5a7c9e2b
       */
      id: string;
      /**
       * @description GET it for the file.
       * @example /v1/exports/3c9a1e7b-5d2f-4a6c-8e0b-1f3d5a7c9e2b
       */
      url: string;
      /**
       * @example csv
       * @enum {string}
       */
      format: 'csv' | 'jsonl';
      /**
       * @example {
       *       "status": "completed",
       *       "type": "person.email"
       *     }
       */
      filters: {
        [key: string]: string;
      };
    };
    CacheClearDto: {
      /**
       * @description Only this provider’s answers.
       * @example snov
       * @enum {string}
       */
      provider?:
        | 'companies-house'
        | 'snov'
        | 'rocketreach'
        | 'apollo'
        | 'serper'
        | 'orion-connect'
        | 'astra-dialer'
        | 'nimbus-lookup'
        | 'email-verifier';
      /**
       * @description Only answers of this operation.
       * @example person.email
       * @enum {string}
       */
      operation?:
        | 'company.profile'
        | 'company.officers'
        | 'company.domain'
        | 'person.email'
        | 'person.phone'
        | 'person.profile'
        | 'email.verify'
        | 'company.firmographics';
      /**
       * @description Only this workspace’s.
       * @example b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e
       */
      workspace_id?: string;
    };
    RetryFailedDto: {
      /**
       * @description At most this many failed jobs, oldest first (1–1000).
       * @example 100
       */
      limit: number;
      /** @example b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e */
      workspace_id?: string;
      /**
       * @description Only jobs created since then.
       * @example 2026-12-01T00:00:00Z
       */
      since?: string;
      /**
       * @example person.email
       * @enum {string}
       */
      type?:
        | 'company.profile'
        | 'company.officers'
        | 'company.domain'
        | 'company.officer_emails'
        | 'person.email'
        | 'person.phone'
        | 'person.profile'
        | 'email.verify'
        | 'enrich';
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  JobsController_list: {
    parameters: {
      query?: {
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–200, default 50 */
        limit?: unknown;
        created_before?: unknown;
        created_after?: unknown;
        /** @description the jobs of one CSV import (its id, from POST /v1/imports) */
        import_id?: unknown;
        type?: unknown;
        status?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of jobs, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              id: string;
              type: string;
              status: string;
              priority: string;
              input: {
                [key: string]: unknown;
              };
              error: string | null;
              retry_of: string | null;
              retried_as: string | null;
              created_at: string;
              updated_at: string;
              completed_at: string | null;
            }[];
            next_cursor: string | null;
          };
        };
      };
      /** @description An unknown or malformed filter, limit or cursor. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) colour; allowed: status, type, import_id, created_after, created_before, limit, cursor."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateJobDto'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f",
           *       "status": "queued"
           *     }
           */
          'application/json': components['schemas']['JobCreatedDto'];
        };
      };
      /** @description Unknown type, malformed input, unknown fields, malformed JSON. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "type must be one of: company.profile, company.officers, …",
           *         "property colour should not exist"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description `quota_exceeded`: the workspace’s monthly quota (policy refuse) is used up at every provider that can answer; nothing was queued or spent. */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "quota_exceeded",
           *       "quotas": [
           *         {
           *           "provider": "snov",
           *           "monthly_credits": 500,
           *           "policy": "refuse",
           *           "used": 500,
           *           "remaining": 0,
           *           "month": "2026-12"
           *         }
           *       ],
           *       "statusCode": 402,
           *       "error": "Payment Required",
           *       "message": "This workspace's monthly credit quota is used up at every provider that can answer person.email: snov (500 of 500 credits used). Nothing was queued or spent; raise the quota or wait for the month to turn."
           *     }
           */
          'application/json': components['schemas']['QuotaExceededErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The input names a person erased from this workspace (DELETE /v1/persons); nothing was created or charged. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 422,
           *       "error": "Unprocessable Entity",
           *       "message": "suppressed: this person was erased from this workspace (DELETE /v1/persons) and is never enriched again"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_bulk: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          jobs: {
            type: string;
            input: {
              [key: string]: unknown;
            };
          }[];
        };
      };
    };
    responses: {
      /** @description The jobs enqueued (by index in the list) and those refused with their problems. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            accepted: {
              index: number;
              id: string;
            }[];
            rejected: {
              index: number;
              errors: string[];
            }[];
          };
        };
      };
      /** @description Not a list of jobs, too many, or not one job valid (then each job is listed in `rejected`). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "No job in the list could be accepted; nothing was enqueued."
           *     }
           */
          'application/json': components['schemas']['ListRefusedErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_retry: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The new job. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            status: string;
            retry_of: string;
          };
        };
      };
      /** @description The id is not a UUID, or a body with fields (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Job id must be a UUID, as returned by POST /v1/jobs.",
           *         "Unknown field(s) priority; this route takes no body."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description `quota_exceeded`: the workspace’s monthly quota (policy refuse) is used up at every provider that can answer; nothing was queued or spent. */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "quota_exceeded",
           *       "quotas": [
           *         {
           *           "provider": "snov",
           *           "monthly_credits": 500,
           *           "policy": "refuse",
           *           "used": 500,
           *           "remaining": 0,
           *           "month": "2026-12"
           *         }
           *       ],
           *       "statusCode": 402,
           *       "error": "Payment Required",
           *       "message": "This workspace's monthly credit quota is used up at every provider that can answer person.email: snov (500 of 500 credits used). Nothing was queued or spent; raise the quota or wait for the month to turn."
           *     }
           */
          'application/json': components['schemas']['QuotaExceededErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description The job has not failed or been cancelled, nor completed with a goal to retry later; it was retried already (retry its retry); its batch was cancelled, or a later run of its batch replaced it; or its input, stored by an earlier version, is no longer accepted.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The input names a person erased from this workspace (DELETE /v1/persons); nothing was created or charged. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 422,
           *       "error": "Unprocessable Entity",
           *       "message": "suppressed: this person was erased from this workspace (DELETE /v1/persons) and is never enriched again"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_events: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description `text/event-stream`: one `id:`, `event:` and `data:` (JSON) per event. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example id: 1
           *     event: snapshot
           *     data: {"id":"6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f","status":"running","steps":[]}
           *
           *     id: 2
           *     event: step
           *     data: {"job_id":"6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f","seq":1,"provider":"companies-house","state":"completed"}
           *
           *     id: outcome
           *     event: completed
           *     data: {"job_id":"6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f","status":"completed","result":{"company":{}},"error":null,"credits_spent":0}
           */
          'text/event-stream': string;
        };
      };
      /** @description The request’s `Last-Event-ID` is `outcome` and the job has ended: nothing more to send. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Job id must be a UUID, as returned by POST /v1/jobs.",
           *         "Unknown query parameter(s) include; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            type: string;
            status: string;
            priority: string;
            input: {
              [key: string]: unknown;
            };
            result: {
              [key: string]: unknown;
            } | null;
            error: string | null;
            credits_spent: number;
            max_credits: number | null;
            options: {
              [key: string]: unknown;
            };
            steps: {
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
            }[];
            retry_of: string | null;
            retried_as: string | null;
            created_at: string;
            updated_at: string;
            completed_at: string | null;
          };
        };
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Job id must be a UUID, as returned by POST /v1/jobs.",
           *         "Unknown query parameter(s) include; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  JobsController_cancel: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The job, cancelled. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            type: string;
            status: string;
            priority: string;
            input: {
              [key: string]: unknown;
            };
            result: {
              [key: string]: unknown;
            } | null;
            error: string | null;
            credits_spent: number;
            max_credits: number | null;
            options: {
              [key: string]: unknown;
            };
            steps: {
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
            }[];
            retry_of: string | null;
            retried_as: string | null;
            created_at: string;
            updated_at: string;
            completed_at: string | null;
          };
        };
      };
      /** @description The id is not a UUID, or a body with fields (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Job id must be a UUID, as returned by POST /v1/jobs.",
           *         "Unknown field(s) reason; this route takes no body."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description The job had already finished.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  WorkspacesController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateWorkspaceDto'];
      };
    };
    responses: {
      /** @description The workspace, its first API key (all scopes) and its webhook secret, shown once. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            workspace: {
              id: string;
              name: string;
              slug: string;
              tier: string;
              created_at: string;
            };
            api_key: string;
            webhook_secret: string | null;
          };
        };
      };
      /** @description name missing, blank or too long; tier unknown. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "name must not be blank"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description A workspace with that name exists.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CallbacksController_rotate: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            webhook_secret: string;
            previous_valid_until: string | null;
          };
        };
      };
      /** @description A body with fields: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown field(s) x; this route takes no body."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CallbacksController_deliveries: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            deliveries: {
              webhook_id: string;
              url: string;
              attempt: number;
              status: number | null;
              error: string | null;
              latency_ms: number | null;
              at: string;
            }[];
          };
        };
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "id must be a UUID",
           *         "Unknown query parameter(s) attempt; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CallbacksController_redeliver: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        /** @description The job id, as returned by POST /v1/jobs. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: string;
          };
        };
      };
      /** @description The id is not a UUID, the job has no callback_url, or a body with fields (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f has no callback_url.",
           *         "Unknown field(s) callback_url; this route takes no body."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such job in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No job 6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description The job has not finished yet.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersAdminController_pause: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            provider: string;
            paused: boolean;
          };
        };
      };
      /** @description A body with fields: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown field(s) minutes; this route takes no body."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, …"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersAdminController_resume: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            provider: string;
            paused: boolean;
          };
        };
      };
      /** @description A body with fields: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown field(s) x; this route takes no body."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, …"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersAdminController_check: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: string;
            job_id: string;
            providers: string[];
          };
        };
      };
      /** @description A body with fields: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown field(s) provider; this route takes no body."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersAdminController_usageReport: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          day?: string;
        };
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: string;
            job_id: string;
          };
        };
      };
      /** @description day is not a YYYY-MM-DD date its month has, is after today (UTC) or before 2026-11-22, or an unknown field. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "day must be a date as YYYY-MM-DD.",
           *         "day must not be after today (2026-12-01, UTC): a report counts the calls made that day, and today's counts those so far.",
           *         "day must be 2026-11-22 or later: Sluice's database schema dates from that day, so there is no usage before it.",
           *         "Unknown field(s) dya; allowed: day."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  RetentionAdminController_list: {
    parameters: {
      query?: {
        /** @description 1 to 200; 20 by default. */
        limit?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              id: string;
              trigger: string;
              status: string;
              started_at: string;
              finished_at: string;
              deleted: {
                person_phones: number;
                person_profiles: number;
                email_verifications: number;
                officer_emails: number;
                persons: number;
                company_domains: number;
                company_firmographics: number;
                company_officers: number;
                companies: number;
                provider_calls: number;
                enrichment_steps: number;
                enrichment_requests: number;
                callback_deliveries: number;
                webhook_events: number;
              };
              total_deleted: number;
              error: string | null;
            }[];
          };
        };
      };
      /** @description limit is not a whole number from 1 to 200, or an unknown query parameter. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "limit must be a whole number from 1 to 200.",
           *         "Unknown query parameter(s) limt; allowed: limit."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  RetentionAdminController_runNow: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: string;
            job_id: string;
          };
        };
      };
      /** @description A body with fields: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown field(s) dry_run; this route takes no body."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description A retention run is already queued or running.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  PersonsController_erase: {
    parameters: {
      query?: {
        linkedin_url?: unknown;
        email?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Erased within ERASURE_WAIT_MS: what was erased. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            erased: {
              batch_records: number;
              enrichment_steps: number;
              enrichment_requests: number;
              callback_deliveries: number;
              provider_calls: number;
              webhook_events: number;
              person_phones: number;
              person_profiles: number;
              email_verifications: number;
              officer_emails: number;
              persons: number;
              company_officers: number;
              companies: number;
              imports: number;
              idempotency_answers: number;
              redis_cache_entries: number;
            };
            suppressed: {
              kind: string;
            }[];
          };
        };
      };
      /** @description Suppressed, and still erasing after ERASURE_WAIT_MS: follow it at Location. */
      202: {
        headers: {
          /** @description The erasure to follow: /v1/erasures/{id}. */
          Location?: string;
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            status: string;
            kind: string;
            identifier_hash: string;
            suppressed: {
              kind: string;
            }[];
            erased: {
              batch_records: number;
              enrichment_steps: number;
              enrichment_requests: number;
              callback_deliveries: number;
              provider_calls: number;
              webhook_events: number;
              person_phones: number;
              person_profiles: number;
              email_verifications: number;
              officer_emails: number;
              persons: number;
              company_officers: number;
              companies: number;
              imports: number;
              idempotency_answers: number;
              redis_cache_entries: number;
            } | null;
            error: string | null;
            created_at: string;
            finished_at: string | null;
            heartbeat_at: string;
          };
        };
      };
      /** @description Neither or both identifiers given, an unknown query parameter, the identifier is not an e-mail address / LinkedIn profile URL, or a body with fields (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Give exactly one of email or linkedin_url.",
           *         "Unknown field(s) dry_run; this route takes no body."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description `erasure_failed`: the deletions failed within ERASURE_WAIT_MS (the answer carries the erasure's record, `erasure`). The suppression is recorded; repeat the request to finish the erasure. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "erasure_failed",
           *       "erasure_id": "0b7f4c1e-5d0a-4d7e-9a43-2f6c1b8e9d10",
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "The erasure failed: deadlock detected. The suppression is recorded, so the person is not enriched again; repeat DELETE /v1/persons with the same identifier to finish the erasure (repeating is safe)."
           *     }
           */
          'application/json': components['schemas']['ErasureFailedErrorBody'];
        };
      };
    };
  };
  ErasuresController_list: {
    parameters: {
      query?: {
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–100, default 20 */
        limit?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of erasures, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              id: string;
              status: string;
              kind: string;
              identifier_hash: string;
              suppressed: {
                kind: string;
              }[];
              erased: {
                batch_records: number;
                enrichment_steps: number;
                enrichment_requests: number;
                callback_deliveries: number;
                provider_calls: number;
                webhook_events: number;
                person_phones: number;
                person_profiles: number;
                email_verifications: number;
                officer_emails: number;
                persons: number;
                company_officers: number;
                companies: number;
                imports: number;
                idempotency_answers: number;
                redis_cache_entries: number;
              } | null;
              error: string | null;
              created_at: string;
              finished_at: string | null;
              heartbeat_at: string;
            }[];
            next_cursor: string | null;
          };
        };
      };
      /** @description An unknown or malformed limit or cursor. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) status; allowed: limit, cursor."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ErasuresController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The erasure id, as returned by DELETE /v1/persons (its `id`, or its Location). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The erasure. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            status: string;
            kind: string;
            identifier_hash: string;
            suppressed: {
              kind: string;
            }[];
            erased: {
              batch_records: number;
              enrichment_steps: number;
              enrichment_requests: number;
              callback_deliveries: number;
              provider_calls: number;
              webhook_events: number;
              person_phones: number;
              person_profiles: number;
              email_verifications: number;
              officer_emails: number;
              persons: number;
              company_officers: number;
              companies: number;
              imports: number;
              idempotency_answers: number;
              redis_cache_entries: number;
            } | null;
            error: string | null;
            created_at: string;
            finished_at: string | null;
            heartbeat_at: string;
          };
        };
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Erasure id must be a UUID, as returned by DELETE /v1/persons.",
           *         "Unknown query parameter(s) verbose; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such erasure in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No erasure 6f2d0c1e-8a4b-4c3d-9e7f-1a2b3c4d5e6f in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProviderSettingsController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            providers: {
              name: string;
              settings: {
                enabled: boolean;
                priority: number;
                minimum_tier: string | null;
                rate_limits: {
                  name: string;
                  limit: number;
                  window_ms: number;
                  tier?: string;
                  operations?: string[];
                }[];
                poll_interval_ms: number;
                credit_warning: number;
                credit_critical: number;
                costs: {
                  [key: string]: {
                    credits: number;
                    charged_on_miss: boolean;
                  };
                };
              };
              from_database: string[];
              defaults: {
                enabled: boolean;
                priority: number;
                minimum_tier: string | null;
                rate_limits: {
                  name: string;
                  limit: number;
                  window_ms: number;
                  tier?: string;
                  operations?: string[];
                }[];
                poll_interval_ms: number;
                credit_warning: number;
                credit_critical: number;
                costs: {
                  [key: string]: {
                    credits: number;
                    charged_on_miss: boolean;
                  };
                };
              };
              updated_at: string | null;
              updated_by: string | null;
            }[];
          };
        };
      };
      /** @description A query parameter: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) name; this route takes none."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProviderSettingsController_update: {
    parameters: {
      query?: never;
      header?: {
        /** @description Who makes the change, recorded as updated_by (default `admin`). */
        'X-Admin-User'?: string;
      };
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    /** @description Any of enabled, priority, minimum_tier, rate_limits, poll_interval_ms, credit_warning, credit_critical, costs; null resets one. */
    requestBody: {
      content: {
        'application/json': {
          enabled?: boolean | null;
          priority?: number | null;
          rate_limits?:
            | {
                name: string;
                limit: number;
                window_ms: number;
                tier?: string;
                operations?: string[];
              }[]
            | null;
          minimum_tier?: string | null;
          poll_interval_ms?: number | null;
          credit_warning?: number | null;
          credit_critical?: number | null;
          costs?: {
            [key: string]: {
              credits: number;
              charged_on_miss?: boolean;
            };
          } | null;
        };
      };
    };
    responses: {
      /** @description The provider’s settings after the change. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            name: string;
            settings: {
              enabled: boolean;
              priority: number;
              minimum_tier: string | null;
              rate_limits: {
                name: string;
                limit: number;
                window_ms: number;
                tier?: string;
                operations?: string[];
              }[];
              poll_interval_ms: number;
              credit_warning: number;
              credit_critical: number;
              costs: {
                [key: string]: {
                  credits: number;
                  charged_on_miss: boolean;
                };
              };
            };
            from_database: string[];
            defaults: {
              enabled: boolean;
              priority: number;
              minimum_tier: string | null;
              rate_limits: {
                name: string;
                limit: number;
                window_ms: number;
                tier?: string;
                operations?: string[];
              }[];
              poll_interval_ms: number;
              credit_warning: number;
              credit_critical: number;
              costs: {
                [key: string]: {
                  credits: number;
                  charged_on_miss: boolean;
                };
              };
            };
            updated_at: string | null;
            updated_by: string | null;
          };
        };
      };
      /** @description Unknown or invalid fields (each named), or credit_critical above credit_warning; nothing was written. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "unknown field(s) colour; allowed: enabled, priority, minimum_tier, rate_limits, poll_interval_ms, credit_warning, credit_critical, costs",
           *         "priority must be a whole number from -1000 to 1000, or null",
           *         "rate_limits[0].operations[0]: snov has no operation 'find_phone'; operations of snov: find_work_email, lookup_company, check_credits"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, …"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProviderSettingsController_reset: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The provider’s settings after the reset. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            name: string;
            settings: {
              enabled: boolean;
              priority: number;
              minimum_tier: string | null;
              rate_limits: {
                name: string;
                limit: number;
                window_ms: number;
                tier?: string;
                operations?: string[];
              }[];
              poll_interval_ms: number;
              credit_warning: number;
              credit_critical: number;
              costs: {
                [key: string]: {
                  credits: number;
                  charged_on_miss: boolean;
                };
              };
            };
            from_database: unknown[];
            defaults: {
              enabled: boolean;
              priority: number;
              minimum_tier: string | null;
              rate_limits: {
                name: string;
                limit: number;
                window_ms: number;
                tier?: string;
                operations?: string[];
              }[];
              poll_interval_ms: number;
              credit_warning: number;
              credit_critical: number;
              costs: {
                [key: string]: {
                  credits: number;
                  charged_on_miss: boolean;
                };
              };
            };
            updated_at: string | null;
            updated_by: string | null;
          };
        };
      };
      /** @description A body with fields or a query parameter: the route takes neither. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Unknown field(s) reason; this route takes no body.",
           *         "Unknown query parameter(s) field; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, …"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CreditsController_credits: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            providers: {
              provider: string;
              balance: number | null;
              unlimited: boolean;
              balance_read_at: string | null;
              reserved: number;
              spent_today: number;
              spent_this_month: number;
              burn_rate_per_day: number;
              forecast_exhaustion: string | null;
              renewal_date: string | null;
              queue: {
                state: string;
                paused_since: string | null;
                reason: string | null;
              };
              quota: {
                provider: string;
                monthly_credits: number;
                policy: string;
                used: number;
                remaining: number;
                month: string;
              } | null;
            }[];
          };
        };
      };
      /** @description A query parameter: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) provider; this route takes none."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CreditsController_usage: {
    parameters: {
      query?: {
        /** @description ISO date; default: 30 days ago */
        from?: string;
        /** @description ISO date (exclusive); default: now */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            from: string;
            to: string;
            by_provider: {
              provider: string;
              workspace_id: string;
              calls: number;
              hits: number;
              credits: number;
              cost_per_hit: number | null;
            }[];
            by_api_key: {
              provider: string;
              workspace_id: string;
              calls: number;
              hits: number;
              credits: number;
              cost_per_hit: number | null;
              api_key_id?: string | null;
            }[];
          };
        };
      };
      /** @description from or to malformed, from not before to, or an unknown query parameter. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "from must be before to.",
           *         "Unknown query parameter(s) since; allowed: from, to."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  CreditsController_alerts: {
    parameters: {
      query?: {
        /** @description 1–500, default 100 */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            alerts: {
              id: string;
              kind: string;
              severity: string;
              provider: string | null;
              title: string;
              text: string;
              details: {
                [key: string]: unknown;
              };
              deliveries: {
                [key: string]: unknown;
              };
              created_at: string;
            }[];
          };
        };
      };
      /** @description limit is not a whole number from 1 to 500, or an unknown query parameter. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "limit must be a whole number from 1 to 500.",
           *         "Unknown query parameter(s) severity; allowed: limit."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  QuotasAdminController_list: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            quotas: {
              provider: string;
              monthly_credits: number;
              policy: string;
              used: number;
              remaining: number;
              month: string;
            }[];
          };
        };
      };
      /** @description The workspace id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Validation failed (uuid is expected)",
           *         "Unknown query parameter(s) provider; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  QuotasAdminController_set: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
        provider:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetQuotaDto'];
      };
    };
    responses: {
      /** @description The quota with what was used of it this month. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            provider: string;
            monthly_credits: number;
            policy: string;
            used: number;
            remaining: number;
            month: string;
          };
        };
      };
      /** @description The workspace id is not a UUID, or monthly_credits or policy is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "monthly_credits must be 0 or more"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace or provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, …"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  QuotasAdminController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
        provider:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed; nothing in the answer. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The workspace id is not a UUID, or a body with fields or a query parameter (the route takes neither). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Validation failed (uuid is expected)",
           *         "Unknown field(s) reason; this route takes no body.",
           *         "Unknown query parameter(s) reason; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace, provider, or quota. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "Workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e has no quota at snov."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ApiKeysController_list: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            keys: {
              id: string;
              name: string;
              key_prefix: string;
              scopes: string[];
              created_at: string;
              last_used_at: string | null;
              revoked_at: string | null;
            }[];
          };
        };
      };
      /** @description The workspace id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Validation failed (uuid is expected)",
           *         "Unknown query parameter(s) revoked; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace (or no such key in it). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ApiKeysController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKeyDto'];
      };
    };
    responses: {
      /** @description The key, once: `api_key`. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            name: string;
            key_prefix: string;
            scopes: string[];
            created_at: string;
            last_used_at: string | null;
            revoked_at: string | null;
            api_key: string;
          };
        };
      };
      /** @description The workspace or key id is not a UUID, or the body is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace (or no such key in it). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ApiKeysController_revoke: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
        /** @description The key id, as listed by GET /v1/admin/workspaces/{workspace}/keys. */
        key: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            name: string;
            key_prefix: string;
            scopes: string[];
            created_at: string;
            last_used_at: string | null;
            revoked_at: string | null;
          };
        };
      };
      /** @description The workspace or key id is not a UUID, or a body with fields or a query parameter (the route takes neither). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Validation failed (uuid is expected)",
           *         "Unknown field(s) reason; this route takes no body.",
           *         "Unknown query parameter(s) reason; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace (or no such key in it). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ApiKeysController_limits: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The workspace id, as returned by POST /v1/admin/workspaces. */
        workspace: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RateLimitsDto'];
      };
    };
    responses: {
      /** @description The limits now in force. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            rate_limits: {
              per_minute: number;
              per_hour: number;
              per_day: number;
            };
          };
        };
      };
      /** @description The workspace or key id is not a UUID, or the body is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such workspace (or no such key in it). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  EnrichController_enrich: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          email?: string;
          domain?: string;
          company_name?: string;
          linkedin_url?: string;
          first_name?: string;
          last_name?: string;
          full_name?: string;
          /** @description A phone number, with its country code (`+1 415 555 0133`) or a UK one without. An extension written with it (`+44 20 7946 0958 ext. 123`, `x123`) is accepted and ignored: the person is looked up by the number. */
          phone?: string;
          enrich: (
            | 'first_name'
            | 'last_name'
            | 'full_name'
            | 'title'
            | 'seniority'
            | 'department'
            | 'company_name'
            | 'company_domain'
            | 'industry'
            | 'company_size'
            | 'company_revenue'
            | 'technologies'
            | 'location'
            | 'city'
            | 'state'
            | 'country'
            | 'zip_code'
            | 'linkedin_url'
            | 'phone'
            | 'phone_extension'
            | 'mobile_phone'
            | 'business_email'
            | 'personal_email'
            | 'email_status'
          )[];
          timeout_ms?: number;
          /** @description accept_catch_all, phone_type, wait_for_credits, max_age_days (0–3650) */
          options?: {
            accept_catch_all?: boolean;
            /** @enum {string} */
            phone_type?: 'mobile' | 'any';
            wait_for_credits?: boolean;
            max_age_days?: number;
          };
          max_credits?: number;
        };
      };
    };
    responses: {
      /** @description The answer. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            job_id: string;
            status: string;
            cached: boolean;
            /** @description Every field asked, null when unknown. Phones are in E.164; `phone_extension` is the extension dialled after `phone` (E.164 has no room for one), from the answers that gave that number. */
            data: {
              [key: string]: unknown;
            };
            sources: {
              [key: string]: string;
            };
            confidence: {
              [key: string]: number;
            };
            attribution: string[];
            sandbox: boolean;
            notice?: string;
            credits_spent: number;
            error: string | null;
            /** @description The goals left unanswered and why, when there are any; `retry_later` names the providers that could not be asked or could not answer for a reason that passes (an answer with one is not served from the answer cache). */
            unresolved?: {
              goal: string;
              reason: string;
              retry_later?: {
                provider: string;
                reason: string;
              }[];
            }[];
          };
        };
      };
      /** @description Not finished within timeout_ms: poll or stream the job. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            job_id: string;
            status: string;
            cached: boolean;
            poll: string;
            events: string;
          };
        };
      };
      /** @description Unknown field or member, no usable identifier, a malformed identifier, or a field the identifiers cannot reach. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "unknown member(s) 'colour'; identifiers: first_name, last_name, domain, …; settings: enrich, timeout_ms, options, max_credits"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description `quota_exceeded`: the workspace’s monthly quota (policy refuse) is used up at every provider that can answer; nothing was queued or spent. */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "quota_exceeded",
           *       "quotas": [
           *         {
           *           "provider": "snov",
           *           "monthly_credits": 500,
           *           "policy": "refuse",
           *           "used": 500,
           *           "remaining": 0,
           *           "month": "2026-12"
           *         }
           *       ],
           *       "statusCode": 402,
           *       "error": "Payment Required",
           *       "message": "This workspace's monthly credit quota is used up at every provider that can answer person.email: snov (500 of 500 credits used). Nothing was queued or spent; raise the quota or wait for the month to turn."
           *     }
           */
          'application/json': components['schemas']['QuotaExceededErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The input names a person erased from this workspace (DELETE /v1/persons); nothing was created or charged. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 422,
           *       "error": "Unprocessable Entity",
           *       "message": "suppressed: this person was erased from this workspace (DELETE /v1/persons) and is never enriched again"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  EnrichController_enqueue: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          records: {
            email?: string;
            domain?: string;
            company_name?: string;
            linkedin_url?: string;
            first_name?: string;
            last_name?: string;
            full_name?: string;
            /** @description A phone number, with its country code (`+1 415 555 0133`) or a UK one without. An extension written with it (`+44 20 7946 0958 ext. 123`, `x123`) is accepted and ignored: the person is looked up by the number. */
            phone?: string;
          }[];
          enrich: (
            | 'first_name'
            | 'last_name'
            | 'full_name'
            | 'title'
            | 'seniority'
            | 'department'
            | 'company_name'
            | 'company_domain'
            | 'industry'
            | 'company_size'
            | 'company_revenue'
            | 'technologies'
            | 'location'
            | 'city'
            | 'state'
            | 'country'
            | 'zip_code'
            | 'linkedin_url'
            | 'phone'
            | 'phone_extension'
            | 'mobile_phone'
            | 'business_email'
            | 'personal_email'
            | 'email_status'
          )[];
          /** @description accept_catch_all, phone_type, wait_for_credits, max_age_days (0–3650) */
          options?: {
            accept_catch_all?: boolean;
            /** @enum {string} */
            phone_type?: 'mobile' | 'any';
            wait_for_credits?: boolean;
            max_age_days?: number;
          };
          /** @enum {string} */
          priority?: 'interactive' | 'bulk';
          /**
           * Format: uri
           * @example https://crm.example.com/hooks/sluice
           */
          callback_url?: string;
          max_credits?: number;
        };
      };
    };
    responses: {
      /** @description The jobs made, and the records refused. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            accepted: {
              index: number;
              id: string;
            }[];
            rejected: {
              index: number;
              errors: string[];
            }[];
          };
        };
      };
      /** @description Not a list of records, too many, bad settings, or not one record valid (then each record is listed in `rejected`). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "No record could be accepted; nothing was enqueued."
           *     }
           */
          'application/json': components['schemas']['ListRefusedErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The providers. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "providers": [
           *         {
           *           "name": "apollo",
           *           "capabilities": [
           *             "lookup_person",
           *             "find_work_email",
           *             "check_credits"
           *           ],
           *           "credential_fields": [
           *             "api_key"
           *           ],
           *           "configured": true,
           *           "credentials": "workspace",
           *           "workspace_credentials": {
           *             "fingerprint": "…9f3a",
           *             "updated_at": "2026-12-02T10:00:00.000Z"
           *           },
           *           "enabled": true,
           *           "paused": false,
           *           "pause": null,
           *           "circuit": "closed",
           *           "available": true,
           *           "credits": null
           *         },
           *         {
           *           "name": "snov",
           *           "capabilities": [
           *             "find_work_email",
           *             "find_domain"
           *           ],
           *           "credential_fields": [
           *             "client_id",
           *             "client_secret"
           *           ],
           *           "configured": true,
           *           "credentials": "platform",
           *           "workspace_credentials": null,
           *           "enabled": true,
           *           "paused": true,
           *           "pause": {
           *             "since": "2026-12-02T11:00:00.000Z",
           *             "reason": "paused by an operator",
           *             "by": "operator"
           *           },
           *           "circuit": "closed",
           *           "available": false,
           *           "credits": {
           *             "balance": 1250,
           *             "unlimited": false,
           *             "balance_read_at": "2026-12-02T10:55:00.000Z",
           *             "reserved": 0
           *           }
           *         }
           *       ]
           *     }
           */
          'application/json': components['schemas']['ProviderListDto'];
        };
      };
      /** @description A query parameter: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) enabled; this route takes none."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersController_put: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          [key: string]: string;
        };
      };
    };
    responses: {
      /** @description Stored. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "provider": "apollo",
           *       "configured": true,
           *       "credentials": "workspace",
           *       "fingerprint": "…9f3a",
           *       "created_at": "2026-12-02T10:00:00.000Z",
           *       "updated_at": "2026-12-02T10:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['CredentialsStoredDto'];
        };
      };
      /** @description A field is missing, unknown or malformed (each named), or credentials are not enabled. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "api_key is required"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, rocketreach, apollo, serper, orion-connect, astra-dialer, nimbus-lookup, email-verifier."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ProvidersController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name:
          | 'companies-house'
          | 'snov'
          | 'rocketreach'
          | 'apollo'
          | 'serper'
          | 'orion-connect'
          | 'astra-dialer'
          | 'nimbus-lookup'
          | 'email-verifier';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed (or there were none: `removed` is false). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "provider": "apollo",
           *       "removed": true,
           *       "configured": true,
           *       "credentials": "platform"
           *     }
           */
          'application/json': components['schemas']['CredentialsRemovedDto'];
        };
      };
      /** @description A body with fields or a query parameter: the route takes neither. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Unknown field(s) reason; this route takes no body.",
           *         "Unknown query parameter(s) reason; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such provider. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No provider 'acme'; providers: companies-house, snov, rocketreach, apollo, serper, orion-connect, astra-dialer, nimbus-lookup, email-verifier."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_list: {
    parameters: {
      query?: {
        /** @description default 0; not with cursor (pages by offset shift as batches are created) */
        offset?: unknown;
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–100, default 20 */
        limit?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of batches, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *           "name": "Closed-won, last quarter",
           *           "status": "running",
           *           "fields": [
           *             "business_email",
           *             "industry",
           *             "company_size"
           *           ],
           *           "options": {
           *             "fields": [
           *               "business_email",
           *               "industry",
           *               "company_size"
           *             ]
           *           },
           *           "filters": {
           *             "since_days": 90,
           *             "limit": 500
           *           },
           *           "priority": "bulk",
           *           "max_credits": 100,
           *           "max_credits_per_record": 0.2,
           *           "records_received": 520,
           *           "record_count": 500,
           *           "schedule": {
           *             "every_days": 30
           *           },
           *           "progress": {
           *             "total": 500,
           *             "by_status": {
           *               "completed": 320,
           *               "running": 30,
           *               "queued": 150
           *             },
           *             "finished": 320
           *           },
           *           "credits_spent": 41,
           *           "last_run_at": "2026-12-01T09:00:00.000Z",
           *           "cancelled_at": null,
           *           "created_at": "2026-12-01T09:00:00.000Z"
           *         }
           *       ],
           *       "next_cursor": "WyIyMDI2LTEyLTAxIDA5OjAwOjAwLjEyMzQ1NiswMCIsIjBkNWUyYzFhLTdiM2YtNGU2YS05YzJkLTFmMGU5YThiN2M2ZCJd",
           *       "next_offset": 20
           *     }
           */
          'application/json': components['schemas']['BatchListDto'];
        };
      };
      /** @description limit, offset or cursor malformed or out of bounds, both cursor and offset, or an unknown query parameter. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "limit must be an integer from 1 to 100",
           *         "cursor is not a next_cursor of this list; start again without it.",
           *         "Unknown query parameter(s) status; allowed: limit, offset, cursor."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateBatchBodyDto'];
      };
    };
    responses: {
      /** @description The batch, the records accepted (with their job ids), refused (by index, with why) and filtered out. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "batch": {
           *         "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *         "name": "Closed-won, last quarter",
           *         "status": "running",
           *         "fields": [
           *           "business_email",
           *           "industry",
           *           "company_size"
           *         ],
           *         "options": {
           *           "fields": [
           *             "business_email",
           *             "industry",
           *             "company_size"
           *           ]
           *         },
           *         "filters": {
           *           "since_days": 90,
           *           "limit": 500
           *         },
           *         "priority": "bulk",
           *         "max_credits": 100,
           *         "max_credits_per_record": 0.2,
           *         "records_received": 520,
           *         "record_count": 500,
           *         "schedule": {
           *           "every_days": 30
           *         },
           *         "progress": {
           *           "total": 500,
           *           "by_status": {
           *             "completed": 320,
           *             "running": 30,
           *             "queued": 150
           *           },
           *           "finished": 320
           *         },
           *         "credits_spent": 41,
           *         "last_run_at": "2026-12-01T09:00:00.000Z",
           *         "cancelled_at": null,
           *         "created_at": "2026-12-01T09:00:00.000Z"
           *       },
           *       "accepted": [
           *         {
           *           "index": 0,
           *           "external_id": "deal-1042",
           *           "job_id": "6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f"
           *         }
           *       ],
           *       "rejected": [
           *         {
           *           "index": 1,
           *           "errors": [
           *             "records[1]: email \"grace@\" is not an e-mail address"
           *           ]
           *         }
           *       ],
           *       "filtered_out": [
           *         {
           *           "index": 2,
           *           "reason": "since_days"
           *         }
           *       ]
           *     }
           */
          'application/json': components['schemas']['BatchCreatedDto'];
        };
      };
      /** @description A bad setting (named), too many records, a budget too small to split, or no record left to enrich (then each record is listed in `rejected` or `filtered_out`). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "since_days must be an integer from 1 to 3650"
           *     }
           */
          'application/json': components['schemas']['BatchRefusedErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis unavailable: nothing was written; retry. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_get: {
    parameters: {
      query?: {
        /** @description records per page, 1–500, default 100 */
        limit?: string;
        /** @description next_cursor of the previous page */
        after?: string;
      };
      header?: never;
      path: {
        /** @description The batch id, as returned by POST /v1/batches. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The batch, with a page of its records. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *       "name": "Closed-won, last quarter",
           *       "status": "running",
           *       "fields": [
           *         "business_email",
           *         "industry",
           *         "company_size"
           *       ],
           *       "options": {
           *         "fields": [
           *           "business_email",
           *           "industry",
           *           "company_size"
           *         ]
           *       },
           *       "filters": {
           *         "since_days": 90,
           *         "limit": 500
           *       },
           *       "priority": "bulk",
           *       "max_credits": 100,
           *       "max_credits_per_record": 0.2,
           *       "records_received": 520,
           *       "record_count": 500,
           *       "schedule": {
           *         "every_days": 30
           *       },
           *       "progress": {
           *         "total": 500,
           *         "by_status": {
           *           "completed": 320,
           *           "running": 30,
           *           "queued": 150
           *         },
           *         "finished": 320
           *       },
           *       "credits_spent": 41,
           *       "last_run_at": "2026-12-01T09:00:00.000Z",
           *       "cancelled_at": null,
           *       "created_at": "2026-12-01T09:00:00.000Z",
           *       "records": {
           *         "data": [
           *           {
           *             "index": 0,
           *             "external_id": "deal-1042",
           *             "input": {
           *               "first_name": "Ada",
           *               "last_name": "Lovelace",
           *               "domain": "acme.com"
           *             },
           *             "occurred_at": "2026-11-20T00:00:00.000Z",
           *             "job_id": "6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f",
           *             "status": "completed",
           *             "error": null,
           *             "last_enriched_at": "2026-12-01T09:00:03.000Z",
           *             "steps": [
           *               {
           *                 "provider": "snov",
           *                 "goal": "email",
           *                 "state": "completed",
           *                 "reason": null,
           *                 "credits": 1
           *               }
           *             ]
           *           }
           *         ],
           *         "next_cursor": 0
           *       }
           *     }
           */
          'application/json': components['schemas']['BatchDetailDto'];
        };
      };
      /** @description The id is not a UUID, or limit or after is out of bounds. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such batch in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_summary: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The batch id, as returned by POST /v1/batches. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What the batch found. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "batch_id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *       "records": 500,
           *       "jobs": {
           *         "completed": 480,
           *         "failed": 12,
           *         "cancelled": 0,
           *         "unfinished": 8
           *       },
           *       "providers": [
           *         {
           *           "provider": "snov",
           *           "records": 410,
           *           "fields": 410
           *         }
           *       ],
           *       "fields": {
           *         "business_email": {
           *           "answered": 410,
           *           "share": 0.82
           *         }
           *       },
           *       "failures": {
           *         "jobs": 12,
           *         "top_reasons": [
           *           {
           *             "reason": "no provider could answer",
           *             "count": 12
           *           }
           *         ],
           *         "steps": 30,
           *         "top_step_reasons": [
           *           {
           *             "provider": "apollo",
           *             "reason": "not_found",
           *             "count": 30
           *           }
           *         ]
           *       },
           *       "top_industries": [
           *         {
           *           "value": "Software",
           *           "count": 120
           *         }
           *       ],
           *       "company_sizes": [
           *         {
           *           "value": "51-200",
           *           "count": 140
           *         }
           *       ],
           *       "credits_spent": {
           *         "last_run": 41,
           *         "all_runs": 41
           *       },
           *       "last_run_at": "2026-12-01T09:00:00.000Z",
           *       "cancelled_at": null
           *     }
           */
          'application/json': components['schemas']['BatchSummaryDto'];
        };
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such batch in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_cancel: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path: {
        /** @description The batch id, as returned by POST /v1/batches. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description How many unfinished jobs were cancelled, and the batch. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "cancelled": 150,
           *       "batch": {
           *         "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *         "name": "Closed-won, last quarter",
           *         "status": "cancelled",
           *         "fields": [
           *           "business_email",
           *           "industry",
           *           "company_size"
           *         ],
           *         "options": {
           *           "fields": [
           *             "business_email",
           *             "industry",
           *             "company_size"
           *           ]
           *         },
           *         "filters": {
           *           "since_days": 90,
           *           "limit": 500
           *         },
           *         "priority": "bulk",
           *         "max_credits": 100,
           *         "max_credits_per_record": 0.2,
           *         "records_received": 520,
           *         "record_count": 500,
           *         "schedule": null,
           *         "progress": {
           *           "total": 500,
           *           "by_status": {
           *             "completed": 350,
           *             "cancelled": 150
           *           },
           *           "finished": 500
           *         },
           *         "credits_spent": 41,
           *         "last_run_at": "2026-12-01T09:00:00.000Z",
           *         "cancelled_at": "2026-12-01T10:00:00.000Z",
           *         "created_at": "2026-12-01T09:00:00.000Z"
           *       }
           *     }
           */
          'application/json': components['schemas']['BatchCancelledDto'];
        };
      };
      /** @description The id is not a UUID, or a body with fields (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such batch in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_setSchedule: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The batch id, as returned by POST /v1/batches. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BatchScheduleDto'];
      };
    };
    responses: {
      /** @description The batch, with its schedule. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *       "name": "Closed-won, last quarter",
           *       "status": "running",
           *       "fields": [
           *         "business_email",
           *         "industry",
           *         "company_size"
           *       ],
           *       "options": {
           *         "fields": [
           *           "business_email",
           *           "industry",
           *           "company_size"
           *         ]
           *       },
           *       "filters": {
           *         "since_days": 90,
           *         "limit": 500
           *       },
           *       "priority": "bulk",
           *       "max_credits": 100,
           *       "max_credits_per_record": 0.2,
           *       "records_received": 520,
           *       "record_count": 500,
           *       "schedule": {
           *         "every_days": 30
           *       },
           *       "progress": {
           *         "total": 500,
           *         "by_status": {
           *           "completed": 320,
           *           "running": 30,
           *           "queued": 150
           *         },
           *         "finished": 320
           *       },
           *       "credits_spent": 41,
           *       "last_run_at": "2026-12-01T09:00:00.000Z",
           *       "cancelled_at": null,
           *       "created_at": "2026-12-01T09:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['BatchDto'];
        };
      };
      /** @description The id is not a UUID, or every_days is missing or out of bounds. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "every_days must be an integer from 1 to 365"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such batch in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The batch was cancelled: a cancelled batch is not enriched again. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "Batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c was cancelled at 2026-12-01T10:00:00.000Z: a cancelled batch is not enriched again. Create a new batch with its records to enrich them again."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  BatchesController_deleteSchedule: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The batch id, as returned by POST /v1/batches. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The batch, without a schedule. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0d5e2c1a-7b3f-4e6a-9c2d-1f0e9a8b7c6d",
           *       "name": "Closed-won, last quarter",
           *       "status": "running",
           *       "fields": [
           *         "business_email",
           *         "industry",
           *         "company_size"
           *       ],
           *       "options": {
           *         "fields": [
           *           "business_email",
           *           "industry",
           *           "company_size"
           *         ]
           *       },
           *       "filters": {
           *         "since_days": 90,
           *         "limit": 500
           *       },
           *       "priority": "bulk",
           *       "max_credits": 100,
           *       "max_credits_per_record": 0.2,
           *       "records_received": 520,
           *       "record_count": 500,
           *       "schedule": null,
           *       "progress": {
           *         "total": 500,
           *         "by_status": {
           *           "completed": 320,
           *           "running": 30,
           *           "queued": 150
           *         },
           *         "finished": 320
           *       },
           *       "credits_spent": 41,
           *       "last_run_at": "2026-12-01T09:00:00.000Z",
           *       "cancelled_at": null,
           *       "created_at": "2026-12-01T09:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['BatchDto'];
        };
      };
      /** @description The id is not a UUID, or a body with fields or a query parameter (the route takes neither). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Validation failed (uuid is expected)"
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such batch in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No batch 3c9e1a2b-7d4f-4e6a-8b1c-2d3e4f5a6b7c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ImportsController_list: {
    parameters: {
      query?: {
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–100, default 20 */
        limit?: unknown;
        status?: 'running' | 'completed' | 'failed';
        reference?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of imports, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a",
           *           "type": "person.email",
           *           "status": "completed",
           *           "reference": "leads-2026-12-02",
           *           "rows_total": 1,
           *           "rows_accepted": 1,
           *           "rows_rejected": 0,
           *           "rows_skipped": 2,
           *           "rows_committed": 3,
           *           "errors": [],
           *           "errors_truncated": false,
           *           "error": null,
           *           "resumable": false,
           *           "resumed_from": "0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c",
           *           "resumed_by": null,
           *           "progress": {
           *             "total": 2,
           *             "by_status": {
           *               "completed": 1,
           *               "running": 1
           *             },
           *             "finished": 1
           *           },
           *           "credits_spent": 1,
           *           "created_at": "2026-12-02T10:05:00.000Z",
           *           "completed_at": "2026-12-02T10:05:01.000Z"
           *         },
           *         {
           *           "id": "0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c",
           *           "type": "person.email",
           *           "status": "failed",
           *           "reference": "leads-2026-12-02",
           *           "rows_total": 2,
           *           "rows_accepted": 2,
           *           "rows_rejected": 0,
           *           "rows_skipped": 0,
           *           "rows_committed": 2,
           *           "errors": [],
           *           "errors_truncated": false,
           *           "error": "The upload broke off: the client closed the connection. The 2 row(s) accepted before stay queued (GET /v1/jobs?import_id=0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c). To import the rest, send the same file with resume=0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c: its first 2 data row(s), already handled, are skipped.",
           *           "resumable": false,
           *           "resumed_from": null,
           *           "resumed_by": "5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a",
           *           "progress": {
           *             "total": 2,
           *             "by_status": {
           *               "completed": 1,
           *               "running": 1
           *             },
           *             "finished": 1
           *           },
           *           "credits_spent": 1,
           *           "created_at": "2026-12-02T10:00:00.000Z",
           *           "completed_at": "2026-12-02T10:00:01.000Z"
           *         }
           *       ],
           *       "next_cursor": null
           *     }
           */
          'application/json': components['schemas']['ImportListDto'];
        };
      };
      /** @description An unknown or malformed filter, limit or cursor. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) colour; allowed: reference, status, limit, cursor."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ImportsController_create: {
    parameters: {
      query?: {
        /** @description The id of a failed, resumable import of this workspace: its committed rows are skipped. */
        resume?: unknown;
        /** @description A label of 1–128 visible ASCII characters, to find the import again: GET /v1/imports?reference=. */
        reference?: unknown;
        callback_url?: string;
        priority?: 'interactive' | 'bulk';
        /** @description With a text/csv body (JSON). */
        options?: unknown;
        /** @description With a text/csv body (JSON). */
        mapping?: unknown;
        /** @description With a text/csv body. */
        type?: unknown;
      };
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * @example person.email
           * @enum {string}
           */
          type:
            | 'company.profile'
            | 'company.officers'
            | 'company.domain'
            | 'company.officer_emails'
            | 'person.email'
            | 'person.phone'
            | 'person.profile'
            | 'email.verify'
            | 'enrich';
          /**
           * @description JSON object
           * @example {"First":"first_name","Last":"last_name","Work Domain":"domain"}
           */
          mapping?: string;
          /**
           * @description JSON object
           * @example {"verify":true}
           */
          options?: string;
          /**
           * @default bulk
           * @enum {string}
           */
          priority?: 'interactive' | 'bulk';
          /**
           * Format: uri
           * @example https://crm.example.com/hooks/sluice
           */
          callback_url?: string;
          /** @example leads-2026-12-02 */
          reference?: string;
          /**
           * Format: uuid
           * @example 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c
           */
          resume?: string;
          /** Format: binary */
          file: string;
        };
        'text/csv': {
          /**
           * @example person.email
           * @enum {string}
           */
          type:
            | 'company.profile'
            | 'company.officers'
            | 'company.domain'
            | 'company.officer_emails'
            | 'person.email'
            | 'person.phone'
            | 'person.profile'
            | 'email.verify'
            | 'enrich';
          /**
           * @description JSON object
           * @example {"First":"first_name","Last":"last_name","Work Domain":"domain"}
           */
          mapping?: string;
          /**
           * @description JSON object
           * @example {"verify":true}
           */
          options?: string;
          /**
           * @default bulk
           * @enum {string}
           */
          priority?: 'interactive' | 'bulk';
          /**
           * Format: uri
           * @example https://crm.example.com/hooks/sluice
           */
          callback_url?: string;
          /** @example leads-2026-12-02 */
          reference?: string;
          /**
           * Format: uuid
           * @example 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c
           */
          resume?: string;
          /** Format: binary */
          file: string;
        };
      };
    };
    responses: {
      /** @description The import, finished. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c",
           *       "type": "person.email",
           *       "status": "completed",
           *       "reference": "leads-2026-12-02",
           *       "rows_total": 3,
           *       "rows_accepted": 2,
           *       "rows_rejected": 1,
           *       "rows_skipped": 0,
           *       "rows_committed": 3,
           *       "errors": [
           *         {
           *           "line": 3,
           *           "column": "Work Domain",
           *           "message": "input.domain \"not a domain\" is not a domain (e.g. example.com)"
           *         }
           *       ],
           *       "errors_truncated": false,
           *       "error": null,
           *       "resumable": false,
           *       "resumed_from": null,
           *       "resumed_by": null,
           *       "progress": {
           *         "total": 2,
           *         "by_status": {
           *           "completed": 1,
           *           "running": 1
           *         },
           *         "finished": 1
           *       },
           *       "credits_spent": 1,
           *       "created_at": "2026-12-02T10:00:00.000Z",
           *       "completed_at": "2026-12-02T10:00:01.000Z"
           *     }
           */
          'application/json': components['schemas']['ImportDto'];
        };
      };
      /** @description Bad settings, no file part named `file`, not CSV, not UTF-8, a separator that cannot be told, no header, a mapping naming a missing column, too many rows, a body that does not decode as its Content-Encoding says. When found part-way the body holds the failed `import`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "mapping names column 'Work Email', which the header lacks; the header is: first_name, last_name, domain."
           *     }
           */
          'application/json': components['schemas']['ImportFailedErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description resume names no import of this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace to resume."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description resume names an import that cannot be resumed (refused for its content, not failed, already resumed, other settings, another file), or the Idempotency-Key was used with another request or is still running.
       *
       *     The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made.
       */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The file is larger than IMPORT_MAX_BYTES (decoded, when it came compressed). When found part-way the body holds the failed `import`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "The file is larger than the import limit of 536870912 bytes; split it into smaller imports."
           *     }
           */
          'application/json': components['schemas']['ImportFailedErrorBody'];
        };
      };
      /** @description A Content-Type other than multipart/form-data or a CSV type (text/csv and the like), or a Content-Encoding other than gzip, deflate or br. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": [
           *         "POST /v1/imports takes multipart/form-data with the CSV as a file part, or a text/csv body; the request is application/json.",
           *         "The upload's Content-Encoding is compress, which POST /v1/imports does not decode; send the file uncompressed, or compressed with gzip, deflate, br."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ImportsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The import id, as returned by POST /v1/imports. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The import. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c",
           *       "type": "person.email",
           *       "status": "completed",
           *       "reference": "leads-2026-12-02",
           *       "rows_total": 3,
           *       "rows_accepted": 2,
           *       "rows_rejected": 1,
           *       "rows_skipped": 0,
           *       "rows_committed": 3,
           *       "errors": [
           *         {
           *           "line": 3,
           *           "column": "Work Domain",
           *           "message": "input.domain \"not a domain\" is not a domain (e.g. example.com)"
           *         }
           *       ],
           *       "errors_truncated": false,
           *       "error": null,
           *       "resumable": false,
           *       "resumed_from": null,
           *       "resumed_by": null,
           *       "progress": {
           *         "total": 2,
           *         "by_status": {
           *           "completed": 1,
           *           "running": 1
           *         },
           *         "finished": 1
           *       },
           *       "credits_spent": 1,
           *       "created_at": "2026-12-02T10:00:00.000Z",
           *       "completed_at": "2026-12-02T10:00:01.000Z"
           *     }
           */
          'application/json': components['schemas']['ImportDto'];
        };
      };
      /** @description The id is not a UUID, or a query parameter (the route takes none). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Import id must be a UUID, as returned by POST /v1/imports.",
           *         "Unknown query parameter(s) errors; this route takes none."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such import in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ExportsController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateExportDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ExportCreatedDto'];
        };
      };
      /** @description An unknown field, a bad format, status, type or date, or created_after not before created_before. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "format must be csv or jsonl"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description import_id or batch_id names no import or batch of this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No import 0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The body is larger than HTTP_BODY_LIMIT_BYTES. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  ExportsController_download: {
    parameters: {
      query?: {
        /** @description Overrides the saved format. */
        format?: 'csv' | 'jsonl';
      };
      header?: never;
      path: {
        /** @description The export id, as returned by POST /v1/exports. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file, as an attachment. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example job_id,type,status,input_company_number,...,business_email,...,sources,attribution,sandbox,error,unresolved,credits_spent,created_at,completed_at
           *     6f1c…,person.email,completed,,...,ada@example.com,...,"{""business_email"":""rocketreach""}",Powered by RocketReach,,,,1,2026-12-02T10:00:00.000Z,2026-12-02T10:00:02.000Z
           */
          'text/csv': string;
          /** @example {"id":"6f1c…","type":"person.email","status":"completed","input":{"first_name":"Ada","last_name":"Lovelace","domain":"example.com"},"data":{"business_email":"ada@example.com","email_status":"valid"},"sources":{"business_email":"rocketreach"},"confidence":{"business_email":0.9},"attribution":["Powered by RocketReach"],"sandbox":false,"error":null,"unresolved":[],"credits_spent":1,"created_at":"2026-12-02T10:00:00.000Z","completed_at":"2026-12-02T10:00:02.000Z"} */
          'application/x-ndjson': string;
        };
      };
      /** @description A malformed id, an unknown query parameter or format. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Export id must be a UUID, as returned by POST /v1/exports."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No such export in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No export 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a in this workspace."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description `exports_busy`: this gateway already streams EXPORT_MAX_CONCURRENT downloads; `gateway_closing`: this gateway is shutting down. Retry after the Retry-After delay. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "exports_busy",
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "This gateway is streaming as many exports as it may at once (EXPORT_MAX_CONCURRENT); retry in 5 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AdminAuditController_list: {
    parameters: {
      query?: {
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–200, default 50 */
        limit?: unknown;
        to?: unknown;
        from?: unknown;
        action?:
          | 'job.read'
          | 'job.list.read'
          | 'job.events.read'
          | 'job.cancel'
          | 'batch.read'
          | 'import.read'
          | 'import.list.read'
          | 'enrich.read'
          | 'export.create'
          | 'export.download'
          | 'person.erase'
          | 'workspace.create'
          | 'api_key.create'
          | 'api_key.revoke'
          | 'workspace.limits'
          | 'quota.set'
          | 'quota.delete'
          | 'provider.pause'
          | 'provider.resume'
          | 'provider.settings'
          | 'provider.settings.reset'
          | 'credentials.put'
          | 'credentials.delete'
          | 'webhook_secret.rotate'
          | 'batch.cancel'
          | 'batch.schedule.set'
          | 'batch.schedule.delete'
          | 'cache.clear'
          | 'jobs.retry_failed'
          | 'retention.run'
          | 'credits.check'
          | 'usage_report.send';
        workspace_id?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of events. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              id: string;
              at: string;
              workspace_id: string | null;
              actor: string;
              action: string;
              target_type: string | null;
              target_id: string | null;
              details: {
                [key: string]: unknown;
              };
              correlation_id: string | null;
            }[];
            next_cursor: string | null;
          };
        };
      };
      /** @description An unknown or malformed filter, limit or cursor, or an action that is not audited. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "workspace_id must be a UUID.",
           *         "action 'job.reads' is not an audited action; actions: job.read, job.list.read, job.events.read, job.cancel, batch.read, import.read, import.list.read, enrich.read, export.create, export.download, person.erase, workspace.create, api_key.create, api_key.revoke, workspace.limits, quota.set, quota.delete, provider.pause, provider.resume, provider.settings, provider.settings.reset, credentials.put, credentials.delete, webhook_secret.rotate, batch.cancel, batch.schedule.set, batch.schedule.delete, cache.clear, jobs.retry_failed, retention.run, credits.check, usage_report.send."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AuditController_list: {
    parameters: {
      query?: {
        /** @description next_cursor of the previous page */
        cursor?: unknown;
        /** @description 1–200, default 50 */
        limit?: unknown;
        to?: unknown;
        from?: unknown;
        action?:
          | 'job.read'
          | 'job.list.read'
          | 'job.events.read'
          | 'job.cancel'
          | 'batch.read'
          | 'import.read'
          | 'import.list.read'
          | 'enrich.read'
          | 'export.create'
          | 'export.download'
          | 'person.erase'
          | 'workspace.create'
          | 'api_key.create'
          | 'api_key.revoke'
          | 'workspace.limits'
          | 'quota.set'
          | 'quota.delete'
          | 'provider.pause'
          | 'provider.resume'
          | 'provider.settings'
          | 'provider.settings.reset'
          | 'credentials.put'
          | 'credentials.delete'
          | 'webhook_secret.rotate'
          | 'batch.cancel'
          | 'batch.schedule.set'
          | 'batch.schedule.delete'
          | 'cache.clear'
          | 'jobs.retry_failed'
          | 'retention.run'
          | 'credits.check'
          | 'usage_report.send';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of this workspace’s events. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              id: string;
              at: string;
              workspace_id: string | null;
              actor: string;
              action: string;
              target_type: string | null;
              target_id: string | null;
              details: {
                [key: string]: unknown;
              };
              correlation_id: string | null;
            }[];
            next_cursor: string | null;
          };
        };
      };
      /** @description An unknown or malformed filter, limit or cursor, or an action that is not audited. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "Unknown query parameter(s) workspace_id; allowed: action, from, to, limit, cursor.",
           *         "action 'job.reads' is not an audited action; actions: job.read, job.list.read, job.events.read, job.cancel, batch.read, import.read, import.list.read, enrich.read, export.create, export.download, person.erase, workspace.create, api_key.create, api_key.revoke, workspace.limits, quota.set, quota.delete, provider.pause, provider.resume, provider.settings, provider.settings.reset, credentials.put, credentials.delete, webhook_secret.rotate, batch.cancel, batch.schedule.set, batch.schedule.delete, cache.clear, jobs.retry_failed, retention.run, credits.check, usage_report.send."
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing, invalid or revoked API key. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Missing API key: send the header \"Authorization: Bearer <your API key>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The API key lacks the scope this route needs. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 403,
           *       "error": "Forbidden",
           *       "message": "This API key lacks the scope 'enrich' (it has: jobs:read)."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Over the workspace’s rate limit (per minute, hour or day); see Retry-After and RateLimit-* headers. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "code": "rate_limited",
           *       "statusCode": 429,
           *       "error": "Too Many Requests",
           *       "message": "This workspace made 100 requests in the last minute, its limit; retry after 12 s."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "PostgreSQL is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AdminOpsController_dataQuality: {
    parameters: {
      query?: {
        segment?: 'industry' | 'country';
        workspace_id?: unknown;
        to?: unknown;
        from?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The figures; `segments` only with `segment`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            window: {
              from: string;
              to: string;
            };
            workspace_id: string | null;
            email_verification: {
              total: number;
              by_verdict: {
                [key: string]: unknown;
              };
              reused: number;
            };
            email_finder_verdicts: {
              total: number;
              by_verdict: {
                [key: string]: unknown;
              };
              reused: number;
            };
            phones: {
              total: number;
              valid: number;
              invalid: number;
              valid_rate: number | null;
              by_kind: {
                [key: string]: unknown;
              };
              reused: number;
            };
            completeness: {
              results: number;
              fields: {
                [key: string]: unknown;
              };
            };
            providers: {
              provider: string;
              calls: number;
              hits: number;
              credits: number;
              hit_rate: number | null;
              cost_per_hit: number | null;
            }[];
            segments?: {
              provider: string;
              calls: number;
              hits: number;
              credits: number;
              hit_rate: number | null;
              cost_per_hit: number | null;
              segment: string;
            }[];
          };
        };
      };
      /** @description An unknown or malformed parameter. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "segment must be one of: industry, country."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No workspace has that workspace_id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AdminOpsController_compliance: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            retention: {
              policies_days: {
                person: number;
                company: number;
                provider_calls: number;
                results: number;
                webhook_events: number;
              };
              schedule: string | null;
              last_run: {
                id: string;
                trigger: string;
                status: string;
                started_at: string;
                finished_at: string | null;
                total_deleted: number;
                error: string | null;
              } | null;
              last_finished_run: {
                id: string;
                trigger: string;
                status: string;
                started_at: string;
                finished_at: string | null;
                total_deleted: number;
                error: string | null;
              } | null;
            };
            suppressions: {
              total: number;
              by_kind: {
                email: number;
                linkedin_url: number;
              };
            };
            attribution: {
              text: string;
              results: number;
            };
            audit_events: number;
          };
        };
      };
      /** @description A query parameter: the route takes none. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": "Unknown query parameter(s) workspace_id; this route takes none."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AdminOpsController_clearCache: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CacheClearDto'];
      };
    };
    responses: {
      /** @description How many entries were deleted. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            deleted: number;
            answers_deleted: number;
          };
        };
      };
      /** @description An unknown provider or operation (named, with those known), a workspace_id not a UUID, a null filter or an unknown field. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "provider must be one of: companies-house, snov, …",
           *         "operation \"person.emial\" is not one answers are cached under; operations: company.profile, company.officers, …"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No workspace has that workspace_id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description The body is larger than HTTP_BODY_LIMIT_BYTES.
       *
       *     The body is larger than HTTP_BODY_LIMIT_BYTES.
       */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32.
       *
       *     A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32.
       */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  AdminOpsController_retryFailed: {
    parameters: {
      query?: never;
      header?: {
        /** @description Up to 255 visible ASCII characters. The same key and body (its object keys in any order; lists in theirs) within the retention window return the first answer (`Idempotent-Replayed: true`) without doing the work again. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RetryFailedDto'];
      };
    };
    responses: {
      /** @description What was matched, retried (with the new job ids) and refused. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            matched: number;
            retried: number;
            refused: number;
            jobs: {
              retry_of: string;
              id: string;
            }[];
            refusals: {
              job_id: string;
              reason: string;
            }[];
          };
        };
      };
      /** @description limit missing or out of range, or a filter invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 400,
           *       "error": "Bad Request",
           *       "message": [
           *         "limit must be at least 1"
           *       ]
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Missing or wrong admin token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 401,
           *       "error": "Unauthorized",
           *       "message": "Admin token required: send \"Authorization: Bearer <SLUICE_ADMIN_TOKEN>\"."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description No workspace has that workspace_id. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 404,
           *       "error": "Not Found",
           *       "message": "No workspace b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description The Idempotency-Key was used with another request, or its first request is still running, or (jobs and batches) its first request was done but its answer never kept: `made` names what it made. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 409,
           *       "error": "Conflict",
           *       "message": "This Idempotency-Key was used with a different request (method, path or body); use a new key."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description The body is larger than HTTP_BODY_LIMIT_BYTES.
       *
       *     The body is larger than HTTP_BODY_LIMIT_BYTES.
       */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 413,
           *       "error": "Payload Too Large",
           *       "message": "Request body is larger than the limit of 1048576 bytes."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /**
       * @description A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32.
       *
       *     A body sent as another Content-Type than JSON, or a JSON body in a charset other than UTF-8, UTF-16 or UTF-32.
       */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 415,
           *       "error": "Unsupported Media Type",
           *       "message": "unsupported charset \"LATIN1\""
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
      /** @description Redis or PostgreSQL unavailable; nothing was written. Retry-After is set. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "statusCode": 503,
           *       "error": "Service Unavailable",
           *       "message": "Redis is temporarily unavailable; nothing was written. Retry after the Retry-After delay."
           *     }
           */
          'application/json': components['schemas']['ApiErrorBody'];
        };
      };
    };
  };
  HealthController_check: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /**
       * @description Both answer. `problems` (present when there are some) lists settings at odds with the other apps of the installation or with the database schema.
       *
       *     The Health Check is successful
       */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example ok */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /**
       * @description Redis or PostgreSQL does not answer; the failing one is named.
       *
       *     The Health Check is not successful
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example error */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
    };
  };
  MetricsController_metrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text format. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example # TYPE sluice_http_request_duration_seconds histogram
           *     sluice_http_request_duration_seconds_count{app="gateway",method="GET",route="/v1/jobs/:id",status="200"} 42
           */
          'text/plain': string;
        };
      };
    };
  };
}
