import { ACTIVE_PROVIDERS, type CreditWallet, type ProviderName, type WalletSnapshot } from '@sluice/queue';
import type { DataSource } from 'typeorm';

/** A platform provider account's credits as the gateway shows them. */
export interface ProviderBalance {
  /** The last reading; null: never read, or unlimited. */
  balance: number | null;
  /** The last reading was of a plan without a credit limit (then `balance` is null). */
  unlimited: boolean;
  readAt: Date | null;
  /** The renewal the provider reported with the last reading the monitor recorded; null: none. */
  reportedRenewal: Date | null;
  wallet: WalletSnapshot;
}

/**
 * Every active provider's platform balance: the wallet holds the freshest reading (the monitor and
 * the workers set it); the credit_snapshots table is the record of readings, used when the wallet
 * has none.
 */
export async function readProviderBalances(
  dataSource: DataSource,
  wallet: CreditWallet,
): Promise<Map<ProviderName, ProviderBalance>> {
  const [snapshots, wallets] = await Promise.all([
    dataSource.query<
      {
        provider: string;
        balance: string | null;
        unlimited: boolean;
        renews_at: Date | null;
        taken_at: Date;
      }[]
    >(
      `SELECT DISTINCT ON (provider) provider, balance, unlimited, renews_at, taken_at FROM credit_snapshots
        ORDER BY provider, taken_at DESC`,
    ),
    Promise.all(ACTIVE_PROVIDERS.map((provider) => wallet.snapshot(provider))),
  ]);
  return new Map(
    ACTIVE_PROVIDERS.map((provider, index): [ProviderName, ProviderBalance] => {
      const held = wallets[index];
      const snapshot = snapshots.find((row) => row.provider === provider);
      const fromWallet = held.balance !== null || held.unlimited;
      const unlimited = fromWallet ? held.unlimited : snapshot?.unlimited === true;
      const balance = fromWallet
        ? held.balance
        : snapshot && snapshot.balance !== null
          ? Number(snapshot.balance)
          : null;
      const readAt =
        held.updatedAt !== null ? new Date(held.updatedAt) : snapshot ? new Date(snapshot.taken_at) : null;
      const reportedRenewal = snapshot?.renews_at ? new Date(snapshot.renews_at) : null;
      return [provider, { balance, unlimited, readAt, reportedRenewal, wallet: held }];
    }),
  );
}
