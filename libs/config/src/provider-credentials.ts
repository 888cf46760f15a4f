import type { ConfigProviderName } from './provider-names';
import { isSandboxUrl, sandboxedProviders } from './sandbox-providers';
import { ProvidersConfig } from './sections';
import { settingsOf } from './setting';

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
} as const satisfies Record<ConfigProviderName, readonly CredentialField[]>;

export type CredentialProvider = keyof typeof PROVIDER_CREDENTIAL_FIELDS;

/** A workspace's credentials for one provider: field name → value. */
export type CredentialValues = Record<string, string>;

/**
 * Why the platform settings hold no usable credentials for `provider`, or null when they do. Every
 * credential setting defaults to the sandbox's own value, so that a fresh install runs against the
 * sandbox with nothing set; a deployment that points a provider elsewhere and leaves its key unset
 * would send that value to the real provider. There it counts as unset: the platform has no
 * account at that provider, and only workspaces' own credentials call it.
 */
export function platformCredentialsProblem(
  config: ProvidersConfig,
  provider: CredentialProvider,
): string | null {
  // A loaded configuration is frozen: its answers are worked out once (the provider list asks on
  // every request), from the defaults and the sandbox's paths.
  let problems = Object.isFrozen(config) ? problemsByConfig.get(config) : undefined;
  if (!problems) {
    problems = credentialProblems(config);
    if (Object.isFrozen(config)) {
      problemsByConfig.set(config, problems);
    }
  }
  return problems[provider];
}

const problemsByConfig = new WeakMap<ProvidersConfig, Record<CredentialProvider, string | null>>();

function credentialProblems(config: ProvidersConfig): Record<CredentialProvider, string | null> {
  const envOf = (property: string): string =>
    settingsOf(ProvidersConfig).find((meta) => meta.property === property)?.env ?? property;
  const defaults = new ProvidersConfig();
  const sandboxed = sandboxedProviders(config);
  const problemOf = (provider: CredentialProvider): string | null => {
    for (const { setting } of PROVIDER_CREDENTIAL_FIELDS[provider]) {
      const value = config[setting].trim();
      if (value === '') {
        return `${envOf(setting)} is empty`;
      }
      if (!sandboxed.includes(provider) && value === defaults[setting]) {
        return `${envOf(setting)} is not set, and ${provider}'s base URL is not the sandbox's`;
      }
    }
    return null;
  };
  return Object.fromEntries(
    (Object.keys(PROVIDER_CREDENTIAL_FIELDS) as CredentialProvider[]).map((provider) => [
      provider,
      problemOf(provider),
    ]),
  ) as Record<CredentialProvider, string | null>;
}

/** Whether the platform settings hold every credential field of `provider` (see {@link platformCredentialsProblem}). */
export function hasPlatformCredentials(config: ProvidersConfig, provider: CredentialProvider): boolean {
  return platformCredentialsProblem(config, provider) === null;
}

/**
 * Why the Companies House streaming key is unusable, or null: as a provider's key (see
 * {@link platformCredentialsProblem}), the sandbox's own key is not sent to a stream that is not the
 * sandbox's.
 */
export function companiesStreamKeyProblem(config: ProvidersConfig): string | null {
  const defaults = new ProvidersConfig();
  const key = config.companiesHouseStreamKey.trim();
  if (key === '') {
    return 'COMPANIES_HOUSE_STREAM_KEY is empty';
  }
  return key === defaults.companiesHouseStreamKey &&
    !isSandboxUrl(config.companiesHouseStreamUrl, defaults.companiesHouseStreamUrl)
    ? "COMPANIES_HOUSE_STREAM_KEY is not set, and COMPANIES_HOUSE_STREAM_URL is not the sandbox's"
    : null;
}

/** Each provider the platform has no usable credentials for, with why: for a warning at start-up. */
export function platformCredentialGaps(
  config: ProvidersConfig,
): { provider: CredentialProvider; problem: string }[] {
  return (Object.keys(PROVIDER_CREDENTIAL_FIELDS) as CredentialProvider[]).flatMap((provider) => {
    const problem = platformCredentialsProblem(config, provider);
    return problem ? [{ provider, problem }] : [];
  });
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
