/** The providers Sluice calls, by their wire names (the queues' list, `PROVIDER_NAMES`, is the same). */
export const CONFIG_PROVIDER_NAMES = [
  'companies-house',
  'snov',
  'rocketreach',
  'apollo',
  'serper',
  'orion-connect',
  'astra-dialer',
  'nimbus-lookup',
  'email-verifier',
] as const;

export type ConfigProviderName = (typeof CONFIG_PROVIDER_NAMES)[number];

/** Whether `name` is one of the providers Sluice calls (the settings that name one are checked with it). */
export function isProviderName(name: string): name is ConfigProviderName {
  return (CONFIG_PROVIDER_NAMES as readonly string[]).includes(name);
}
