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
} from 'class-validator';
import { Setting } from './setting';

const PORT = { min: 1, max: 65535 };
const DURATION_MS = { min: 1, max: 3_600_000 };

/** Settings every app reads: where Redis and PostgreSQL are, how to log. */
export class CoreConfig {
  @Setting({ env: 'NODE_ENV', description: 'development, test or production.' })
  @IsIn(['development', 'test', 'production'])
  nodeEnv = 'development';

  @Setting({ env: 'LOG_LEVEL', description: 'pino log level.' })
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  @Setting({
    env: 'REDIS_URL',
    description: 'Redis for BullMQ queues, caches and rate windows (redis:// or rediss://).',
    sensitive: true,
    example: 'redis://127.0.0.1:6379/0',
  })
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  redisUrl!: string;

  @Setting({
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection string.',
    sensitive: true,
    example: 'postgres://sluice:sluice@127.0.0.1:5432/sluice',
  })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  databaseUrl!: string;

  @Setting({ env: 'QUEUE_PREFIX', description: 'Redis key prefix for every BullMQ queue.' })
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, - or _' })
  queuePrefix = 'sluice';
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
    example: 'change-me-to-a-long-random-string',
  })
  @IsString()
  @MinLength(24, { message: 'SLUICE_ADMIN_TOKEN must be at least 24 characters long' })
  adminToken!: string;

  @Setting({ env: 'HTTP_BODY_LIMIT_BYTES', description: 'Largest request body the API accepts.' })
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  bodyLimitBytes = 1024 * 1024;

  @Setting({
    env: 'DEPENDENCY_RETRY_AFTER_SECONDS',
    description: 'Retry-After sent with a 503 while Redis or PostgreSQL is unreachable.',
  })
  @IsInt()
  @Min(1)
  @Max(600)
  retryAfterSeconds = 5;
}

/** The per-provider workers and the orchestrator. */
export class WorkerConfig {
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

  @Setting({ env: 'PROVIDER_TIMEOUT_MS', description: 'Timeout of one provider HTTP call.' })
  @IsInt()
  @Min(100)
  @Max(120_000)
  providerTimeoutMs = 10_000;
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
}

export class CreditMonitorConfig {
  @Setting({ env: 'CREDIT_MONITOR_PORT', description: 'Port of the credit monitor’s /health and /metrics.' })
  @IsInt()
  @Min(PORT.min)
  @Max(PORT.max)
  port = 3003;
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
  WebhookReceiverConfig,
  CreditMonitorConfig,
  SandboxConfig,
] as const;
