import { ProvidersConfig } from './sections';
import { sandboxedProviders } from './sandbox-providers';

describe('sandboxedProviders', () => {
  it('marks every provider at its default (the local sandbox)', () => {
    expect(sandboxedProviders(new ProvidersConfig())).toHaveLength(9);
  });

  it('marks a sandbox on another host by its path, and not a production API', () => {
    const config = Object.assign(new ProvidersConfig(), {
      snovBaseUrl: 'http://provider-sandbox:4010/snov/',
      rocketreachBaseUrl: 'https://api.rocketreach.co/api/v2',
      apolloBaseUrl: 'https://api.apollo.io/api/v1',
    });
    const marked = sandboxedProviders(config);
    expect(marked).toContain('snov');
    expect(marked).not.toContain('rocketreach');
    expect(marked).not.toContain('apollo');
    expect(marked).toContain('serper');
  });
});
