import { Injectable } from '@nestjs/common';
import { hasPlatformCredentials, ProvidersConfig } from '@sluice/config';
import {
  ApolloAdapter,
  RocketReachAdapter,
  RocketReachClient,
  SnovAdapter,
  SnovClient,
  type CreditBalance,
} from '@sluice/providers';

/**
 * The providers with an account or balance endpoint (free to call), each read through its adapter.
 * The others publish none; their spend is known from the ledger only. A provider the platform has
 * no credentials for (see `platformCredentialsProblem`) has no platform balance to read: it is not
 * read, so the sandbox's key never goes to a real provider.
 */
@Injectable()
export class BalanceReaders {
  private readonly readers: Record<string, () => Promise<CreditBalance>>;
  /** The calls of its own a reader makes before its read (Snov.io's token fetch). */
  private readonly setup: Record<string, () => number>;

  constructor(config: ProvidersConfig) {
    const common = { timeoutMs: config.providerTimeoutMs };
    const snov = new SnovAdapter(
      new SnovClient({
        baseUrl: config.snovBaseUrl,
        clientId: config.snovClientId,
        clientSecret: config.snovClientSecret,
        ...common,
      }),
    );
    const rocketreach = new RocketReachAdapter(
      new RocketReachClient({
        baseUrl: config.rocketreachBaseUrl,
        apiKey: config.rocketreachApiKey,
        ...common,
      }),
    );
    const apollo = new ApolloAdapter({
      baseUrl: config.apolloBaseUrl,
      apiKey: config.apolloApiKey,
      ...common,
    });
    this.setup = { snov: () => snov.callsBeforeNext() };
    const readers = {
      snov: async () => (await snov.checkCredits()).data,
      rocketreach: async () => (await rocketreach.checkCredits()).data,
      apollo: async () => (await apollo.checkCredits()).data,
    };
    this.readers = Object.fromEntries(
      Object.entries(readers).filter(([provider]) =>
        hasPlatformCredentials(config, provider as keyof typeof readers),
      ),
    );
  }

  has(provider: string): boolean {
    return provider in this.readers;
  }

  get providers(): string[] {
    return Object.keys(this.readers);
  }

  /** The calls the provider's reader will make of its own before its next read (a token fetch). */
  callsBeforeNext(provider: string): number {
    return this.setup[provider]?.() ?? 0;
  }

  async read(provider: string): Promise<CreditBalance> {
    const reader = this.readers[provider];
    if (!reader) {
      throw new Error(`${provider} has no balance endpoint`);
    }
    return reader();
  }
}
