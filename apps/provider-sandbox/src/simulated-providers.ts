import { companiesHouse } from './companies-house/companies-house.provider';
import type { SimulatedProvider } from './simulation/simulated-provider';
import { snov } from './snov/snov.provider';
import { rocketreach } from './rocketreach/rocketreach.provider';
import { apollo } from './apollo/apollo.provider';
import { serper } from './serper/serper.provider';
import { emailVerifier } from './email-verifier/email-verifier.provider';
import { astraDialer, nimbusLookup, orionConnect } from './phones/phone-providers';

/**
 * Every provider the sandbox simulates. Adding one: a folder with its `SimulatedProvider`, its
 * controller (real paths under its prefix) and module; list the provider here and the module in
 * `SandboxModule`.
 */
export const SIMULATED_PROVIDER_LIST: readonly SimulatedProvider[] = [
  companiesHouse,
  snov,
  rocketreach,
  apollo,
  serper,
  orionConnect,
  astraDialer,
  nimbusLookup,
  emailVerifier,
];
