import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isPortFree, startPrivatePostgres, startPrivateRedis } from '../local-services';
import { postgresProblem, redisProblem } from './reachable';

export interface Services {
  redisUrl: string;
  databaseUrl: string;
  /** What was started here (empty when both came from the environment). */
  started: string[];
  /** Log files of the servers started here, by server name. */
  logs: { server: 'PostgreSQL' | 'Redis'; path: string }[];
  stop(): Promise<void>;
}

/** Reads a secret kept under .data/, creating it on first use. */
export function localSecret(dataRoot: string, name: string, bytes = 24): string {
  const file = join(dataRoot, name);
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dataRoot, { recursive: true });
  const value = randomBytes(bytes).toString('hex');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

async function portFor(preferred: number | null, what: string, envName: string): Promise<number> {
  if (preferred === null) {
    return freePort();
  }
  if (!(await isPortFree(preferred))) {
    throw new Error(
      `Port ${preferred} for the private ${what} is taken (another \`npm start\` still running?). ` +
        `Stop it, set ${envName} to another port, or point ${what === 'Redis' ? 'REDIS_URL' : 'DATABASE_URL'} at a running server.`,
    );
  }
  return preferred;
}

/**
 * Redis and PostgreSQL for a local run or a test run: the environment's REDIS_URL/DATABASE_URL
 * when set, otherwise private servers with their data under `dataDir`.
 * `ports: null` picks free ports (test runs); numbers are fixed ports (npm start).
 */
export async function provisionServices(options: {
  dataDir: string;
  secretsDir: string;
  ports: { redis: number; postgres: number } | null;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<Services> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];
  const logs: Services['logs'] = [];
  const stop = async (): Promise<void> => {
    for (const fn of stops.reverse()) {
      await fn().catch(() => undefined);
    }
  };
  try {
    let redisUrl = env.REDIS_URL;
    if (redisUrl) {
      log('Redis: using REDIS_URL.');
      const problem = await redisProblem(redisUrl);
      if (problem) {
        throw new Error(problem);
      }
    } else {
      const port = await portFor(options.ports?.redis ?? null, 'Redis', 'SLUICE_REDIS_PORT');
      const redis = await startPrivateRedis({ dataDir: join(options.dataDir, 'redis'), port, log });
      stops.push(() => redis.stop());
      started.push(`redis-server on 127.0.0.1:${port}`);
      logs.push({ server: 'Redis', path: redis.logPath });
      redisUrl = redis.url;
    }
    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      log('PostgreSQL: using DATABASE_URL.');
      const problem = await postgresProblem(databaseUrl);
      if (problem) {
        throw new Error(problem);
      }
    } else {
      const port = await portFor(options.ports?.postgres ?? null, 'PostgreSQL', 'SLUICE_POSTGRES_PORT');
      const pg = await startPrivatePostgres({
        dataDir: join(options.dataDir, 'postgres'),
        port,
        password: localSecret(options.secretsDir, 'postgres-password'),
        log,
      });
      stops.push(() => pg.stop());
      started.push(`embedded PostgreSQL on 127.0.0.1:${port}`);
      logs.push({ server: 'PostgreSQL', path: pg.logPath });
      databaseUrl = pg.url;
    }
    return { redisUrl, databaseUrl, started, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
