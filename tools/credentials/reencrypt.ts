/*
 * `npm run credentials:reencrypt`: seals every stored workspace provider credential again under
 * CREDENTIALS_MASTER_KEY, opening each with the key it names (the current one or one of
 * CREDENTIALS_MASTER_KEY_PREVIOUS). Batches of rows, each batch in one transaction with its rows
 * locked; rows already under the current key are left alone, so it can be run again at will.
 * Prints counts; exits 1 when some rows could not be opened (their workspace and provider listed).
 */
import { ConfigError, CredentialsConfig, loadConfig } from '@sluice/config';
import { createDataSource } from '@sluice/db';
import { CredentialKeyring } from '@sluice/platform';
import type { DataSource } from 'typeorm';

export interface ReencryptReport {
  keyId: string;
  total: number;
  reencrypted: number;
  alreadyCurrent: number;
  failed: { workspaceId: string; provider: string; reason: string }[];
}

interface Row {
  workspace_id: string;
  provider: string;
  ciphertext: string;
}

export async function reencryptCredentials(
  dataSource: DataSource,
  keyring: CredentialKeyring,
  batchSize: number,
): Promise<ReencryptReport> {
  const keyId = keyring.currentKeyId;
  const [counts] = await dataSource.query<{ total: number; current: number }[]>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE key_id = $1))::int AS current
       FROM workspace_provider_credentials`,
    [keyId],
  );
  const report: ReencryptReport = {
    keyId,
    total: counts?.total ?? 0,
    reencrypted: 0,
    alreadyCurrent: counts?.current ?? 0,
    failed: [],
  };
  // A keyset cursor, so that rows that cannot be opened are passed over rather than met again.
  let after: [string, string] = ['00000000-0000-0000-0000-000000000000', ''];
  for (;;) {
    const batch = await dataSource.transaction(async (manager) => {
      // FOR UPDATE re-checks `key_id` once a row is locked: one a PUT sealed meanwhile is skipped.
      const rows = await manager.query<Row[]>(
        `SELECT workspace_id, provider, ciphertext FROM workspace_provider_credentials
          WHERE key_id <> $1 AND (workspace_id, provider) > ($2::uuid, $3)
          ORDER BY workspace_id, provider LIMIT $4 FOR UPDATE`,
        [keyId, after[0], after[1], batchSize],
      );
      for (const row of rows) {
        const context = { workspaceId: row.workspace_id, provider: row.provider };
        try {
          const sealed = keyring.reseal(row.ciphertext, context);
          if (sealed) {
            await manager.query(
              `UPDATE workspace_provider_credentials SET ciphertext = $3, key_id = $4
                WHERE workspace_id = $1 AND provider = $2`,
              [row.workspace_id, row.provider, sealed.ciphertext, sealed.keyId],
            );
            report.reencrypted += 1;
          }
        } catch (error) {
          report.failed.push({
            workspaceId: row.workspace_id,
            provider: row.provider,
            // The keyring's messages name keys by id and never hold a secret.
            reason: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return rows;
    });
    const last = batch[batch.length - 1];
    if (!last) {
      return report;
    }
    after = [last.workspace_id, last.provider];
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: point it at the PostgreSQL database whose credentials to re-encrypt.',
    );
  }
  const batchSize = Number(process.env.CREDENTIALS_REENCRYPT_BATCH ?? 100);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error('CREDENTIALS_REENCRYPT_BATCH must be a whole number from 1 to 10000.');
  }
  const keyring = CredentialKeyring.fromSettings(loadConfig(CredentialsConfig));
  if (!keyring) {
    throw new Error(
      'CREDENTIALS_MASTER_KEY is not set: set the new key there and the old one(s) in CREDENTIALS_MASTER_KEY_PREVIOUS.',
    );
  }
  const dataSource = createDataSource({ url, applicationName: 'sluice-credentials-reencrypt' });
  await dataSource.initialize();
  try {
    const report = await reencryptCredentials(dataSource, keyring, batchSize);
    console.log(
      `Credentials under key ${report.keyId}: ${report.reencrypted} re-encrypted, ${report.alreadyCurrent} already under it, ${report.failed.length} could not be opened (of ${report.total}).`,
    );
    for (const failure of report.failed) {
      console.error(`  ${failure.workspaceId} ${failure.provider}: ${failure.reason}`);
    }
    process.exitCode = report.failed.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // ConfigError names the variable, never a value.
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
