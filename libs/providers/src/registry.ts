import { COMPANIES_HOUSE } from './companies-house/descriptor';
import type { ProviderDescriptor } from './port';
import { SNOV } from './snov/descriptor';
import { EMAIL_VERIFIER } from './email-verifier/descriptor';

/** Every provider Sluice has an adapter for. Adding a provider adds its descriptor here. */
export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = Object.freeze([
  COMPANIES_HOUSE,
  SNOV,
  EMAIL_VERIFIER,
]);

/** The descriptor of the provider with this wire name, or `undefined` when Sluice has no such adapter. */
export function descriptorOf(name: string): ProviderDescriptor | undefined {
  return PROVIDER_DESCRIPTORS.find((descriptor) => descriptor.name === name);
}
