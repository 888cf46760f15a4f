import type { PersonQuery } from '@sluice/enrichment';
import { ApolloAdapter } from './apollo';
import { ProviderError } from './errors';
import { personInputProblem, PERSON_INPUT_RULES } from './person-input';
import { AstraDialerAdapter, NimbusLookupAdapter, OrionConnectAdapter } from './phones';
import { RocketReachAdapter, RocketReachClient } from './rocketreach';
import { SnovAdapter, SnovClient } from './snov';

/** Every combination of the identifiers a request can carry (full names of one and of two words). */
function queries(): PersonQuery[] {
  const parts: [keyof PersonQuery, string][] = [
    ['firstName', 'Ada'],
    ['lastName', 'Lovelace'],
    ['email', 'ada@acme.com'],
    ['domain', 'acme.com'],
    ['companyName', 'Acme'],
    ['linkedinUrl', 'https://www.linkedin.com/in/ada'],
    ['phone', '+447700900123'],
  ];
  const all: PersonQuery[] = [];
  for (let mask = 0; mask < 1 << parts.length; mask += 1) {
    const query: PersonQuery = {};
    parts.forEach(([key, value], i) => {
      if (mask & (1 << i)) {
        query[key] = value;
      }
    });
    all.push(query, { ...query, fullName: 'Ada Lovelace' }, { ...query, fullName: 'Ada' });
  }
  return all;
}

describe('PERSON_INPUT_RULES', () => {
  it('names what each provider needs', () => {
    expect(personInputProblem('snov', { fullName: 'Ada Lovelace', companyName: 'Acme' })).toMatch(/domain/);
    expect(personInputProblem('snov', { fullName: 'Ada Lovelace', domain: 'acme.com' })).toBeNull();
    expect(personInputProblem('astra-dialer', { linkedinUrl: 'https://www.linkedin.com/in/ada' })).toMatch(
      /a name and the company domain/,
    );
    expect(personInputProblem('nimbus-lookup', { firstName: 'Ada', lastName: 'Lovelace' })).toBeNull();
    expect(personInputProblem('orion-connect', { firstName: 'Ada', lastName: 'Lovelace' })).toMatch(
      /LinkedIn/,
    );
    expect(personInputProblem('apollo', { firstName: 'Ada', lastName: 'Lovelace' })).toMatch(/company/);
    expect(personInputProblem('apollo', { email: 'ada@acme.com' })).toBeNull();
    // Providers without person lookups have no rule.
    expect(personInputProblem('serper', {})).toBeNull();
  });

  /**
   * The adapters refuse before any call exactly the inputs the rules refuse, so the planner never
   * queues a step its provider would refuse, and never skips one it would take.
   */
  describe.each([
    ['snov', 'findWorkEmail'],
    ['apollo', 'lookupPerson'],
    ['apollo', 'findWorkEmail'],
    ['rocketreach', 'lookupPerson'],
    ['rocketreach', 'findWorkEmail'],
    ['rocketreach', 'findPhone'],
    ['orion-connect', 'findPhone'],
    ['astra-dialer', 'findPhone'],
    ['nimbus-lookup', 'findPhone'],
  ])('%s %s', (provider, method) => {
    let reached = false;
    // Records that the adapter went to the network, then fails the call.
    const fetch = (() => {
      reached = true;
      return Promise.reject(new Error('network reached'));
    }) as typeof globalThis.fetch;
    const common = { baseUrl: 'http://127.0.0.1:9', apiKey: 'key', fetch, timeoutMs: 1000 };
    const makers: Record<string, () => object> = {
      snov: () => new SnovAdapter(new SnovClient({ ...common, clientId: 'id', clientSecret: 'secret' })),
      apollo: () => new ApolloAdapter(common),
      rocketreach: () => new RocketReachAdapter(new RocketReachClient(common)),
      'orion-connect': () => new OrionConnectAdapter(common),
      'astra-dialer': () => new AstraDialerAdapter(common),
      'nimbus-lookup': () => new NimbusLookupAdapter(common),
    };
    const adapter = makers[provider]?.() as Record<string, (query: PersonQuery) => Promise<unknown>>;

    it('refuses before any call exactly what its rule refuses', async () => {
      expect(PERSON_INPUT_RULES[provider]).toBeDefined();
      const disagreements: string[] = [];
      for (const query of queries()) {
        reached = false;
        const error = await adapter[method]?.call(adapter, query).catch((e: unknown) => e);
        const refused = !reached && error instanceof ProviderError && error.kind === 'bad_request';
        const ruled = personInputProblem(provider, query) !== null;
        if (refused !== ruled) {
          disagreements.push(`${JSON.stringify(query)}: adapter ${refused ? 'refused' : 'called'}`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  });
});
