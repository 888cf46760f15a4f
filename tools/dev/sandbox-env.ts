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

/**
 * Points the sandbox's RocketReach account webhook — set in RocketReach's dashboard for a real
 * account — at the webhook receiver (`receiverUrl`), signed with `secret` (the receiver's
 * ROCKETREACH_WEBHOOK_SECRET), so that a local run finishes RocketReach lookups by callback as a
 * deployment does, and not only by polling. Resolves to null when set, else to why not: a local run
 * goes on without it.
 */
export async function connectRocketReachWebhook(
  sandboxUrl: string,
  receiverUrl: string,
  secret: string,
): Promise<string | null> {
  try {
    const response = await fetch(`${sandboxUrl}/_sandbox/providers/rocketreach/webhook`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiverUrl}/webhooks/rocketreach`, secret }),
    });
    return response.ok ? null : `the sandbox answered HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
