import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  NotEquals,
} from 'class-validator';
import { CreditMonitorConfig } from './credit-monitor';
import { PipelineConfig } from './pipeline';
import { AtMostSetting, Satisfies, Setting } from './setting';

const PORT = { min: 1, max: 65535 };

/** Where a connection URL's password may be: its problems never quote the URL. */
const READABLE_URL = 'a password with any of @ : / ? # % [ ] must be percent-encoded (e.g. @ as %40)';

/**
 * REDIS_URL's problem, or null. A URL the pattern alone would pass (a port that is not a number, a
 * database that is not one, a broken percent-encoding) would otherwise stop the app deep in the
 * Redis client, with a stack trace and, from the URL parser, the URL with its password.
 */
export function redisUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `REDIS_URL must be a redis:// or rediss:// URL such as redis://:password@host:6379/0 that can be read: a port from 1 to 65535, and ${READABLE_URL}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return 'REDIS_URL must be a redis:// or rediss:// URL';
  }
  if (!/^\/?\d*$/.test(url.pathname)) {
    return 'REDIS_URL must end with the database number, if any (redis://host:6379/0)';
  }
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return `REDIS_URL has a malformed percent-encoding in its user name or password (${READABLE_URL})`;
  }
  return null;
}

/**
 * DATABASE_URL's problem, or null: a URL the PostgreSQL client reads (it parses as this does, with a
 * stand-in host when there is none, for a socket given in the query). Otherwise the app would start,
 * then fail each connection with the parser's error, naming no setting.
 */
export function databaseUrlProblem(value: string): string | null {
  if (!/^postgres(ql)?:\/\/\S+$/.test(value)) {
    return 'DATABASE_URL must be a postgres:// URL';
  }
  for (const candidate of [value, value.replace('@/', '@localhost/')]) {
    try {
      new URL(candidate);
      return null;
    } catch {
      // the next form, or the message below (which never quotes the URL: it holds a password)
    }
  }
  return `DATABASE_URL must be a postgres:// URL such as postgres://user:password@host:5432/database that can be read: a port from 1 to 65535, and ${READABLE_URL}`;
}
const DURATION_MS = { min: 1, max: 3_600_000 };
/** What `.env.example` shows for SLUICE_ADMIN_TOKEN; refused as a token (see GatewayConfig). */
const ADMIN_TOKEN_PLACEHOLDER = 'change-me-to-a-long-random-string';

/** Settings every app reads: where Redis and PostgreSQL are, how to log. */
export class CoreConfig {
  @Setting({ env: 'NODE_ENV', description: 'development, test or production.' })
  @IsIn(['development', 'test', 'production'])
  nodeEnv = 'development';

  @Setting({ env: 'LOG_LEVEL', description: 'pino log level.' })
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  @Setting({
    env: 'LOG_FLUSH_MS',
    description:
      'Log lines are buffered and written at least this often (and at exit); 0 writes every line at once (one system call per line).',
  })
  @IsInt()
  @Min(0)
  @Max(10_000)
  logFlushMs = 200;

  @Setting({
    env: 'REDIS_URL',
    description: 'Redis for BullMQ queues, caches and rate windows (redis:// or rediss://).',
    sensitive: true,
    example: 'redis://127.0.0.1:6379/0',
  })
  @Satisfies(redisUrlProblem)
  redisUrl!: string;

  @Setting({
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection string.',
    sensitive: true,
    example: 'postgres://sluice:sluice@127.0.0.1:5432/sluice',
  })
  @Satisfies(databaseUrlProblem)
  databaseUrl!: string;

  @Setting({
    env: 'DATABASE_PREPARED_STATEMENTS',
    description:
      'Run the hot-path statements as named prepared statements (parsed and planned once per connection). Turn off behind a pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21 or with max_prepared_statements = 0.',
  })
  @IsBoolean()
  databasePreparedStatements = true;

