import type { Goal, GoalKey } from '@sluice/enrichment';
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

/**
 * The providers a goal is asked of, where not every provider declaring its capability is: a goal
 * keyed by company number only goes to the register, the phone waterfall runs over the phone-lookup
 * providers only (RocketReach's adapter can find phones, with a lookup of the whole profile, but the
 * waterfall does not ask it), and firmographics by domain or name are bought from RocketReach.
 */
const GOAL_PROVIDERS: Partial<Record<GoalKey, readonly string[]>> = {
  company: ['companies-house'],
  officers: ['companies-house'],
  phone: ['orion-connect', 'astra-dialer', 'nimbus-lookup'],
  firmographics: ['rocketreach'],
};

/**
 * Whether the provider is asked for the goal: it declares the goal's capability and is among the
 * goal's providers. The waterfall and the gateway's quota check (which refuses work no provider
 * with quota left can answer) both ask here, so they agree on who can answer.
 */
export function servesGoal(provider: string, goal: Pick<Goal, 'key' | 'capability'>): boolean {
  const allowed = GOAL_PROVIDERS[goal.key];
  return (
    descriptorOf(provider)?.capabilities[goal.capability] !== undefined &&
    (allowed === undefined || allowed.includes(provider))
  );
}
