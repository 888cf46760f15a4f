import { COMPANIES_HOUSE } from './companies-house/descriptor';
import { descriptorOf, PROVIDER_DESCRIPTORS } from './registry';

describe('provider registry', () => {
  it('finds Companies House by its wire name', () => {
    expect(descriptorOf('companies-house')).toBe(COMPANIES_HOUSE);
  });

  it('returns undefined for a provider Sluice has no adapter for', () => {
    expect(descriptorOf('no-such-provider')).toBeUndefined();
  });

  it('holds each provider once, under a lower-case kebab-case wire name', () => {
    const names = PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    }
  });
});
