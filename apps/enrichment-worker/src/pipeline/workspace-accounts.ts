import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type CredentialValues, CredentialsConfig } from '@sluice/config';
import { CredentialKeyring } from '@sluice/platform';
import type { ProviderName } from '@sluice/queue';
import { DataSource } from 'typeorm';

/**
 * A workspace's own account at one provider: the credentials it stored, decrypted. Calls made on it
 * spend the workspace's credits, not the platform's (see StepRunner).
 */
export interface WorkspaceAccount {
  workspaceId: string;
  provider: ProviderName;
  /** Changes whenever the credentials do (their `updated_at`, to the microsecond): adapters are built once per version. */
  version: string;
  values: CredentialValues;
}

/**
 * The workspace's stored credentials at a provider cannot be opened with this worker's keys (a
 * CREDENTIALS_MASTER_KEY the gateway sealed them under and this worker lacks, a row damaged): the
 * message names the key to add or the row's problem, never a secret.
 */
export class UnreadableCredentialsError extends Error {}

interface Entry {
  readAt: number;
  /** Per provider: the account, or why its row cannot be opened. */
  accounts: Promise<Map<string, WorkspaceAccount | Error>>;
}

/** Workspaces whose credentials are kept at once (oldest dropped first). */
const CACHED_WORKSPACES = 10_000;

/**
 * Reads workspaces' own provider credentials for the worker, the one place they are decrypted.
 * A workspace's rows are read in one query and kept for CREDENTIALS_CACHE_TTL_MS (a PUT or DELETE
 * takes effect within it); concurrent steps of a workspace share one read. Most workspaces have
 * none, and that answer is kept too, so the pipeline pays one small query per workspace per TTL.
 *
 * Hand-written rather than a cache library: a TTL map of promises bounded by insertion order is a
 * few lines, and none of the installed dependencies offers it.
 */
@Injectable()
export class WorkspaceAccounts implements OnApplicationBootstrap {
  private readonly keyring: CredentialKeyring | null;
  private readonly entries = new Map<string, Entry>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: CredentialsConfig,
  ) {
    // Throws at start-up, naming the setting, when a key does not decode to 32 bytes.
    this.keyring = CredentialKeyring.fromSettings(config);
  }

  /** Without a master key nothing is looked up; refuse to start if credentials are stored anyway. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.keyring) {
      return;
    }
    const [row] = await this.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM workspace_provider_credentials',
    );
    if ((row?.count ?? 0) > 0) {
      throw new Error(
        `${row?.count} workspace provider credentials are stored but CREDENTIALS_MASTER_KEY is not set: set it to the key they were sealed with (else those workspaces' calls would silently use the platform's credentials).`,
      );
    }
  }

  /** The workspace's own account at `provider`, or null: the call uses the platform's credentials. */
  async of(workspaceId: string, provider: ProviderName): Promise<WorkspaceAccount | null> {
    if (!this.keyring) {
      return null;
    }
    const now = Date.now();
    let entry = this.entries.get(workspaceId);
    if (!entry || now - entry.readAt >= this.config.cacheTtlMs) {
      entry = { readAt: now, accounts: this.read(this.keyring, workspaceId) };
      this.entries.delete(workspaceId); // re-inserted last: insertion order is age
      this.entries.set(workspaceId, entry);
      // A failed read is not kept: the next step reads again.
      const read = entry;
      read.accounts.catch(() => {
        if (this.entries.get(workspaceId) === read) {
          this.entries.delete(workspaceId);
        }
      });
      if (this.entries.size > CACHED_WORKSPACES) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) {
          this.entries.delete(oldest);
        }
      }
    }
    const account = (await entry.accounts).get(provider) ?? null;
    if (account instanceof Error) {
      // The step fails and retries instead of quietly spending the platform's credits.
      throw account;
    }
    return account;
  }

  /**
   * Whether the workspace's calls at `provider` go on its own account: a row that cannot be opened
   * counts as one, so its step fails saying why rather than quietly spending the platform's credits.
   * What the selection, the step's queue and the recovery sweep decide on.
   */
  hasOwn(workspaceId: string, provider: ProviderName): Promise<boolean> {
    return this.of(workspaceId, provider).then(
      (account) => account !== null,
      () => true,
    );
  }

  private async read(
    keyring: CredentialKeyring,
    workspaceId: string,
  ): Promise<Map<string, WorkspaceAccount | Error>> {
    const rows = await this.dataSource.query<
      { provider: ProviderName; ciphertext: string; version: string }[]
    >(
      `SELECT provider, ciphertext, to_char(updated_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS') AS version
         FROM workspace_provider_credentials WHERE workspace_id = $1`,
      [workspaceId],
    );
    return new Map(
      rows.map((row): [string, WorkspaceAccount | Error] => {
        try {
          const plain = keyring.open(row.ciphertext, { workspaceId, provider: row.provider });
          return [
            row.provider,
            {
              workspaceId,
              provider: row.provider,
              version: row.version,
              values: JSON.parse(plain) as CredentialValues,
            },
          ];
        } catch (error) {
          // Names the key to add or the row's problem, never a secret.
          const why = error instanceof Error ? error.message : String(error);
          return [
            row.provider,
            new UnreadableCredentialsError(
              `the workspace's stored ${row.provider} credentials cannot be opened: ${why}`,
            ),
          ];
        }
      }),
    );
  }
}
