import { COMPANIES_HOUSE } from './companies-house/descriptor';
import type { ProviderDescriptor } from './port';
import { SNOV } from './snov/descriptor';
import { APOLLO } from './apollo/descriptor';
import { ROCKETREACH } from './rocketreach/descriptor';
import { SERPER } from './serper/descriptor';
import { EMAIL_VERIFIER } from './email-verifier/descriptor';
import { ASTRA_DIALER_DEFAULTS } from './phones/astra-dialer';
import { NIMBUS_LOOKUP_DEFAULTS } from './phones/nimbus-lookup';
import { ORION_CONNECT_DEFAULTS } from './phones/orion-connect';
import { phoneDescriptor } from './phones/phone-provider';

/** Every provider Sluice has an adapter for. Adding a provider adds its descriptor here. */
export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = Object.freeze([
  COMPANIES_HOUSE,
  SNOV,
  ROCKETREACH,
  APOLLO,
  SERPER,
  EMAIL_VERIFIER,
  // Phone providers at their default configuration; a deployment's own configuration may differ.
  phoneDescriptor('orion-connect', ORION_CONNECT_DEFAULTS),
  phoneDescriptor('astra-dialer', ASTRA_DIALER_DEFAULTS),
  phoneDescriptor('nimbus-lookup', NIMBUS_LOOKUP_DEFAULTS),
]);

/**
 * The cheapest paid call at the provider (1 when it lists none): below it, the provider cannot be
 * used. `costs`, when given, is the price list in force (an operator's changed prices included).
 */
export function cheapestCallOf(
  name: string,
  costs: Readonly<Record<string, { credits: number } | undefined>> = descriptorOf(name)?.capabilities ?? {},
): number {
  const paid = Object.values(costs)
    .map((cost) => cost?.credits ?? 0)
    .filter((credits) => credits > 0);
  return paid.length > 0 ? Math.min(...paid) : 1;
}

/** The descriptor of the provider with this wire name, or `undefined` when Sluice has no such adapter. */
export function descriptorOf(name: string): ProviderDescriptor | undefined {
  return PROVIDER_DESCRIPTORS.find((descriptor) => descriptor.name === name);
}
