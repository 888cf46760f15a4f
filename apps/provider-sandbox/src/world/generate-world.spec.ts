import { COMPANY_NUMBER_FORMATS, NEVER_ISSUED_COMPANY_NUMBERS } from './company-numbers';
import { WORLD_AS_OF } from './dates';
import { generateWorld } from './generate-world';

// The defaults of SandboxConfig (SANDBOX_SEED, SANDBOX_WORLD_SIZE).
const DEFAULT_SEED = 20261122;
const DEFAULT_SIZE = 500;

describe('generateWorld', () => {
  const world = generateWorld(DEFAULT_SEED, DEFAULT_SIZE);
  const companies = world.companies;

  it('generates exactly worldSize companies', () => {
    expect(companies).toHaveLength(DEFAULT_SIZE);
    expect(generateWorld(1, 7).companies).toHaveLength(7);
  });

  it('generates the identical world, byte for byte, from the same seed', () => {
    expect(JSON.stringify(generateWorld(DEFAULT_SEED, DEFAULT_SIZE).companies)).toBe(
      JSON.stringify(companies),
    );
  });

  it('generates a different world from a different seed', () => {
    const other = generateWorld(DEFAULT_SEED + 1, DEFAULT_SIZE).companies;
    expect(other.map((c) => c.company_number)).not.toEqual(companies.map((c) => c.company_number));
    expect(other.map((c) => c.company_name)).not.toEqual(companies.map((c) => c.company_name));
  });

  it('keeps the first companies of a small world the same as those of a larger one', () => {
    expect(generateWorld(DEFAULT_SEED, 50).companies).toEqual(companies.slice(0, 50));
  });

  it('issues company numbers in real formats that match jurisdiction and type', () => {
    for (const company of companies) {
      const number = company.company_number;
      if (number.startsWith('SC')) {
        expect(number).toMatch(COMPANY_NUMBER_FORMATS.scotland);
        expect(company.jurisdiction).toBe('scotland');
      } else if (number.startsWith('NI')) {
        expect(number).toMatch(COMPANY_NUMBER_FORMATS['northern-ireland']);
        expect(company.jurisdiction).toBe('northern-ireland');
      } else if (number.startsWith('OC')) {
        expect(number).toMatch(COMPANY_NUMBER_FORMATS.llp);
        expect(company.type).toBe('llp');
        expect(company.jurisdiction).toBe('england-wales');
      } else {
        expect(number).toMatch(COMPANY_NUMBER_FORMATS['england-wales']);
        expect(company.jurisdiction).toBe('england-wales');
        expect(company.type).not.toBe('llp');
      }
    }
  });

  it('mixes all four registers, mostly England and Wales', () => {
    const count = (prefix: RegExp) => companies.filter((c) => prefix.test(c.company_number)).length;
    expect(count(/^\d/)).toBeGreaterThan(DEFAULT_SIZE * 0.6);
    expect(count(/^SC/)).toBeGreaterThanOrEqual(5);
    expect(count(/^NI/)).toBeGreaterThanOrEqual(5);
    expect(count(/^OC/)).toBeGreaterThanOrEqual(5);
  });

  it('never issues the same number, name or domain twice, nor a number reserved as unknown', () => {
    const numbers = companies.map((c) => c.company_number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(new Set(companies.map((c) => c.company_name)).size).toBe(companies.length);
    expect(new Set(companies.map((c) => c.domain)).size).toBe(companies.length);
    for (const reserved of NEVER_ISSUED_COMPANY_NUMBERS) {
      expect(numbers).not.toContain(reserved);
    }
  });

  it('stays unique in a crowded world', () => {
    const big = generateWorld(5, 5_000).companies;
    expect(new Set(big.map((c) => c.company_number)).size).toBe(5_000);
    expect(new Set(big.map((c) => c.company_name)).size).toBe(5_000);
    expect(new Set(big.map((c) => c.domain)).size).toBe(5_000);
  });

  it('contains several companies of each status the waterfall must tell apart', () => {
    const plainActive = companies.filter(
      (c) => c.company_status === 'active' && c.company_status_detail === null,
    );
    const strikeOff = companies.filter(
      (c) => c.company_status === 'active' && c.company_status_detail === 'active-proposal-to-strike-off',
    );
    const dissolved = companies.filter((c) => c.company_status === 'dissolved');
    expect(plainActive.length).toBeGreaterThan(DEFAULT_SIZE / 2);
    expect(strikeOff.length).toBeGreaterThanOrEqual(5);
    expect(dissolved.length).toBeGreaterThanOrEqual(5);
    expect(companies.filter((c) => c.company_status === 'liquidation').length).toBeGreaterThanOrEqual(1);
    expect(companies.filter((c) => c.company_status === 'administration').length).toBeGreaterThanOrEqual(1);
  });

  it('gives a strike-off proposal only to active companies and a cessation date only to dissolved ones', () => {
    for (const company of companies) {
      if (company.company_status_detail !== null) {
        expect(company.company_status).toBe('active');
      }
      if (company.company_status === 'dissolved') {
        expect(company.date_of_cessation).not.toBeNull();
        expect(company.date_of_cessation! > company.date_of_creation).toBe(true);
        expect(company.date_of_cessation! <= WORLD_AS_OF).toBe(true);
      } else {
        expect(company.date_of_cessation).toBeNull();
      }
    }
  });

  it('ends each name as its type requires', () => {
    for (const company of companies) {
      const ending = { ltd: /( LTD| LIMITED)$/, plc: / PLC$/, llp: / LLP$/ }[company.type];
      expect(company.company_name).toMatch(ending);
    }
  });

  it('gives every company a domain, SIC codes and a registered office', () => {
    for (const company of companies) {
      expect(company.domain).toMatch(/^[a-z0-9-]+\.(co\.uk|com|uk|io)$/);
      expect(company.sic_codes.length).toBeGreaterThanOrEqual(1);
      for (const sic of company.sic_codes) {
        expect(sic).toMatch(/^\d{5}$/);
      }
      expect(company.registered_office_address.address_line_1).not.toBe('');
      expect(company.registered_office_address.postal_code).toMatch(/^[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}$/);
    }
  });

  it('gives each company 1 to 12 officers with consistent dates and at least one in office', () => {
    for (const company of companies) {
      expect(company.officers.length).toBeGreaterThanOrEqual(1);
      expect(company.officers.length).toBeLessThanOrEqual(12);
      expect(company.officers.some((o) => o.resigned_on === null)).toBe(true);
      const end = company.date_of_cessation ?? WORLD_AS_OF;
      for (const officer of company.officers) {
        expect(officer.appointed_on >= company.date_of_creation).toBe(true);
        expect(officer.appointed_on <= end).toBe(true);
        if (officer.resigned_on !== null) {
          expect(officer.resigned_on > officer.appointed_on).toBe(true);
          expect(officer.resigned_on <= end).toBe(true);
        }
      }
    }
  });

  it('names people "SURNAME, Forenames" and gives LLPs at least two designated members', () => {
    for (const company of companies) {
      for (const officer of company.officers.filter((o) => o.kind === 'individual')) {
        expect(officer.name).toMatch(/^[A-Z' -]+, [A-Z][a-z]+( [A-Z][a-z]+)?$/);
        expect(officer.name.startsWith(`${officer.surname!.toUpperCase()}, `)).toBe(true);
        // A middle name is never the first name again.
        const [first, middle] = officer.forenames!.split(' ');
        expect(middle).not.toBe(first);
      }
      if (company.type === 'llp') {
        expect(
          company.officers.filter((o) => o.officer_role === 'llp-designated-member').length,
        ).toBeGreaterThanOrEqual(2);
        expect(company.officers.every((o) => o.officer_role.startsWith('llp-'))).toBe(true);
      } else {
        expect(company.officers.some((o) => o.officer_role.startsWith('llp-'))).toBe(false);
      }
    }
  });

  it('finds a company by number with the letter prefix in any case', () => {
    const scottish = companies.find((c) => c.company_number.startsWith('SC'));
    expect(scottish).toBeDefined();
    expect(world.findCompany(scottish!.company_number.toLowerCase())).toBe(scottish);
    expect(world.findCompany('09999999')).toBeUndefined();
  });

  it('refuses a world size below 1', () => {
    expect(() => generateWorld(1, 0)).toThrow('world size');
  });
});
