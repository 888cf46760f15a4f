import { ProvidersConfig } from './sections';

/** Each provider's base-URL setting, by the provider's wire name. */
const BASE_URL_SETTINGS = {
  'companies-house': 'companiesHouseBaseUrl',
  snov: 'snovBaseUrl',
  rocketreach: 'rocketreachBaseUrl',
  apollo: 'apolloBaseUrl',
  serper: 'serperBaseUrl',
  'orion-connect': 'orionConnectBaseUrl',
  'astra-dialer': 'astraDialerBaseUrl',
  'nimbus-lookup': 'nimbusLookupBaseUrl',
  'email-verifier': 'emailVerifierBaseUrl',
} as const satisfies Record<string, keyof ProvidersConfig>;

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * The providers whose base URL points at the provider sandbox, so that their answers are marked as
 * sandbox data. The sandbox serves each provider under its own path (`/snov`, `/rocketreach/api/v2`,
 * `/phone/orion-connect`…), wherever it runs (loopback, a Compose service, another host); no real
 * provider's API lives under those paths, so the path tells, whatever the host.
 */
export function sandboxedProviders(config: ProvidersConfig): string[] {
  const defaults = new ProvidersConfig();
  return Object.entries(BASE_URL_SETTINGS)
    .filter(([, setting]) => {
      const sandboxPath = pathOf(defaults[setting]);
      return sandboxPath !== '' && pathOf(config[setting]) === sandboxPath;
    })
    .map(([provider]) => provider);
}
