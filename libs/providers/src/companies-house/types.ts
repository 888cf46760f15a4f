/*
 * Raw Companies House REST API shapes (developer-specs.company-information.service.gov.uk).
 * Companies House may add or reorder members at any time, and omits optional ones, so every member
 * but the identifying one is optional and unknown members are allowed. These types describe what we
 * read; the mapper still checks each value's type, because the payload is not ours.
 */

export interface CompaniesHouseAddress {
  premises?: string;
  address_line_1?: string;
  address_line_2?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
  care_of?: string;
  po_box?: string;
  [key: string]: unknown;
}

export interface CompaniesHouseAccounts {
  next_due?: string;
  next_made_up_to?: string;
  overdue?: boolean;
  last_accounts?: { made_up_to?: string; type?: string; period_start_on?: string; period_end_on?: string };
  accounting_reference_date?: { day?: string; month?: string };
  [key: string]: unknown;
}

export interface CompaniesHouseConfirmationStatement {
  next_due?: string;
  next_made_up_to?: string;
  last_made_up_to?: string;
  overdue?: boolean;
  [key: string]: unknown;
}

/** `GET /company/{company_number}`. */
export interface CompaniesHouseCompanyProfile {
  company_number: string;
  company_name?: string;
  company_status?: string;
  company_status_detail?: string;
  type?: string;
  subtype?: string;
  jurisdiction?: string;
  date_of_creation?: string;
  date_of_cessation?: string;
  registered_office_address?: CompaniesHouseAddress;
  sic_codes?: string[];
  accounts?: CompaniesHouseAccounts;
  confirmation_statement?: CompaniesHouseConfirmationStatement;
  has_charges?: boolean;
  has_insolvency_history?: boolean;
  has_been_liquidated?: boolean;
  registered_office_is_in_dispute?: boolean;
  undeliverable_registered_office_address?: boolean;
  can_file?: boolean;
  etag?: string;
  links?: {
    self?: string;
    officers?: string;
    filing_history?: string;
    charges?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One item of `GET /company/{company_number}/officers`. */
export interface CompaniesHouseOfficer {
  /** "SURNAME, Forenames" for people; the organisation's name for corporate officers. */
  name?: string;
  officer_role?: string;
  appointed_on?: string;
  /** Absent while the appointment is current. */
  resigned_on?: string;
  /** Month and year only: the register never publishes the day. */
  date_of_birth?: { month?: number; year?: number };
  nationality?: string;
  occupation?: string;
  country_of_residence?: string;
  address?: CompaniesHouseAddress;
  /** Corporate officers only. */
  identification?: {
    identification_type?: string;
    registration_number?: string;
    place_registered?: string;
    legal_authority?: string;
    legal_form?: string;
    [key: string]: unknown;
  };
  links?: { self?: string; officer?: { appointments?: string }; [key: string]: unknown };
  [key: string]: unknown;
}

/** `GET /company/{company_number}/officers` (one page). */
export interface CompaniesHouseOfficerList {
  kind?: string;
  items?: CompaniesHouseOfficer[];
  items_per_page?: number;
  start_index?: number;
  total_results?: number;
  active_count?: number;
  resigned_count?: number;
  inactive_count?: number;
  etag?: string;
  links?: { self?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One item of `GET /search/companies`. */
export interface CompaniesHouseSearchItem {
  kind?: string;
  title?: string;
  company_number?: string;
  company_status?: string;
  company_type?: string;
  date_of_creation?: string;
  /** Present once the company is dissolved. */
  date_of_cessation?: string;
  address?: CompaniesHouseAddress;
  address_snippet?: string;
  description?: string;
  description_identifier?: string[];
  snippet?: string;
  matches?: Record<string, number[]>;
  links?: { self?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `GET /search/companies`. */
export interface CompaniesHouseSearchResponse {
  kind?: string;
  items?: CompaniesHouseSearchItem[];
  items_per_page?: number;
  start_index?: number;
  page_number?: number;
  total_results?: number;
  [key: string]: unknown;
}

/** Error bodies: `{"errors":[{"error":"company-profile-not-found","type":"ch:service"}]}`, sometimes `{"error":"…"}`. */
export interface CompaniesHouseErrorBody {
  errors?: {
    error?: string;
    type?: string;
    location?: string;
    location_type?: string;
    error_values?: Record<string, string>;
  }[];
  error?: string;
  [key: string]: unknown;
}