  @Setting({
    env: 'DATABASE_CONNECT_TIMEOUT_MS',
    description:
      'How long opening a connection to PostgreSQL may take before it is given up (ms): the request that needed it is answered 503, and the workers pause until PostgreSQL answers again. Raise it where PostgreSQL is far away or its host is busy.',
  })
  @IsInt()
  @Min(100)
  @Max(120_000)
  databaseConnectTimeoutMs = 5_000;

  @Setting({ env: 'QUEUE_PREFIX', description: 'Redis key prefix for every BullMQ queue.' })
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, - or _' })
  queuePrefix = 'sluice';

  @Setting({
    env: 'SHUTDOWN_TIMEOUT_MS',
    description:
      'How long an app closes gracefully after SIGTERM or SIGINT (jobs in progress finish, connections quit) before it closes its connections by force and exits with code 1 (ms). Keep it below the orchestrator’s grace period (docker compose: 10 s).',
  })
  @IsInt()
  @Min(100)
  @Max(600_000)
  shutdownTimeoutMs = 7_000;
}

/** The public API. */
export class GatewayConfig {
  @Setting({ env: 'GATEWAY_HOST', description: 'Interface the gateway listens on.' })
  @IsString()
  @IsNotEmpty()
  host = '0.0.0.0';

  @Setting({ env: 'GATEWAY_PORT', description: 'Port of the public API, /docs, /metrics and /admin/queues.' })
  @IsInt()
  @Min(PORT.min)
  @Max(PORT.max)
  port = 3000;

  @Setting({
    env: 'SLUICE_ADMIN_TOKEN',
    description:
      'Guards /v1/admin/* and Bull Board. At least 24 characters; generate with `openssl rand -hex 32`.',
    sensitive: true,
    example: ADMIN_TOKEN_PLACEHOLDER,
  })
  @IsString()
  @MinLength(24, { message: 'SLUICE_ADMIN_TOKEN must be at least 24 characters long' })
  // `.env.example` writes the placeholder uncommented (the setting is required), and it is long
  // enough to pass the check above: a copied `.env.example` would guard every workspace and Bull
  // Board with a token anybody can read here.
  @NotEquals(ADMIN_TOKEN_PLACEHOLDER, {
    message:
      'SLUICE_ADMIN_TOKEN is the placeholder of .env.example, which anybody can read; set a random one (`openssl rand -hex 32`)',
  })
  adminToken!: string;

  @Setting({ env: 'HTTP_BODY_LIMIT_BYTES', description: 'Largest request body the API accepts.' })
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  bodyLimitBytes = 1024 * 1024;

  @Setting({
    env: 'HTTP_ACTIVE_CONNECTIONS',
    description:
      'Connections a saturated gateway reads at once (its event loop busy over 90 % of the time); beyond it, answered connections take turns, so it still accepts new ones promptly. 0 reads every connection.',
  })
  @IsInt()
  @Min(0)
  @Max(100_000)
  activeConnections = 64;

  @Setting({
    env: 'DEPENDENCY_RETRY_AFTER_SECONDS',
    description: 'Retry-After sent with a 503 while Redis or PostgreSQL is unreachable.',
  })
  @IsInt()
  @Min(1)
  @Max(600)
  retryAfterSeconds = 5;

  @Setting({
    env: 'WORKSPACE_RATE_LIMIT_PER_MINUTE',
    description:
      'API requests a workspace may make per minute (all its keys, every gateway replica), unless set for it.',
  })
  @IsInt()
  @Min(1)
  rateLimitPerMinute = 100;

  @Setting({
    env: 'WORKSPACE_RATE_LIMIT_PER_HOUR',
    description: 'API requests a workspace may make per hour.',
  })
  @IsInt()
  @Min(1)
  rateLimitPerHour = 1000;

  @Setting({ env: 'WORKSPACE_RATE_LIMIT_PER_DAY', description: 'API requests a workspace may make per day.' })
  @IsInt()
  @Min(1)
  rateLimitPerDay = 10_000;

