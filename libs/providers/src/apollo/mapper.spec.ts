import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apolloPhoneOutcome } from './client';
import { APOLLO_COSTS } from './descriptor';
import { mapApolloOrganization, mapApolloPerson, mapApolloPhones } from './mapper';
import { requestIdFromText } from './request-id';
import type { ApolloMatchResponse } from './types';

const text = readFileSync(join(__dirname, '__fixtures__', 'people-match.response.200.json'), 'utf8');

describe('Apollo people match, from the reference example', () => {
  it('keeps request_id exact where JSON.parse would round it', () => {
    expect(requestIdFromText(text)).toBe('1039995589705121900');
    // The number JSON.parse makes is another integer: the next request would poll the wrong id.
    expect(BigInt((JSON.parse(text) as { request_id: number }).request_id)).not.toBe(1039995589705121900n);
    expect(requestIdFromText('{"request_id":"987654321987654321"}')).toBe('987654321987654321');
    expect(requestIdFromText('{"person":null}')).toBeNull();
  });

  it('maps the person, a verified e-mail as valid and the organization domain as the company domain', () => {
    const { person } = JSON.parse(text) as ApolloMatchResponse;
    const mapped = mapApolloPerson(person!);
    expect(mapped).toMatchObject({
      firstName: 'Tim',
      lastName: 'Zheng',
      fullName: 'Tim Zheng',
      title: 'Founder & CEO',
      linkedinUrl: 'https://www.linkedin.com/in/tim-zheng-677ba010',
      companyName: 'Apollo.io',
      emails: [{ email: 'tim@apollo.io', kind: 'work', verdict: 'valid' }],
    });
    expect(mapped.companyDomain).toBe(person!.organization?.primary_domain);
  });

  it("writes the person's country as its ISO code, and keeps one no table knows as Apollo wrote it", () => {
    const { person } = JSON.parse(text) as ApolloMatchResponse;
    expect(
      mapApolloPerson({ ...person!, city: 'Leeds', state: null, country: 'United Kingdom' }).location,
    ).toEqual({
      locality: 'Leeds',
      region: null,
      country: 'GB',
    });
    expect(mapApolloPerson({ ...person!, country: 'Atlantis' }).location?.country).toBe('Atlantis');
  });

  it('maps the organization that comes with the person as firmographics, and none without a domain', () => {
    const { person } = JSON.parse(text) as ApolloMatchResponse;
    const organization = person!.organization!;
    const company = mapApolloOrganization(organization);
    expect(company).toMatchObject({
      name: 'Apollo.io',
      domain: 'apollo.io',
      industry: 'information technology & services',
      employees: 1600,
      revenueUsd: 100000000,
      linkedinUrl: 'http://www.linkedin.com/company/apolloio',
      // An empty `primary_phone` is no number.
      phone: null,
      // Apollo names the country; Sluice writes its ISO code, as for every provider.
      location: { locality: 'San Francisco', region: 'California', postalCode: '94105-2301', country: 'US' },
    });
    expect(company?.technologies).toEqual(organization.technology_names);
    expect(mapApolloOrganization({ ...organization, primary_domain: 'https://www.Apollo.io/' })?.domain).toBe(
      'apollo.io',
    );
    expect(
      mapApolloOrganization({ ...organization, primary_phone: { sanitized_number: '+14155550100' } })?.phone,
    ).toBe('+14155550100');
    expect(mapApolloOrganization({ ...organization, primary_domain: null })).toBeNull();
    expect(mapApolloOrganization(null)).toBeNull();
  });
});

describe("Apollo phone reveal's charge", () => {
  it('is 8 for the mobile it returns when Apollo names no credits_consumed', () => {
    const outcome = apolloPhoneOutcome({
      request_id: '1',
      webhook_result: {
        people: [
          {
            id: 'p1',
            status: 'success',
            phone_numbers: [
              { raw_number: '+447911123456', sanitized_number: '+447911123456', type_cd: 'mobile' },
            ],
          },
        ],
      },
    });
    expect(outcome).toMatchObject({ status: 'hit', credits: APOLLO_COSTS.mobilePhone });
  });
});

describe('Apollo phone reveal, extensions', () => {
  it('keeps the extension of raw_number beside the E.164 sanitized_number', () => {
    const phones = mapApolloPhones({
      request_id: '1',
      webhook_result: {
        people: [
          {
            id: 'p1',
            phone_numbers: [
              // `sanitized_number` is E.164, which drops the extension; a US number written nationally.
              {
                raw_number: '(415) 555-0158 ext. 12',
                sanitized_number: '+14155550158',
                type_cd: 'work_direct',
              },
              { raw_number: '+44 20 7946 0958 x123', sanitized_number: '+442079460958', type_cd: 'work_hq' },
              // The same number again, without it: one phone, and the extension is kept.
              { raw_number: '+44 20 7946 0958', sanitized_number: '+442079460958', type_cd: 'other' },
              { raw_number: '+447400123456', sanitized_number: '+447400123456', type_cd: 'mobile' },
              // No sanitized number: the raw one gives both.
              { raw_number: '020 7946 0000 ext 9', type_cd: 'work_direct' },
            ],
          },
        ],
      },
    });
    expect(phones).toEqual([
      { number: '+14155550158', extension: '12', kind: 'direct', country: 'US' },
      { number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' },
      { number: '+447400123456', extension: null, kind: 'mobile', country: 'GB' },
      { number: '+442079460000', extension: '9', kind: 'direct', country: 'GB' },
    ]);
  });
});
