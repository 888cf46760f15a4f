import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '@sluice/db';
import type { DataSource } from 'typeorm';

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
  const dataSource = createDataSource({ url, applicationName: 'sluice-tests', poolSize: 4 });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy().catch(() => undefined);
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      await client.end();
    },
  };
}
