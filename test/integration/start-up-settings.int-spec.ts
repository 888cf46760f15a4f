import { JOB_NAMES, QUEUE_NAMES, redisUrlOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { requireEnv } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { appExit, startAppProcess, type WorkerProcess } from '../support/worker-process';

const APPS = ['gateway', 'enrichment-worker', 'webhook-receiver', 'credit-monitor'] as const;

/** A line of a stack trace: a setting refused is a message, not a crash. */
const STACK_LINE = /\n\s+at /;

describe('settings an app refuses at start-up', () => {
  const prefix = uniquePrefix();
  // Valid settings for everything else; the queue prefix keeps an app that does start to itself.
  const env = {
    REDIS_URL: requireEnv('REDIS_URL'),
    DATABASE_URL: requireEnv('DATABASE_URL'),
    SLUICE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    QUEUE_PREFIX: prefix,
    COMPANIES_HOUSE_STREAM_ENABLED: 'false',
  };
  afterAll(() => deletePrefix(requireEnv('REDIS_URL'), prefix));

  it.each(APPS)('%s refuses a REDIS_URL it cannot read, naming it and not its password', async (app) => {
    const password = 'hunter2-not-for-logs';
    // A port that is no number: the URL parser throws with the whole URL as its input.
    const { code, output } = await appExit(app, {
      ...env,
      REDIS_URL: `redis://:${password}@127.0.0.1:six-three-seven-nine/0`,
    });
    expect(code).toBe(1);
    expect(output).toMatch(/cannot start\. Invalid configuration:\n {2}- REDIS_URL: REDIS_URL must be/);
    expect(output).not.toContain(password);
    expect(output).not.toMatch(STACK_LINE);
  });

  it('refuses a REDIS_URL whose database is no number, and a DATABASE_URL whose port is out of range', async () => {
    const redis = await appExit('gateway', { ...env, REDIS_URL: 'redis://127.0.0.1:6379/zero' });
    expect(redis.code).toBe(1);
    expect(redis.output).toContain('REDIS_URL: REDIS_URL must end with the database number');
    expect(redis.output).not.toMatch(STACK_LINE);

    const password = 'pg-secret-not-for-logs';
    const database = await appExit('enrichment-worker', {
      ...env,
      DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:65536/sluice`,
    });
    expect(database.code).toBe(1);
    expect(database.output).toContain('DATABASE_URL: DATABASE_URL must be a postgres:// URL');
    expect(database.output).not.toContain(password);
    expect(database.output).not.toMatch(STACK_LINE);
  });

  it('the gateway refuses a default enrichment wait above the largest it accepts', async () => {
    // Otherwise every POST /v1/enrich that leaves timeout_ms out is a 400 about timeout_ms.
    const { code, output } = await appExit('gateway', {
      ...env,
      ENRICH_TIMEOUT_MS: '5000',
      ENRICH_TIMEOUT_MAX_MS: '3000',
    });
    expect(code).toBe(1);
    expect(output).toContain(
      'ENRICH_TIMEOUT_MS: ENRICH_TIMEOUT_MS must not be greater than ENRICH_TIMEOUT_MAX_MS (3000)',
    );
  });
});

describe('schedules turned off with an empty setting', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let monitor: WorkerProcess | undefined;
  let queue: Queue | undefined;

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  });
  afterAll(async () => {
    await queue?.close();
    await monitor?.stop();
    await tearDown(ctx);
  });

  it('the credit monitor schedules neither retention nor the usage report when RETENTION_CRON and USAGE_REPORT_CRON are empty', async () => {
    // The documented way to turn them off; an empty variable otherwise stands for an unset one,
    // which would leave retention deleting data every night.
    monitor = await startAppProcess('credit-monitor', {
      ...ctx.stack.env,
      RETENTION_CRON: '',
      USAGE_REPORT_CRON: '',
    });
    queue = new Queue(QUEUE_NAMES.creditMonitor, {
      connection: redisUrlOptions(requireEnv('REDIS_URL')),
      prefix: ctx.prefix,
    });
    const scheduled = (await queue.getJobSchedulers()).map((scheduler) => scheduler.key);
    // The monitor's other schedules are there: it has set its schedules up.
    expect(scheduled).toContain(JOB_NAMES.opsCheck);
    expect(scheduled).not.toContain(JOB_NAMES.retentionRun);
    expect(scheduled).not.toContain(JOB_NAMES.usageReport);
  });
});
