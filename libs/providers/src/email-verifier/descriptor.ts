import type { ProviderDescriptor } from '../port';

/** Every verification counts against the verifier's quota, whatever the verdict. */
export const EMAIL_VERIFIER: ProviderDescriptor = Object.freeze({
  name: 'email-verifier',
  capabilities: Object.freeze({
    verify_email: Object.freeze({ credits: 1, chargedOnMiss: true }),
  }),
});