  @Setting({ env: 'JOBS_BULK_MAX', description: 'Most jobs one POST /v1/jobs/bulk may carry.' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  bulkMax = 1000;

  @Setting({
    env: 'IDEMPOTENCY_TTL_S',
    description: 'How long the answer to a POST with an Idempotency-Key is kept for replays (seconds).',
  })
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  idempotencyTtlS = 24 * 3600;

  @Setting({
    env: 'IDEMPOTENCY_CLAIM_TTL_S',
    description:
      'How long a POST with an Idempotency-Key that is still running holds its key without a sign of life (seconds). The gateway renews the claim while it works, so a repeat is 409 meanwhile; a gateway that died mid-request frees the key after this long.',
  })
  @IsInt()
  @Min(1)
  @Max(3600)
  idempotencyClaimTtlS = 30;

  @Setting({
    env: 'API_KEY_CACHE_MS',
    description:
      'How long a gateway remembers a valid API key and its workspace’s limits (ms). Revocations through this gateway apply at once, on other replicas within this time; 0 looks every request up.',
  })
  @IsInt()
  @Min(0)
  @Max(60_000)
  apiKeyCacheMs = 5_000;

  @Setting({
    env: 'JOB_EVENTS_KEEPALIVE_MS',
    description:
      'How often GET /v1/jobs/:id/events writes a comment line while nothing changes, so proxies and load balancers do not close an idle stream (ms).',
  })
  @IsInt()
  @Min(100)
  @Max(300_000)
  jobEventsKeepaliveMs = 15_000;

  @Setting({
    env: 'ENRICH_TIMEOUT_MS',
    description:
      'How long POST /v1/enrich waits for an answer by default before it answers 202 with the job id (ms; callers set timeout_ms); at most ENRICH_TIMEOUT_MAX_MS.',
  })
  @IsInt()
  @Min(0)
  @Max(60_000)
  // A default above the largest accepted would refuse every request that leaves timeout_ms out.
  @AtMostSetting('enrichTimeoutMaxMs', 'ENRICH_TIMEOUT_MAX_MS')
  enrichTimeoutMs = 2_000;

  @Setting({
    env: 'ENRICH_TIMEOUT_MAX_MS',
    description: 'The largest timeout_ms POST /v1/enrich accepts (ms).',
  })
  @IsInt()
  @Min(0)
  @Max(60_000)
  enrichTimeoutMaxMs = 30_000;

  @Setting({
    env: 'ENRICH_CACHE_TTL_S',
    description:
      'How long a workspace’s real-time enrichment answers are served from its answer cache (seconds); the provider-level cache and the store still answer after.',
  })
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  enrichCacheTtlS = 24 * 3600;

  @Setting({
    env: 'ENRICH_ENQUEUE_MAX',
    description: 'Most records one POST /v1/enrich/enqueue may carry.',
  })
  @IsInt()
  @Min(1)
  @Max(100_000)
  enrichEnqueueMax = 1000;

  @Setting({
    env: 'BATCHES_MAX_RECORDS',
    description: 'Most records one POST /v1/batches may carry (and the largest `limit` it takes).',
  })
  @IsInt()
  @Min(1)
  @Max(100_000)
  batchesMaxRecords = 10_000;

  @Setting({
    env: 'BATCH_REFRESH_TICK_MS',
    description:
      'How often a scheduled batch looks for records whose last enrichment is older than its `every_days` (ms); each look re-enqueues only those.',
  })
  @IsInt()
  @Min(1000)
  @Max(7 * 24 * 3600 * 1000)
  batchRefreshTickMs = 3600 * 1000;

  @Setting({
    env: 'BATCH_SCHEDULE_CHECK_MS',
    description:
      'How often the gateway checks that every scheduled batch has its job scheduler in Redis and puts back any Redis lost with its data (ms).',
  })
  @IsInt()
  @Min(100)
  @Max(3600 * 1000)
  batchScheduleCheckMs = 30_000;

  @Setting({
    env: 'IMPORT_MAX_ROWS',
    description:
      'Most data rows one CSV import (POST /v1/imports) may hold; a longer file is refused and the jobs it had queued are cancelled.',
  })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  importMaxRows = 1_000_000;

  @Setting({
    env: 'IMPORT_MAX_BYTES',
    description:
      'Largest CSV file one import may upload (bytes of the file itself, as decoded when it is sent compressed).',
  })
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024 * 1024)
  importMaxBytes = 512 * 1024 * 1024;

  @Setting({
    env: 'IMPORT_CHUNK_SIZE',
    description:
      'Valid rows an import enqueues together (one INSERT and one queue call); the upload waits while a chunk is written.',
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  importChunkSize = 500;

  @Setting({
    env: 'EXPORT_MAX_CONCURRENT',
    description:
      'Export downloads one gateway streams at once; each holds a database connection while the client reads, so this keeps the pool (10) for the API. Beyond it: 503 with Retry-After.',
  })
  @IsInt()
  @Min(1)
  @Max(8)
  exportMaxConcurrent = 4;

  @Setting({
    env: 'EXPORT_STALL_TIMEOUT_MS',
    description:
      'An export download whose client takes nothing of what was sent for this long (ms) is cut, giving back its slot and its database connection: a client that stops reading would otherwise hold them for as long as it keeps the connection open. Time the database takes to find the rows does not count.',
  })
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  exportStallTimeoutMs = 60_000;

  @Setting({
    env: 'IMPORT_MAX_ERRORS',
    description: 'Rejected rows an import lists with their line and reason (the counts are always complete).',
  })
  @IsInt()
  @Min(1)
  @Max(100_000)
  importMaxErrors = 1000;

  @Setting({
    env: 'IMPORT_STALE_AFTER_MS',
    description:
      'A running import whose row was not refreshed for this long (ms) is taken for one whose gateway died: it is marked failed and can be resumed. A live upload refreshes it every third of this; every gateway looks for stale imports every half of it.',
  })
  @IsInt()
  @Min(1000)
  @Max(24 * 3600 * 1000)
  importStaleAfterMs = 5 * 60 * 1000;

  @Setting({
    env: 'ERASURE_WAIT_MS',
    description:
      'How long DELETE /v1/persons waits for its erasure to finish before it answers 202 with the erasure to follow (GET /v1/erasures/:id) (ms); the erasure goes on to its end in the gateway either way. Keep it below the timeouts of the proxies in front of the gateway.',
  })
  @IsInt()
  @Min(0)
  @Max(120_000)
  erasureWaitMs = 20_000;

  @Setting({
    env: 'ERASURE_STALE_AFTER_MS',
    description:
      'A running erasure whose gateway gave no sign of life for this long (ms) is read as failed, interrupted: its gateway stopped, and repeating the DELETE finishes it. A live erasure refreshes its record every third of this.',
  })
  @IsInt()
  @Min(1000)
  @Max(24 * 3600 * 1000)
  erasureStaleAfterMs = 2 * 60 * 1000;
}

/** The per-provider workers and the orchestrator. */
export class WorkerConfig {
  @Setting({
    env: 'WORKER_HEALTH_HOST',
    description: 'Interface the worker’s /health and /metrics listen on.',
  })
  @IsString()
  @IsNotEmpty()
  healthHost = '0.0.0.0';

  @Setting({ env: 'WORKER_HEALTH_PORT', description: 'Port of the worker’s /health and /metrics.' })
  @IsInt()
  @Min(PORT.min)
  @Max(PORT.max)
  healthPort = 3001;

  @Setting({ env: 'WORKER_HIGH_CONCURRENCY', description: 'Concurrent jobs per HIGH-class provider queue.' })
  @IsInt()
  @Min(1)
  @Max(500)
  highConcurrency = 8;

  @Setting({ env: 'WORKER_LOW_CONCURRENCY', description: 'Concurrent jobs per LOW-class provider queue.' })
  @IsInt()
  @Min(1)
  @Max(500)
  lowConcurrency = 4;

  @Setting({ env: 'ORCHESTRATOR_CONCURRENCY', description: 'Concurrent planning jobs.' })
  @IsInt()
  @Min(1)
  @Max(500)
  orchestratorConcurrency = 8;

  @Setting({
    env: 'CALLBACK_CONCURRENCY',
    description:
      'Concurrent callback deliveries per worker: each may wait CALLBACK_TIMEOUT_MS for a slow receiver, on a queue of its own that planning does not wait for.',
  })
  @IsInt()
  @Min(1)
  @Max(500)
  callbackConcurrency = 16;

  @Setting({
    env: 'DEPENDENCY_CHECK_INTERVAL_MS',
    description: 'How often a worker checks PostgreSQL, pausing its queues while it is down.',
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  dependencyCheckIntervalMs = 1000;

  @Setting({
    env: 'REQUEST_RECOVERY_INTERVAL_MS',
    description: 'How often the worker looks for accepted requests that have no planning job.',
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  requestRecoveryIntervalMs = 30_000;

  @Setting({
    env: 'REQUEST_RECOVERY_AFTER_MS',
    description: 'Age after which a still-queued request is enqueued again (idempotent: same job id).',
  })
  @IsInt()
  @Min(DURATION_MS.min)
  @Max(DURATION_MS.max)
  requestRecoveryAfterMs = 60_000;

  @Setting({
    env: 'CALLBACK_RECOVERY_MAX_AGE_MS',
    description:
      'How far back the recovery sweep looks for finished jobs whose callback was never delivered nor queued (no delivery logged, no delivery job), to queue it; older ones are not sent. At most a day; 0 turns this off.',
  })
  @IsInt()
  @Min(0)
  // A batch's jobs outlive RETENTION_RESULT_DAYS (a day at least) while their delivery logs do not:
  // looking further back would take a job whose logs retention deleted for one never sent.
  @Max(24 * 3_600_000)
  callbackRecoveryMaxAgeMs = 24 * 3_600_000;
}

/** Where each provider lives and how to authenticate. Defaults point at the local sandbox. */
export class ProvidersConfig {
  @Setting({
    env: 'COMPANIES_HOUSE_BASE_URL',
    description: 'Companies House REST API (https://api.company-information.service.gov.uk in production).',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'COMPANIES_HOUSE_BASE_URL must be an http(s) URL' })
  companiesHouseBaseUrl = 'http://127.0.0.1:4010/companies-house';

  @Setting({
    env: 'COMPANIES_HOUSE_API_KEY',
    description: 'Companies House REST API key (sent as the Basic-auth user name).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  companiesHouseApiKey = 'sandbox-companies-house-key';

  @Setting({
    env: 'COMPANIES_HOUSE_STREAM_URL',
    description: 'Companies House streaming API (https://stream.companieshouse.gov.uk in production).',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'COMPANIES_HOUSE_STREAM_URL must be an http(s) URL' })
  companiesHouseStreamUrl = 'http://127.0.0.1:4010/companies-house-stream';

  @Setting({
    env: 'COMPANIES_HOUSE_STREAM_KEY',
    description: 'Companies House streaming API key (a separate key from the REST one).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  companiesHouseStreamKey = 'sandbox-companies-house-stream-key';

  @Setting({
    env: 'COMPANIES_HOUSE_STREAM_ENABLED',
    description:
      'Follow the companies stream: a company turning dissolved or proposed for strike-off is refreshed in the store and its pending paid work cancelled. One worker replica at a time follows it.',
  })
  @IsBoolean()
  companiesHouseStreamEnabled = true;

  @Setting({ env: 'SNOV_BASE_URL', description: 'Snov.io API (https://api.snov.io in production).' })
  @Matches(/^https?:\/\/\S+$/, { message: 'SNOV_BASE_URL must be an http(s) URL' })
  snovBaseUrl = 'http://127.0.0.1:4010/snov';

  @Setting({
    env: 'SNOV_CLIENT_ID',
    description: 'Snov.io API client id (OAuth client credentials).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  snovClientId = 'sandbox-snov-client-id';

  @Setting({ env: 'SNOV_CLIENT_SECRET', description: 'Snov.io API client secret.', sensitive: true })
  @IsString()
  @IsNotEmpty()
  snovClientSecret = 'sandbox-snov-client-secret';

  @Setting({
    env: 'ROCKETREACH_BASE_URL',
    description: 'RocketReach API v2 (https://api.rocketreach.co/api/v2 in production).',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'ROCKETREACH_BASE_URL must be an http(s) URL' })
  rocketreachBaseUrl = 'http://127.0.0.1:4010/rocketreach/api/v2';

  @Setting({
    env: 'ROCKETREACH_API_KEY',
    description: 'RocketReach API key (Api-Key header).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  rocketreachApiKey = 'sandbox-rocketreach-key';

  @Setting({
    env: 'ROCKETREACH_WEBHOOK_SECRET',
    description: 'Secret of the RocketReach webhook (X-RocketReach-Signature HMAC).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  rocketreachWebhookSecret = 'sandbox-rocketreach-webhook-secret';

  @Setting({
    env: 'APOLLO_BASE_URL',
    description: 'Apollo API (https://api.apollo.io/api/v1 in production).',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'APOLLO_BASE_URL must be an http(s) URL' })
  apolloBaseUrl = 'http://127.0.0.1:4010/apollo/api/v1';

  @Setting({ env: 'APOLLO_API_KEY', description: 'Apollo API key (x-api-key header).', sensitive: true })
  @IsString()
  @IsNotEmpty()
  apolloApiKey = 'sandbox-apollo-key';

  @Setting({ env: 'SERPER_BASE_URL', description: 'Serper API (https://google.serper.dev in production).' })
  @Matches(/^https?:\/\/\S+$/, { message: 'SERPER_BASE_URL must be an http(s) URL' })
  serperBaseUrl = 'http://127.0.0.1:4010/serper';

  @Setting({ env: 'SERPER_API_KEY', description: 'Serper API key (X-API-KEY header).', sensitive: true })
  @IsString()
  @IsNotEmpty()
  serperApiKey = 'sandbox-serper-key';

  @Setting({ env: 'ORION_CONNECT_BASE_URL', description: 'Orion Connect phone lookup API.' })
  @Matches(/^https?:\/\/\S+$/, { message: 'ORION_CONNECT_BASE_URL must be an http(s) URL' })
  orionConnectBaseUrl = 'http://127.0.0.1:4010/phone/orion-connect';

  @Setting({ env: 'ORION_CONNECT_API_KEY', description: 'Orion Connect API key (Bearer).', sensitive: true })
  @IsString()
  @IsNotEmpty()
  orionConnectApiKey = 'sandbox-orion-connect-key';

  @Setting({ env: 'ASTRA_DIALER_BASE_URL', description: 'Astra Dialer phone lookup API.' })
  @Matches(/^https?:\/\/\S+$/, { message: 'ASTRA_DIALER_BASE_URL must be an http(s) URL' })
  astraDialerBaseUrl = 'http://127.0.0.1:4010/phone/astra-dialer';

  @Setting({
    env: 'ASTRA_DIALER_API_KEY',
    description: 'Astra Dialer API token (X-Api-Token header).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  astraDialerApiKey = 'sandbox-astra-dialer-key';

  @Setting({ env: 'NIMBUS_LOOKUP_BASE_URL', description: 'Nimbus Lookup phone lookup API (asynchronous).' })
  @Matches(/^https?:\/\/\S+$/, { message: 'NIMBUS_LOOKUP_BASE_URL must be an http(s) URL' })
  nimbusLookupBaseUrl = 'http://127.0.0.1:4010/phone/nimbus-lookup';

  @Setting({ env: 'NIMBUS_LOOKUP_API_KEY', description: 'Nimbus Lookup API key.', sensitive: true })
  @IsString()
  @IsNotEmpty()
  nimbusLookupApiKey = 'sandbox-nimbus-lookup-key';

  @Setting({
    env: 'EMAIL_VERIFIER_BASE_URL',
    description:
      'E-mail verifier speaking Reacher’s API (a self-hosted Reacher, or https://api.reacher.email).',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'EMAIL_VERIFIER_BASE_URL must be an http(s) URL' })
  emailVerifierBaseUrl = 'http://127.0.0.1:4010/email-verifier';

  @Setting({
    env: 'EMAIL_VERIFIER_API_KEY',
    description: 'E-mail verifier secret (Authorization / x-reacher-secret header).',
    sensitive: true,
  })
  @IsString()
  @IsNotEmpty()
  emailVerifierApiKey = 'sandbox-email-verifier-key';

  @Setting({
    env: 'PROVIDER_TIMEOUT_MS',
    description: 'Timeout of one provider HTTP call (the e-mail verifier’s: EMAIL_VERIFIER_TIMEOUT_MS).',
  })
  @IsInt()
  @Min(100)
  @Max(120_000)
  providerTimeoutMs = 10_000;

  @Setting({
    env: 'EMAIL_VERIFIER_TIMEOUT_MS',
    description:
      'Timeout of one e-mail verifier call: it verifies over SMTP while it is asked, which takes seconds and, at a slow mail server, most of a minute (Reacher’s own clients wait a minute). A step calling it may run this long and 5 s more, even past STEP_TIMEOUT_MS.',
  })
  @IsInt()
  @Min(100)
  @Max(300_000)
  emailVerifierTimeoutMs = 60_000;

  @Setting({
    env: 'WEBHOOK_PUBLIC_URL',
    description:
      'Base URL at which providers reach the webhook receiver (e.g. https://hooks.example.com); asynchronous work is given callback URLs under it. Empty: no callbacks, results are polled.',
  })
  @Matches(/^(https?:\/\/\S+)?$/, { message: 'WEBHOOK_PUBLIC_URL must be an http(s) URL or empty' })
  webhookPublicUrl = '';
}

export class WebhookReceiverConfig {
  @Setting({ env: 'WEBHOOK_RECEIVER_HOST', description: 'Interface the webhook receiver listens on.' })
  @IsString()
  @IsNotEmpty()
  host = '0.0.0.0';

  @Setting({ env: 'WEBHOOK_RECEIVER_PORT', description: 'Port providers call back on.' })
  @IsInt()
  @Min(PORT.min)
  @Max(PORT.max)
  port = 3002;

  @Setting({
    env: 'WEBHOOK_BODY_LIMIT_BYTES',
    description: 'Largest callback body accepted; larger ones are answered 413.',
  })
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  bodyLimitBytes = 256 * 1024;
}

/** Callbacks upstream: the signed deliveries of a job's result to its `callback_url`. */
export class CallbackConfig {
  @Setting({
    env: 'SLUICE_ENCRYPTION_KEY',
    description:
      'Key that seals secrets Sluice must read back (workspace webhook signing secrets): base64 of 32 random bytes, e.g. `openssl rand -base64 32`. Empty: callbacks are off (jobs with a callback_url are refused).',
    sensitive: true,
  })
  @Matches(/^([A-Za-z0-9+/]{43}=)?$/, {
    message: 'SLUICE_ENCRYPTION_KEY must be base64 of 32 bytes (openssl rand -base64 32) or empty',
  })
  encryptionKey = '';

  @Setting({
    env: 'CALLBACK_ALLOW_PRIVATE',
    description:
      'Allow callback URLs that resolve to private, loopback or link-local addresses (local runs only: otherwise a caller could make Sluice reach internal services).',
  })
  @IsBoolean()
  allowPrivate = false;

  @Setting({
    env: 'CALLBACK_MAX_ATTEMPTS',
    description: 'Delivery attempts of one callback; with the backoff below, 15 span about a day.',
  })
  @IsInt()
  @Min(1)
  @Max(30)
  maxAttempts = 15;

  @Setting({
    env: 'CALLBACK_BACKOFF_MS',
    description: 'First retry delay of a failed callback; each next one doubles (with jitter).',
  })
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  backoffMs = 5000;

  @Setting({
    env: 'CALLBACK_TIMEOUT_MS',
    description: 'How long one delivery waits for the receiver’s answer.',
  })
  @IsInt()
  @Min(100)
  @Max(60_000)
  timeoutMs = 15_000;

  @Setting({
    env: 'WEBHOOK_SECRET_GRACE_S',
    description:
      'How long a rotated-out workspace webhook secret keeps signing beside the new one (seconds).',
  })
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  secretGraceS = 24 * 3600;
}

/**
 * A 32-byte key written as base64 (`openssl rand -base64 32`) or hex (`openssl rand -hex 32`); the
 * keyring checks the decoded length again, since a regex cannot tell a 32-byte base64 from a typo.
 */
const MASTER_KEY = '(?:[A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})';

/** Workspaces' own provider credentials, encrypted at rest. */
export class CredentialsConfig {
  @Setting({
    env: 'CREDENTIALS_MASTER_KEY',
    description:
      'Key that encrypts workspaces’ own provider credentials at rest (AES-256-GCM): 32 random bytes as base64 (`openssl rand -base64 32`) or hex (`openssl rand -hex 32`). Empty: workspaces cannot store credentials and every call uses the platform ones. To rotate, see CREDENTIALS_MASTER_KEY_PREVIOUS.',
    sensitive: true,
  })
  @Matches(new RegExp(`^(${MASTER_KEY})?$`), {
    message:
      'CREDENTIALS_MASTER_KEY must be 32 bytes as base64 (openssl rand -base64 32) or hex (openssl rand -hex 32), or empty',
  })
  masterKey = '';

  @Setting({
    env: 'CREDENTIALS_MASTER_KEY_PREVIOUS',
    description:
      'Earlier master keys, comma-separated, still accepted for reading while a rotation is under way: set the new key as CREDENTIALS_MASTER_KEY and the old one here, restart, run `npm run credentials:reencrypt`, then remove it.',
    sensitive: true,
  })
  @Matches(new RegExp(`^(${MASTER_KEY}(,${MASTER_KEY})*)?$`), {
    message:
      'CREDENTIALS_MASTER_KEY_PREVIOUS must be a comma-separated list of 32-byte keys (base64 or hex), or empty',
  })
  previousKeys = '';

  @Setting({
    env: 'CREDENTIALS_CACHE_TTL_MS',
    description:
      'How long a worker reuses a workspace’s credentials read from PostgreSQL: a change (PUT or DELETE) takes effect within this time.',
  })
  @IsInt()
  @Min(0)
  @Max(300_000)
  cacheTtlMs = 5000;
}

export class SandboxConfig {
  @Setting({ env: 'SANDBOX_HOST', description: 'Interface the provider sandbox listens on.' })
  @IsString()
  @IsNotEmpty()
  host = '127.0.0.1';

  @Setting({ env: 'SANDBOX_PORT', description: 'Port of the provider sandbox.' })
  @IsInt()
  @Min(PORT.min)
  @Max(PORT.max)
  port = 4010;

  @Setting({ env: 'SANDBOX_SEED', description: 'Seed of the sandbox world: same seed, same companies.' })
  @IsInt()
  @Min(0)
  seed = 20261122;

  @Setting({ env: 'SANDBOX_WORLD_SIZE', description: 'Number of companies in the sandbox world.' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  worldSize = 500;

  @Setting({ env: 'SANDBOX_LOG_REQUESTS', description: 'Log every request the sandbox answers.' })
  @IsOptional()
  @IsBoolean()
  logRequests = false;
}

/** Every config section, in the order `.env.example` lists them. */
export const ALL_CONFIG_SECTIONS = [
  CoreConfig,
  GatewayConfig,
  WorkerConfig,
  ProvidersConfig,
  PipelineConfig,
  WebhookReceiverConfig,
  CallbackConfig,
  CredentialsConfig,
  CreditMonitorConfig,
  SandboxConfig,
] as const;
