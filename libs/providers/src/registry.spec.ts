import { COMPANIES_HOUSE } from './companies-house/descriptor';
import { GOALS } from '@sluice/enrichment';
import { descriptorOf, PROVIDER_DESCRIPTORS, servesGoal } from './registry';

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

  it('names the providers each goal is asked of: phones of the phone-lookup providers only', () => {
    const askedFor = (goal: (typeof GOALS)[keyof typeof GOALS]): string[] =>
      PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.name).filter((name) => servesGoal(name, goal));
    expect(askedFor(GOALS.phone)).toEqual(['orion-connect', 'astra-dialer', 'nimbus-lookup']);
    expect(askedFor(GOALS.company)).toEqual(['companies-house']);
    expect(askedFor(GOALS.firmographics)).toEqual(['rocketreach']);
    expect(askedFor(GOALS.email)).toEqual(['snov', 'rocketreach', 'apollo']);
    expect(askedFor(GOALS.verify)).toEqual(['email-verifier']);
  });
});
