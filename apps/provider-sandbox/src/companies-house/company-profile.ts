import { createHash } from 'node:crypto';
import { WORLD_AS_OF, addDays, addMonths, addYears, dateIn, yearOf } from '../world/dates';
import type { WorldAddress, WorldCompany } from '../world/world-types';

/** The day confirmation statements replaced annual returns (and their full members lists). */
const CONFIRMATION_STATEMENTS_FROM = '2016-06-30';

/** A `GET /company/{company_number}` body, as far as the sandbox fills it in. */
export interface CompanyProfile {
  company_name: string;
  company_number: string;
  company_status: string;
  company_status_detail?: string;
  type: string;
  jurisdiction: string;
  date_of_creation: string;
  date_of_cessation?: string;
  registered_office_address: WorldAddress;
  sic_codes: string[];
  accounts: ProfileAccounts;
  confirmation_statement?: ConfirmationStatement;
  last_full_members_list_date?: string;
  has_charges: boolean;
  has_insolvency_history: boolean;
  has_been_liquidated: boolean;
  has_super_secure_pscs: boolean;
  registered_office_is_in_dispute: boolean;
  undeliverable_registered_office_address: boolean;
  can_file: boolean;
  status?: string;
  etag: string;
  links: Record<string, string>;
}

export interface ProfileAccounts {
  accounting_reference_date: { day: string; month: string };
  last_accounts?: {
    made_up_to: string;
    period_start_on: string;
    period_end_on: string;
    type: string;
  };
  next_accounts: { period_start_on: string; period_end_on: string; due_on: string; overdue: boolean };
  next_due: string;
  next_made_up_to: string;
  overdue: boolean;
}

export interface ConfirmationStatement {
  last_made_up_to?: string;
  next_made_up_to: string;
  next_due: string;
  overdue: boolean;
}

/** A stable 40-hex etag: same company, same etag. */
export function etagOf(kind: string, value: unknown): string {
  return createHash('sha1').update(kind).update(JSON.stringify(value)).digest('hex');
}

export function renderCompanyProfile(company: WorldCompany): CompanyProfile {
  const number = company.company_number;
  const active = company.company_status === 'active';
  const confirmation = confirmationStatementOf(company);
  const membersListDate = lastFullMembersListDateOf(company);
  const links: Record<string, string> = {
    self: `/company/${number}`,
    filing_history: `/company/${number}/filing-history`,
    officers: `/company/${number}/officers`,
  };
  if (company.psc_statements_only) {
    links.persons_with_significant_control_statements = `/company/${number}/persons-with-significant-control-statements`;
  } else {
    links.persons_with_significant_control = `/company/${number}/persons-with-significant-control`;
  }
  if (company.has_charges) {
    links.charges = `/company/${number}/charges`;
  }
  if (company.has_insolvency_history) {
    links.insolvency = `/company/${number}/insolvency`;
  }

  const profile: Omit<CompanyProfile, 'etag'> = {
    company_name: company.company_name,
    company_number: number,
    company_status: company.company_status,
    ...(company.company_status_detail ? { company_status_detail: company.company_status_detail } : {}),
    type: company.type,
    jurisdiction: company.jurisdiction,
    date_of_creation: company.date_of_creation,
    ...(company.date_of_cessation ? { date_of_cessation: company.date_of_cessation } : {}),
    registered_office_address: company.registered_office_address,
    sic_codes: company.sic_codes,
    accounts: accountsOf(company),
    ...(confirmation ? { confirmation_statement: confirmation } : {}),
    ...(membersListDate ? { last_full_members_list_date: membersListDate } : {}),
    has_charges: company.has_charges,
    has_insolvency_history: company.has_insolvency_history,
    has_been_liquidated: company.has_been_liquidated,
    has_super_secure_pscs: false,
    registered_office_is_in_dispute: false,
    undeliverable_registered_office_address: company.undeliverable_registered_office_address,
    can_file: active,
    // Undocumented, but present on a recorded active profile; clients must tolerate extra members.
    ...(active ? { status: 'active' } : {}),
    links,
  };
  return { ...profile, etag: etagOf('company-profile', profile) };
}

