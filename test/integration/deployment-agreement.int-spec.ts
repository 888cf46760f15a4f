import { randomBytes } from 'node:crypto';
import { redisUrlOptions } from '@sluice/queue';
import { Redis } from 'ioredis';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { deletePrefix } from '../support/redis';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

interface Problem {
  setting: string;
  message: string;
}
interface Health {
  status: string;
  problems?: Problem[];
}

/** What an app's /health answers; its status code must stay 200 whatever it lists. */
async function health(app: { url: string } | string): Promise<Health> {
  const response = await fetch(`${typeof app === 'string' ? app : app.url}/health`);
  expect(response.status).toBe(200);
  return (await response.json()) as Health;
}

/** Where each app reports itself under a queue prefix (a Redis hash, one field per process). */
const presenceKey = (prefix: string): string => `${prefix}:apps`;

const settingsOf = (answer: Health): string[] => (answer.problems ?? []).map((problem) => problem.setting);

/** Waits until `app`'s /health lists a problem with `setting`; answers that problem. */
function problemOn(app: { url: string } | string, setting: string): Promise<Problem> {
  return eventually(
    async () => (await health(app)).problems?.find((problem) => problem.setting === setting),
    { timeoutMs: 30_000, what: `a ${setting} problem on /health` },
  );
}

const base64Key = (): string => randomBytes(32).toString('base64');

/**
 * Apps of one installation given settings that do not go together say so — in their log, on
 * /health — instead of failing quietly (jobs waiting for a worker that is elsewhere, callbacks
 * refused as bad tokens, steps retried for ever on credentials they cannot open).
 */
