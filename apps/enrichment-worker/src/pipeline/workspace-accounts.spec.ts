import { randomBytes } from 'node:crypto';
import { CredentialsConfig } from '@sluice/config';
import { CredentialKeyring } from '@sluice/platform';
import type { DataSource } from 'typeorm';
import { WorkspaceAccounts } from './workspace-accounts';

const WS = '11111111-1111-4111-8111-111111111111';

/** A DataSource that answers the credentials query from a list of rows and counts the queries. */
function fakeDataSource(rows: () => { provider: string; ciphertext: string; version: string }[]) {
  const fake = { queries: 0, query: jest.fn() };
  fake.query.mockImplementation(() => {
    fake.queries += 1;
    return Promise.resolve(rows());
  });
  return fake;
}

function settings(masterKey: string, cacheTtlMs: number): CredentialsConfig {
  return Object.assign(new CredentialsConfig(), { masterKey, cacheTtlMs });
}

describe('WorkspaceAccounts', () => {
  const key = randomBytes(32).toString('base64');
  const keyring = new CredentialKeyring(key);
  const sealed = (provider: string, values: Record<string, string>) =>
    keyring.seal(JSON.stringify(values), { workspaceId: WS, provider }).ciphertext;

  afterEach(() => jest.useRealTimers());

  it('reads a workspace’s credentials once per TTL, for all its providers, and decrypts them', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const ds = fakeDataSource(() => [
      { provider: 'apollo', ciphertext: sealed('apollo', { api_key: 'ws-key' }), version: 'v1' },
    ]);
    const accounts = new WorkspaceAccounts(ds as unknown as DataSource, settings(key, 5000));
    expect(await accounts.of(WS, 'apollo')).toMatchObject({ values: { api_key: 'ws-key' }, version: 'v1' });
    expect(await accounts.of(WS, 'snov')).toBeNull();
    expect(ds.queries).toBe(1);
    jest.setSystemTime(1_000_000 + 5000);
    await accounts.of(WS, 'apollo');
    expect(ds.queries).toBe(2);
  });

  it('fails only the provider whose row does not open, naming no secret', async () => {
    const other = new CredentialKeyring(randomBytes(32).toString('base64'));
    const ds = fakeDataSource(() => [
      { provider: 'apollo', ciphertext: sealed('apollo', { api_key: 'ws-key' }), version: 'v1' },
      {
        provider: 'serper',
        ciphertext: other.seal('{"api_key":"x"}', { workspaceId: WS, provider: 'serper' }).ciphertext,
        version: 'v1',
      },
    ]);
    const accounts = new WorkspaceAccounts(ds as unknown as DataSource, settings(key, 5000));
    await expect(accounts.of(WS, 'serper')).rejects.toThrow(/CREDENTIALS_MASTER_KEY_PREVIOUS/);
    expect(await accounts.of(WS, 'apollo')).not.toBeNull();
  });

  it('looks nothing up without a master key, and refuses to start if credentials are stored anyway', async () => {
    const ds = fakeDataSource(() => []);
    const accounts = new WorkspaceAccounts(ds as unknown as DataSource, settings('', 5000));
    expect(await accounts.of(WS, 'apollo')).toBeNull();
    expect(ds.queries).toBe(0);
    ds.query.mockResolvedValueOnce([{ count: 2 }]);
    await expect(accounts.onApplicationBootstrap()).rejects.toThrow(
      /2 workspace provider credentials are stored but CREDENTIALS_MASTER_KEY is not set/,
    );
  });
});
