import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '@sluice/db';
import type { DataSource } from 'typeorm';
import { eventually } from './wait';

export function requireEnv(name: 'DATABASE_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the integration tests through \`npm test\`, which provisions it.`,
    );
  }
  return value;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh database per suite on the server of DATABASE_URL, built by the real migrations, dropped
 * afterwards. Suites never share rows and never depend on leftovers.
 */
export async function createTestDatabase(serverUrl = requireEnv('DATABASE_URL')): Promise<TestDatabase> {
  const name = `sluice_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  // The suite's own connections wait longer than the apps' for a connection to open: the apps run in
  // this process, and a busy machine can hold its event loop for seconds; a test's own query is not
  // what is under test, and giving up on it only fails the suite.
  const dataSource = createDataSource({
    url,
    applicationName: 'sluice-tests',
    poolSize: 4,
    connectTimeoutMs: 30_000,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy().catch(() => undefined);
      // Bounded, and the connection closed whatever happens: a DROP that cannot finish (a server
      // stuck writing its log, say) fails this suite's teardown with PostgreSQL's reason instead of
      // holding a connection that keeps Jest from ever exiting.
      const client = new Client({
        connectionString: serverUrl,
        connectionTimeoutMillis: 15_000,
        statement_timeout: 60_000,
      });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Waits until a session of the test database waits for a lock: any, or only those whose
 * `wait_event` (`advisory`, `transactionid`, `tuple`, …) or query text matches.
 */
export const untilWaitingForLock = (
  db: TestDatabase,
  what: string,
  only: { event?: string; queryLike?: string } = {},
): Promise<true> =>
  eventually(
    async () => {
      const [row] = await db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND ($1::text IS NULL OR wait_event = $1) AND ($2::text IS NULL OR query LIKE $2)`,
        [only.event ?? null, only.queryLike ?? null],
      );
      return (row?.n ?? 0) > 0 || undefined;
    },
    { what, timeoutMs: 30_000 },
  );
