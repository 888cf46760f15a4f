import { isProposedForStrikeOff, type Company } from '@sluice/enrichment';
import profileSample from './__fixtures__/company-profile.response.200.active.json';
import searchSample from './__fixtures__/search-companies.response.200.json';
import { mapAddress, mapCompanyProfile, mapSearchItem, UNKNOWN_COMPANY_STATUS } from './mapper';
import type { CompaniesHouseCompanyProfile } from './types';

const profile: CompaniesHouseCompanyProfile = profileSample;

describe('mapCompanyProfile', () => {
  it('maps the recorded IWOCA LTD profile to a canonical company', () => {
    const expected: Company = {
      companyNumber: '07798925',
      name: 'IWOCA LTD',
      status: 'active',
      statusDetail: null,
      type: 'ltd',
      jurisdiction: 'england-wales',
      incorporatedOn: '2011-10-05',
      dissolvedOn: null,
      sicCodes: ['64921'],
      registeredAddress: {
        line1: '10 Queen Street Place',
        line2: null,
        locality: 'London',
        region: null,
        postalCode: 'EC4R 1AG',
        country: 'United Kingdom',
      },
    };
    expect(mapCompanyProfile(profile)).toEqual(expected);
  });

  it('keeps the strike-off status detail so a striking-off company is detected', () => {
    const company = mapCompanyProfile({ ...profile, company_status_detail: 'active-proposal-to-strike-off' });
    expect(company.status).toBe('active');
    expect(company.statusDetail).toBe('active-proposal-to-strike-off');
    expect(isProposedForStrikeOff(company)).toBe(true);
  });

  it('maps a dissolved company with its cessation date', () => {
    const company = mapCompanyProfile({
      ...profile,
      company_status: 'dissolved',
      date_of_cessation: '2023-02-14',
    });
    expect(company.status).toBe('dissolved');
    expect(company.dissolvedOn).toBe('2023-02-14');
  });

  it('tolerates a profile that carries only its number', () => {
    expect(mapCompanyProfile({ company_number: '7798925' })).toEqual({
      companyNumber: '07798925',
      name: '',
      status: UNKNOWN_COMPANY_STATUS,
      statusDetail: null,
      type: null,
      jurisdiction: null,
      incorporatedOn: null,
      dissolvedOn: null,
      sicCodes: [],
      registeredAddress: null,
    });
  });

  it('drops values of the wrong type instead of passing them on', () => {
    const company = mapCompanyProfile({
      company_number: 'SC571653',
      company_name: 42,
      sic_codes: ['62020', 7, '  '],
      date_of_creation: '05/10/2011',
      registered_office_address: 'somewhere',
    } as unknown as CompaniesHouseCompanyProfile);
    expect(company.name).toBe('');
    expect(company.sicCodes).toEqual(['62020']);
    expect(company.incorporatedOn).toBeNull();
    expect(company.registeredAddress).toBeNull();
  });
});

describe('mapAddress', () => {
  it('joins a building name to the first line with a comma', () => {
    expect(mapAddress({ premises: 'Shell Centre', address_line_1: 'York Road' })?.line1).toBe(
      'Shell Centre, York Road',
    );
  });

  it('joins a building number to the first line with a space', () => {
    expect(mapAddress({ premises: '10', address_line_1: 'Queen Street Place' })?.line1).toBe(
      '10 Queen Street Place',
    );
  });

  it('does not repeat premises the first line already starts with', () => {
    expect(mapAddress({ premises: '10', address_line_1: '10 Queen Street Place' })?.line1).toBe(
      '10 Queen Street Place',
    );
  });

  it('returns null when no part of the address is given', () => {
    expect(mapAddress({ care_of: 'A Person', address_line_1: '  ' })).toBeNull();
    expect(mapAddress(undefined)).toBeNull();
  });
});

describe('mapSearchItem', () => {
  it('maps the recorded SHELL PLC search hit', () => {
    expect(mapSearchItem(searchSample.items[0])).toEqual({
      companyNumber: '04366849',
      name: 'SHELL PLC',
      status: 'active',
      type: 'plc',
      incorporatedOn: '2002-02-05',
      dissolvedOn: null,
      address: {
        line1: 'Shell Centre, London',
        line2: null,
        locality: null,
        region: null,
        postalCode: 'SE1 7NA',
        country: null,
      },
      addressSnippet: 'Shell Centre, London, SE1 7NA',
    });
  });

  it('skips an item without a company number', () => {
    expect(mapSearchItem({ title: 'NO NUMBER LTD' })).toBeNull();
  });
});
