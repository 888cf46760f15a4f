/**
 * Every provider's base URL pointed at the sandbox at `sandboxUrl`: what `npm start`, the tests and
 * the benchmarks give the apps so that no call leaves the machine (one list, so a provider added
 * to the sandbox is wired everywhere at once).
 */
export function sandboxProviderEnv(sandboxUrl: string): Record<string, string> {
  return {
    COMPANIES_HOUSE_BASE_URL: `${sandboxUrl}/companies-house`,
    COMPANIES_HOUSE_STREAM_URL: `${sandboxUrl}/companies-house-stream`,
    SNOV_BASE_URL: `${sandboxUrl}/snov`,
    ROCKETREACH_BASE_URL: `${sandboxUrl}/rocketreach/api/v2`,
    APOLLO_BASE_URL: `${sandboxUrl}/apollo/api/v1`,
    SERPER_BASE_URL: `${sandboxUrl}/serper`,
    ORION_CONNECT_BASE_URL: `${sandboxUrl}/phone/orion-connect`,
    ASTRA_DIALER_BASE_URL: `${sandboxUrl}/phone/astra-dialer`,
    NIMBUS_LOOKUP_BASE_URL: `${sandboxUrl}/phone/nimbus-lookup`,
    EMAIL_VERIFIER_BASE_URL: `${sandboxUrl}/email-verifier`,
  };
}