/** The date filings are measured against: the dissolution for a dissolved company, else the world's day. */
function referenceDateOf(company: WorldCompany): string {
  return company.date_of_cessation ?? WORLD_AS_OF;
}

function periodEndIn(company: WorldCompany, year: number): string {
  const { day, month } = company.accounting_reference_date;
  return dateIn(year, month, day);
}

/**
 * Accounts filed on time (private companies 9 months after the period end, plcs 6), or a year behind
 * when the company's filings are overdue. The first period ends on the first reference date at
 * least six months after incorporation.
 */
export function accountsOf(company: WorldCompany): ProfileAccounts {
  const delayMonths = company.type === 'plc' ? 6 : 9;
  const reference = referenceDateOf(company);
  let year = yearOf(company.date_of_creation);
  while (periodEndIn(company, year) < addMonths(company.date_of_creation, 6)) {
    year += 1;
  }
  const firstYear = year;
  let lastFiledYear: number | null = null;
  while (addMonths(periodEndIn(company, year), delayMonths) < reference) {
    lastFiledYear = year;
    year += 1;
  }
  if (company.filings_overdue && lastFiledYear !== null) {
    lastFiledYear = lastFiledYear > firstYear ? lastFiledYear - 1 : null;
  }
  const periodStart = (endYear: number): string =>
    endYear === firstYear ? company.date_of_creation : addDays(periodEndIn(company, endYear - 1), 1);

  const nextYear = lastFiledYear === null ? firstYear : lastFiledYear + 1;
  const nextEnd = periodEndIn(company, nextYear);
  const nextDue = addMonths(nextEnd, delayMonths);
  const overdue = company.company_status !== 'dissolved' && nextDue < reference;
  return {
    accounting_reference_date: {
      day: String(company.accounting_reference_date.day),
      month: String(company.accounting_reference_date.month),
    },
    ...(lastFiledYear === null
      ? {}
      : {
          last_accounts: {
            made_up_to: periodEndIn(company, lastFiledYear),
            period_start_on: periodStart(lastFiledYear),
            period_end_on: periodEndIn(company, lastFiledYear),
            type: company.accounts_type,
          },
        }),
    next_accounts: {
      period_start_on: periodStart(nextYear),
      period_end_on: nextEnd,
      due_on: nextDue,
      overdue,
    },
    next_due: nextDue,
    next_made_up_to: nextEnd,
    overdue,
  };
}

/**
 * Yearly confirmation statements made up to the incorporation anniversary and due 14 days later, a
 * year behind when filings are overdue. Absent for companies dissolved before they existed.
 */
export function confirmationStatementOf(company: WorldCompany): ConfirmationStatement | undefined {
  const reference = referenceDateOf(company);
  if (company.date_of_cessation && company.date_of_cessation < addYears(CONFIRMATION_STATEMENTS_FROM, 1)) {
    return undefined;
  }
  let lastYears = 0;
  while (addDays(addYears(company.date_of_creation, lastYears + 1), 14) < reference) {
    lastYears += 1;
  }
  if (company.filings_overdue && lastYears > 0) {
    lastYears -= 1;
  }
  const nextMadeUpTo = addYears(company.date_of_creation, lastYears + 1);
  const nextDue = addDays(nextMadeUpTo, 14);
  return {
    ...(lastYears > 0 ? { last_made_up_to: addYears(company.date_of_creation, lastYears) } : {}),
    next_made_up_to: nextMadeUpTo,
    next_due: nextDue,
    overdue: company.company_status !== 'dissolved' && nextDue < reference,
  };
}

/** The made-up date of the last annual return, for companies old enough to have filed one. */
function lastFullMembersListDateOf(company: WorldCompany): string | undefined {
  const until =
    referenceDateOf(company) < CONFIRMATION_STATEMENTS_FROM
      ? referenceDateOf(company)
      : CONFIRMATION_STATEMENTS_FROM;
  let years = 0;
  while (addYears(company.date_of_creation, years + 1) < until) {
    years += 1;
  }
  return years > 0 ? addYears(company.date_of_creation, years) : undefined;
}
