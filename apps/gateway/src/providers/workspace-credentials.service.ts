import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type CredentialProvider, type CredentialValues, CredentialsConfig } from '@sluice/config';
import { WorkspaceProviderCredential } from '@sluice/db';
import { CredentialKeyring } from '@sluice/platform';
import { DataSource } from 'typeorm';
import { fingerprintOf } from './credentials-body';

/** What the API shows of stored credentials: never a secret. */
export interface StoredCredentialView {
  provider: string;
  fingerprint: string;
  created_at: string;
  updated_at: string;
}

/**
 * Workspaces' own provider credentials: sealed here (the gateway encrypts only; the workers
 * decrypt), listed without their secrets. Every change is logged as a structured line without the
 * secret (an audit table is to come).
 */
@Injectable()
export class WorkspaceCredentials {
  private readonly logger = new Logger(WorkspaceCredentials.name);
  private readonly keyring: CredentialKeyring | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: CredentialsConfig,
  ) {
    // Throws at start-up, naming the setting, when a key does not decode to 32 bytes.
    this.keyring = CredentialKeyring.fromSettings(config);
  }

  async list(workspaceId: string): Promise<StoredCredentialView[]> {
    const rows = await this.dataSource.getRepository(WorkspaceProviderCredential).find({
      select: { provider: true, fingerprint: true, createdAt: true, updatedAt: true },
      where: { workspaceId },
    });
    return rows.map(view);
  }

  /** Stores (or replaces) the workspace's credentials for `provider` in one statement. */
  async put(
    workspaceId: string,
    apiKeyId: string,
    provider: CredentialProvider,
    values: CredentialValues,
  ): Promise<StoredCredentialView> {
    if (!this.keyring) {
      throw new BadRequestException(
        'Workspace provider credentials are not enabled on this deployment: CREDENTIALS_MASTER_KEY is not set.',
      );
    }
    const sealed = this.keyring.seal(JSON.stringify(values), { workspaceId, provider });
    const fingerprint = fingerprintOf(provider, values);
    const [row] = await this.dataSource.query<
      { provider: string; fingerprint: string; created_at: Date; updated_at: Date; replaced: boolean }[]
    >(
      `INSERT INTO workspace_provider_credentials (workspace_id, provider, ciphertext, key_id, fingerprint)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, provider) DO UPDATE
         SET ciphertext = EXCLUDED.ciphertext, key_id = EXCLUDED.key_id,
             fingerprint = EXCLUDED.fingerprint, updated_at = clock_timestamp()
       RETURNING provider, fingerprint, created_at, updated_at, (xmax <> 0) AS replaced`,
      [workspaceId, provider, sealed.ciphertext, sealed.keyId, fingerprint],
    );
    const stored = row;
    this.logger.log({
      msg: stored.replaced ? 'provider credentials replaced' : 'provider credentials stored',
      event: 'credentials.put',
      workspaceId,
      apiKeyId,
      provider,
      fingerprint,
      keyId: sealed.keyId,
    });
    return view({
      provider: stored.provider,
      fingerprint: stored.fingerprint,
      createdAt: stored.created_at,
      updatedAt: stored.updated_at,
    });
  }

  /** Forgets the workspace's credentials for `provider`; false when it had none. */
  async remove(workspaceId: string, apiKeyId: string, provider: CredentialProvider): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(WorkspaceProviderCredential)
      .delete({ workspaceId, provider });
    const removed = (result.affected ?? 0) > 0;
    if (removed) {
      this.logger.log({
        msg: 'provider credentials removed: calls use the platform credentials again',
        event: 'credentials.delete',
        workspaceId,
        apiKeyId,
        provider,
      });
    }
    return removed;
  }
}

function view(
  row: Pick<WorkspaceProviderCredential, 'provider' | 'fingerprint' | 'createdAt' | 'updatedAt'>,
) {
  return {
    provider: row.provider,
    fingerprint: row.fingerprint,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
