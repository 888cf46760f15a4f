import { ApolloAdapter } from './apollo';
import { CompaniesHouseAdapter, CompaniesHouseClient } from './companies-house';
import { EmailVerifierAdapter } from './email-verifier';
import { AstraDialerAdapter, NimbusLookupAdapter, OrionConnectAdapter } from './phones';
import { CAPABILITIES, CAPABILITY_METHODS, type ProviderAdapter } from './port';
import { PROVIDER_DESCRIPTORS } from './registry';
import { RocketReachAdapter, RocketReachClient } from './rocketreach';
import { SerperAdapter } from './serper';
import { SnovAdapter, SnovClient } from './snov';

const base = { baseUrl: 'http://127.0.0.1:9', apiKey: 'sandbox-key' };

/** One adapter per provider, built without calling anything. */
const adapters: ProviderAdapter[] = [
  new CompaniesHouseAdapter(new CompaniesHouseClient(base)),
  new SnovAdapter(
    new SnovClient({ baseUrl: base.baseUrl, clientId: 'sandbox-id', clientSecret: 'sandbox-secret' }),
  ),
  new RocketReachAdapter(new RocketReachClient(base)),
  new ApolloAdapter(base),
  new SerperAdapter(base),
  new OrionConnectAdapter(base),
  new AstraDialerAdapter(base),
  new NimbusLookupAdapter(base),
  new EmailVerifierAdapter(base),
];

describe('every adapter', () => {
  it('is registered, once, under the name its descriptor gives', () => {
    expect(adapters.map((a) => a.descriptor.name).sort()).toEqual(
      PROVIDER_DESCRIPTORS.map((d) => d.name).sort(),
    );
  });

  it.each(adapters.map((a) => [a.descriptor.name, a] as const))(
    '%s implements exactly the capabilities its descriptor claims',
    (_name, adapter) => {
      for (const capability of CAPABILITIES) {
        const method = CAPABILITY_METHODS[capability];
        const claimed = adapter.descriptor.capabilities[capability] !== undefined;
        expect([
          capability,
          typeof (adapter as unknown as Record<string, unknown>)[method] === 'function',
        ]).toEqual([capability, claimed]);
      }
    },
  );

  it('states a non-negative cost for each capability', () => {
    for (const adapter of adapters) {
      for (const cost of Object.values(adapter.descriptor.capabilities)) {
        expect(cost.credits).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
