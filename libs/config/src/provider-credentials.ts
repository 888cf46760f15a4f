import type { ProvidersConfig } from './sections';

/** One field of a provider's credentials: its name in the API and the platform setting it replaces. */
export interface CredentialField {
  /** The field's name in `PUT /v1/providers/:name/credentials`. */
  name: string;
  /** The platform setting that a workspace's value stands in for. */
  setting: keyof ProvidersConfig & `${string}${'Key' | 'Id' | 'Secret'}`;
}

/**
 * What each provider needs to authenticate a call, per workspace. Only what one call carries:
 * the Companies House streaming key (one platform-wide consumer) and the RocketReach webhook secret
 * (the webhook receiver verifies with the platform's; a workspace account's results are polled) stay
 * platform settings.
 */
export const PROVIDER_CREDENTIAL_FIELDS = {
  'companies-house': [{ name: 'api_key', setting: 'companiesHouseApiKey' }],
  snov: [
    { name: 'client_id', setting: 'snovClientId' },
    { name: 'client_secret', setting: 'snovClientSecret' },
  ],
  rocketreach: [{ name: 'api_key', setting: 'rocketreachApiKey' }],
  apollo: [{ name: 'api_key', setting: 'apolloApiKey' }],
  serper: [{ name: 'api_key', setting: 'serperApiKey' }],
  'orion-connect': [{ name: 'api_key', setting: 'orionConnectApiKey' }],
  'astra-dialer': [{ name: 'api_key', setting: 'astraDialerApiKey' }],
  'nimbus-lookup': [{ name: 'api_key', setting: 'nimbusLookupApiKey' }],
  'email-verifier': [{ name: 'api_key', setting: 'emailVerifierApiKey' }],
} as const satisfies Record<string, readonly CredentialField[]>;

export type CredentialProvider = keyof typeof PROVIDER_CREDENTIAL_FIELDS;

/** Whether `name` is one of the providers Sluice calls (the settings that name one are checked with it). */
export function isProviderName(name: string): name is CredentialProvider {
  return Object.prototype.hasOwnProperty.call(PROVIDER_CREDENTIAL_FIELDS, name);
}

/** A workspace's credentials for one provider: field name → value. */
export type CredentialValues = Record<string, string>;

/** Whether the platform settings hold every credential field of `provider`. */
export function hasPlatformCredentials(config: ProvidersConfig, provider: CredentialProvider): boolean {
  return PROVIDER_CREDENTIAL_FIELDS[provider].every(({ setting }) => config[setting].trim() !== '');
}

/** The platform settings with a workspace's credentials for `provider` in place of the platform's. */
export function withWorkspaceCredentials(
  config: ProvidersConfig,
  provider: CredentialProvider,
  values: CredentialValues,
): ProvidersConfig {
  const copy: ProvidersConfig = Object.create(Object.getPrototypeOf(config) as object) as ProvidersConfig;
  Object.assign(copy, config);
  for (const { name, setting } of PROVIDER_CREDENTIAL_FIELDS[provider]) {
    const value = values[name];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`The stored ${provider} credentials lack ${name}.`);
    }
    (copy as unknown as Record<string, string>)[setting] = value;
  }
  return Object.freeze(copy);
}