describe('settings the apps of an installation must share', () => {
  const redisUrl = requireEnv('REDIS_URL');
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const apps: WorkerProcess[] = [];
  const otherDatabases: TestDatabase[] = [];
  const otherPrefixes: string[] = [];
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrlOptions(redisUrl));
  });
  afterAll(() => redis.quit());

  beforeEach(async () => {
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: base64Key() }, { worker: false });
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await tearDown(ctx);
    await Promise.all(otherDatabases.splice(0).map((db) => db.drop()));
    await Promise.all(otherPrefixes.splice(0).map((prefix) => deletePrefix(redisUrl, prefix)));
  });

  async function start(
    app: 'gateway' | 'enrichment-worker' | 'webhook-receiver',
    env: Record<string, string>,
  ): Promise<WorkerProcess> {
    const started = await startAppProcess(app, env, { captureOutput: true });
    apps.push(started);
    return started;
  }

  async function stop(app: WorkerProcess): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.stop();
  }

  /** The error lines an app logged from context `Deployment`. */
  const deploymentErrors = (app: WorkerProcess): string[] =>
    app
      .output()
      .split('\n')
      .filter((line) => line.includes('"context":"Deployment"') && line.includes('"level":50'));

  /** Waits for an error line of context `Deployment` holding `text` (logs are flushed every 200 ms). */
  const loggedError = (app: WorkerProcess, text: string): Promise<string> =>
    eventually(() => Promise.resolve(deploymentErrors(app).find((line) => line.includes(text))), {
      timeoutMs: 5_000,
      what: `an error logged with "${text}"`,
    });

  it('a gateway with no worker on its queue prefix says so, and stops once a worker there reports', async () => {
    const gateway = await start('gateway', ctx.stack.env);
    // A worker on another queue prefix, as a mistyped QUEUE_PREFIX or REDIS_URL database gives.
    const elsewhere = `${ctx.prefix}-elsewhere`;
    otherPrefixes.push(elsewhere);
    await start('enrichment-worker', { ...ctx.stack.env, QUEUE_PREFIX: elsewhere });
    const problem = await problemOn(gateway, 'QUEUE_PREFIX');
    expect(problem.message).toContain(`No enrichment worker has reported on queue prefix "${ctx.prefix}"`);
    await loggedError(gateway, 'No enrichment worker has reported');

    await start('enrichment-worker', ctx.stack.env);
    await eventually(async () => !settingsOf(await health(gateway)).includes('QUEUE_PREFIX') || undefined, {
      timeoutMs: 20_000,
      what: 'the gateway seeing the worker',
    });
  });

  it('apps with different SLUICE_ENCRYPTION_KEYs each say so, naming the setting and never the key', async () => {
    const workerKey = base64Key();
    const worker = await start('enrichment-worker', { ...ctx.stack.env, SLUICE_ENCRYPTION_KEY: workerKey });
    // The stack's gateway and webhook receiver run in this process, with the stack's key.
    const onWorker = await problemOn(worker, 'SLUICE_ENCRYPTION_KEY');
    expect(onWorker.message).toMatch(/gateway@.*webhook-receiver@|webhook-receiver@.*gateway@/);
    const onGateway = await problemOn(ctx.stack.gatewayUrl, 'SLUICE_ENCRYPTION_KEY');
    expect(onGateway.message).toContain('enrichment-worker@');
    await problemOn(ctx.stack.receiverUrl, 'SLUICE_ENCRYPTION_KEY');
    await loggedError(worker, 'SLUICE_ENCRYPTION_KEY differs');

    // Neither key, in any of its spellings, is in Redis, the log or the answers.
    const reports = JSON.stringify(await redis.hgetall(presenceKey(ctx.prefix)));
    const everything = [reports, worker.output(), onWorker.message, onGateway.message].join('\n');
    for (const key of [workerKey, ctx.stack.env.SLUICE_ENCRYPTION_KEY]) {
      for (const spelling of [key, Buffer.from(key, 'base64').toString('hex')]) {
        expect(everything).not.toContain(spelling);
      }
    }
  });

  it('a worker that cannot open what the gateway seals with CREDENTIALS_MASTER_KEY says so, as does the gateway', async () => {
    const worker = await start('enrichment-worker', {
      ...ctx.stack.env,
      CREDENTIALS_MASTER_KEY: base64Key(),
    });
    const onWorker = await problemOn(worker, 'CREDENTIALS_MASTER_KEY');
    expect(onWorker.message).toMatch(
      /^gateway@\S+ seals workspaces' provider credentials under master key k[0-9a-f]{12}, which enrichment-worker@/,
    );
    await problemOn(ctx.stack.gatewayUrl, 'CREDENTIALS_MASTER_KEY');
    await loggedError(worker, 'CREDENTIALS_MASTER_KEY_PREVIOUS');
  });

  it('a worker on another database, its schema a migration behind and one ahead, says so', async () => {
    const other = await createTestDatabase();
    otherDatabases.push(other);
    const [last] = other.dataSource.migrations.slice(-1);
    await other.dataSource.undoLastMigration({ transaction: 'each' });
    // A migration of a later version, as an older image meets a database already upgraded.
    await other.dataSource.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [
      1899999999999,
      'LaterChange1899999999999',
    ]);
    const worker = await start('enrichment-worker', { ...ctx.stack.env, DATABASE_URL: other.url });
    const database = await problemOn(worker, 'DATABASE_URL');
    expect(database.message).toContain('DATABASE_URL differs between the apps');
    await problemOn(ctx.stack.gatewayUrl, 'DATABASE_URL');
    await problemOn(worker, 'schema');
    const schema = (await health(worker)).problems?.filter((problem) => problem.setting === 'schema');
    expect(schema?.map((problem) => problem.message)).toEqual([
      expect.stringContaining(
        `The database lacks 1 migration(s) this version of Sluice needs (${last?.name})`,
      ),
      expect.stringContaining(
        'The database has 1 migration(s) this version of Sluice does not know (LaterChange1899999999999)',
      ),
    ]);
    // The stack's own database has every migration.
    expect(settingsOf(await health(ctx.stack.gatewayUrl))).not.toContain('schema');
  });

  it('raises nothing for apps that agree, nor through a CREDENTIALS_MASTER_KEY rotation done as documented', async () => {
    // Apps of their own, on a prefix of their own: the stack's gateway keeps its key throughout.
    const prefix = `${ctx.prefix}-rotation`;
    otherPrefixes.push(prefix);
    const oldKey = base64Key();
    const newKey = base64Key();
    const env = (key: string, previous = ''): Record<string, string> => ({
      ...ctx.stack.env,
      QUEUE_PREFIX: prefix,
      CREDENTIALS_MASTER_KEY: key,
      CREDENTIALS_MASTER_KEY_PREVIOUS: previous,
    });
    /** Once every running app has reported and compared after the latest change, none lists a problem. */
    const settled = async (running: WorkerProcess[]): Promise<void> => {
      const since = Date.now();
      await eventually(
        async () => {
          const reports = Object.values(await redis.hgetall(presenceKey(prefix))).map(
            (text) => JSON.parse(text) as { seenAt: number },
          );
          return (reports.length === running.length && reports.every((r) => r.seenAt > since)) || undefined;
        },
        { timeoutMs: 20_000, what: 'every app reporting again' },
      );
      // One more round, so each has compared with the others' latest reports.
      const round = Date.now();
      await eventually(
        async () =>
          Object.values(await redis.hgetall(presenceKey(prefix))).every(
            (text) => (JSON.parse(text) as { seenAt: number }).seenAt > round,
          ) || undefined,
        { timeoutMs: 20_000, what: 'a further round of reports' },
      );
      for (const app of running) {
        expect(await health(app)).toMatchObject({ status: 'ok' });
        expect((await health(app)).problems).toBeUndefined();
        expect(deploymentErrors(app)).toEqual([]);
      }
    };

    let gateway = await start('gateway', env(oldKey));
    let worker = await start('enrichment-worker', env(oldKey));
    const receiver = await start('webhook-receiver', env(oldKey));
    await settled([gateway, worker, receiver]);

    // 1. The new key with the old one as previous: the workers first, then the gateway (rolling).
    const worker2 = await start('enrichment-worker', env(newKey, oldKey));
    await stop(worker);
    worker = worker2;
    await settled([gateway, worker, receiver]);
    const gateway2 = await start('gateway', env(newKey, oldKey));
    await stop(gateway);
    gateway = gateway2;
    await settled([gateway, worker, receiver]);

    // 3. (After the re-encryption) the previous key removed, workers then gateway.
    const worker3 = await start('enrichment-worker', env(newKey));
    await stop(worker);
    worker = worker3;
    await settled([gateway, worker, receiver]);
    const gateway3 = await start('gateway', env(newKey));
    await stop(gateway);
    gateway = gateway3;
    await settled([gateway, worker, receiver]);
  });
});
