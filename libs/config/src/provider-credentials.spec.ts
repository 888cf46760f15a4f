import {
  companiesStreamKeyProblem,
  hasPlatformCredentials,
  platformCredentialGaps,
  platformCredentialsProblem,
} from './provider-credentials';
import { ProvidersConfig } from './sections';

const config = (settings: Partial<ProvidersConfig>): ProvidersConfig =>
  Object.assign(new ProvidersConfig(), settings);

describe("the platform's credentials", () => {
  it('are the sandbox’s own keys, usable, while every provider is the sandbox (wherever it runs)', () => {
    expect(platformCredentialGaps(new ProvidersConfig())).toEqual([]);
    expect(hasPlatformCredentials(config({ snovBaseUrl: 'http://provider-sandbox:4010/snov' }), 'snov')).toBe(
      true,
    );
  });

  it('count as unset at a real provider whose key was left at the sandbox’s, so that key is never sent there', () => {
    const real = config({
      apolloBaseUrl: 'https://api.apollo.io/api/v1',
      snovBaseUrl: 'https://api.snov.io',
    });
    expect(platformCredentialsProblem(real, 'apollo')).toBe(
      "APOLLO_API_KEY is not set, and apollo's base URL is not the sandbox's",
    );
    // Either of Snov.io's two fields left at the sandbox's value is enough.
    const halfSet = config({ snovBaseUrl: 'https://api.snov.io', snovClientId: 'real-client-id' });
    expect(platformCredentialsProblem(halfSet, 'snov')).toBe(
      "SNOV_CLIENT_SECRET is not set, and snov's base URL is not the sandbox's",
    );
    expect(platformCredentialGaps(real).map((gap) => gap.provider)).toEqual(['snov', 'apollo']);
    expect(hasPlatformCredentials(real, 'serper')).toBe(true);
  });

  it('are usable at a real provider once its own key is set, and never when a key is blank', () => {
    const set = config({ apolloBaseUrl: 'https://api.apollo.io/api/v1', apolloApiKey: 'live-apollo-key' });
    expect(platformCredentialsProblem(set, 'apollo')).toBeNull();
    expect(platformCredentialsProblem(config({ serperApiKey: '  ' }), 'serper')).toBe(
      'SERPER_API_KEY is empty',
    );
  });
});

describe('the Companies House streaming key', () => {
  it('is the sandbox’s at the sandbox’s stream, unset at the real stream, set when given', () => {
    expect(companiesStreamKeyProblem(new ProvidersConfig())).toBeNull();
    const real = { companiesHouseStreamUrl: 'https://stream.companieshouse.gov.uk' };
    expect(companiesStreamKeyProblem(config(real))).toBe(
      "COMPANIES_HOUSE_STREAM_KEY is not set, and COMPANIES_HOUSE_STREAM_URL is not the sandbox's",
    );
    expect(
      companiesStreamKeyProblem(config({ ...real, companiesHouseStreamKey: 'live-stream-key' })),
    ).toBeNull();
  });
});
