import { WORLD_AS_OF } from '../world/dates';
import { generateWorld } from '../world/generate-world';
import type { WorldCompany } from '../world/world-types';
import recorded from './__fixtures__/company-profile.response.200.active.json';
import { renderCompanyProfile } from './company-profile';

const RECORDED_KEYS = Object.keys(recorded).sort();
/** Documented members the recorded active profile happens not to have. */
const OPTIONAL_KEYS = ['company_status_detail', 'date_of_cessation'];

describe('renderCompanyProfile', () => {
  const companies = generateWorld(20261122, 500).companies;
  const find = (predicate: (c: WorldCompany) => boolean): WorldCompany => {
    const company = companies.find(predicate);
    if (!company) {
      throw new Error('the world lacks a company this test needs');
    }
    return company;
  };

  it('gives an old active company exactly the top-level members of the recorded profile', () => {
    const company = find(
      (c) =>
        c.company_status === 'active' &&
        c.company_status_detail === null &&
        c.date_of_creation < '2015-01-01' &&
        c.has_charges &&
        !c.filings_overdue,
    );
    expect(Object.keys(renderCompanyProfile(company)).sort()).toEqual(RECORDED_KEYS);
  });

  it('uses no top-level member beyond the recorded and documented ones, for any company', () => {
    const allowed = new Set([...RECORDED_KEYS, ...OPTIONAL_KEYS]);
    for (const company of companies) {
      for (const key of Object.keys(renderCompanyProfile(company))) {
        expect(allowed).toContain(key);
      }
    }
  });

  it('shapes nested members like the recording: string reference date, links with paths', () => {
    const profile = renderCompanyProfile(find((c) => c.has_charges));
    expect(Object.keys(profile.accounts.accounting_reference_date).sort()).toEqual(['day', 'month']);
    expect(profile.accounts.accounting_reference_date.day).toMatch(/^\d{1,2}$/);
    expect(profile.accounts.accounting_reference_date.month).toMatch(/^\d{1,2}$/);
    expect(profile.links).toMatchObject({
      self: `/company/${profile.company_number}`,
      officers: `/company/${profile.company_number}/officers`,
      filing_history: `/company/${profile.company_number}/filing-history`,
      charges: `/company/${profile.company_number}/charges`,
    });
    expect(profile.etag).toMatch(/^[0-9a-f]{40}$/);
  });

  it('puts a strike-off proposal in company_status_detail, never in company_status', () => {
    const profile = renderCompanyProfile(find((c) => c.company_status_detail !== null));
    expect(profile.company_status).toBe('active');
    expect(profile.company_status_detail).toBe('active-proposal-to-strike-off');
  });

  it('shows strike-off candidates with overdue accounts and confirmation statement', () => {
    for (const company of companies.filter((c) => c.company_status_detail !== null)) {
      const profile = renderCompanyProfile(company);
      expect(profile.accounts.overdue).toBe(true);
      expect(profile.accounts.next_due < WORLD_AS_OF).toBe(true);
      expect(profile.confirmation_statement?.overdue).toBe(true);
    }
  });

  it('keeps filings of healthy active companies in date', () => {
    for (const company of companies.filter((c) => c.company_status === 'active' && !c.filings_overdue)) {
      const profile = renderCompanyProfile(company);
      expect(profile.accounts.overdue).toBe(false);
      expect(profile.accounts.next_due >= WORLD_AS_OF).toBe(true);
      expect(profile.confirmation_statement?.overdue).toBe(false);
      expect(profile.can_file).toBe(true);
    }
  });

  it('keeps accounts periods consecutive and after incorporation', () => {
    for (const company of companies) {
      const { accounts } = renderCompanyProfile(company);
      expect(accounts.next_accounts.period_start_on >= company.date_of_creation).toBe(true);
      expect(accounts.next_accounts.period_end_on > accounts.next_accounts.period_start_on).toBe(true);
      expect(accounts.next_made_up_to).toBe(accounts.next_accounts.period_end_on);
      if (accounts.last_accounts) {
        expect(accounts.last_accounts.period_start_on >= company.date_of_creation).toBe(true);
        expect(accounts.last_accounts.made_up_to).toBe(accounts.last_accounts.period_end_on);
        expect(accounts.next_accounts.period_start_on > accounts.last_accounts.period_end_on).toBe(true);
      }
    }
  });

  it('gives dissolved companies their cessation date and no filing rights', () => {
    const company = find((c) => c.company_status === 'dissolved');
    const profile = renderCompanyProfile(company);
    expect(profile.date_of_cessation).toBe(company.date_of_cessation);
    expect(profile.can_file).toBe(false);
    expect(profile.accounts.overdue).toBe(false);
  });

  it('renders the same company to the same JSON and etag every time', () => {
    const company = companies[0];
    expect(JSON.stringify(renderCompanyProfile(company))).toBe(JSON.stringify(renderCompanyProfile(company)));
    expect(renderCompanyProfile(company).etag).not.toBe(renderCompanyProfile(companies[1]).etag);
  });
});
