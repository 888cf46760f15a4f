/**
 * The sandbox world: companies and the people who run them. Provider-neutral: each provider's
 * simulation renders the same world in its own shapes, so that a company found through one
 * provider is the company another provider knows about.
 */

export type Jurisdiction = 'england-wales' | 'scotland' | 'northern-ireland';

export type CompanyType = 'ltd' | 'plc' | 'llp';

export type CompanyStatus = 'active' | 'dissolved' | 'liquidation' | 'administration';

export type CompanyStatusDetail = 'active-proposal-to-strike-off';

export type OfficerRole =
  'director' | 'secretary' | 'corporate-secretary' | 'llp-member' | 'llp-designated-member';

export interface WorldAddress {
  premises?: string;
  address_line_1: string;
  address_line_2?: string;
  locality: string;
  region?: string;
  postal_code: string;
  country: string;
}

export interface WorldOfficer {
  /** Companies House's person id (the `/officers/{id}/appointments` part). */
  officer_id: string;
  /** The appointment id (the `/company/{n}/appointments/{id}` part). */
  appointment_id: string;
  kind: 'individual' | 'corporate';
  /** Individuals only. */
  forenames: string | null;
  /** Individuals only, as written (e.g. `Smith`, `O'Neill`). */
  surname: string | null;
  /** As Companies House prints it: `SURNAME, Forenames` for people, the registered name for companies. */
  name: string;
  officer_role: OfficerRole;
  appointed_on: string;
  resigned_on: string | null;
  date_of_birth: { month: number; year: number } | null;
  nationality: string | null;
  occupation: string | null;
  country_of_residence: string | null;
  address: WorldAddress;
  /** Corporate officers only. */
  registration_number: string | null;
}

export interface WorldCompany {
  company_number: string;
  company_name: string;
  type: CompanyType;
  jurisdiction: Jurisdiction;
  company_status: CompanyStatus;
  company_status_detail: CompanyStatusDetail | null;
  date_of_creation: string;
  date_of_cessation: string | null;
  sic_codes: string[];
  registered_office_address: WorldAddress;
  /** The company's web domain, e.g. `kestrel-digital.co.uk` (used by e-mail and domain providers). */
  domain: string;
  accounting_reference_date: { day: number; month: number };
  /** Kind of the accounts the company files (`micro-entity`, `small`, `full`, `group`...). */
  accounts_type: string;
  /** Filings are a year behind (usual for companies facing strike-off). */
  filings_overdue: boolean;
  has_charges: boolean;
  has_insolvency_history: boolean;
  has_been_liquidated: boolean;
  undeliverable_registered_office_address: boolean;
  /** Whether the PSC register is a statement ("no registrable person") rather than a list. */
  psc_statements_only: boolean;
  officers: WorldOfficer[];
}
