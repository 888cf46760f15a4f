import type { Company } from './records/company';

/** The status fields the checks below read; a search hit or a stream event can supply them too. */
export type CompanyStatusFields = Pick<Company, 'status' | 'statusDetail'>;

/**
 * `company_status` values (Companies House enumeration) after which a company no longer trades, so
 * spending credits to reach its people is waste.
 */
export const CLOSED_COMPANY_STATUSES = Object.freeze([
  'dissolved',
  'converted-closed',
  'closed',
  'removed',
] as const);
export type ClosedCompanyStatus = (typeof CLOSED_COMPANY_STATUSES)[number];

/**
 * Companies House reports a pending strike-off as status `active` with this *detail*; it is not a
 * status value, whatever some public clients assume.
 */
export const STRIKE_OFF_STATUS_DETAIL = 'active-proposal-to-strike-off';

/** Why a company is skipped before any credit is spent, as recorded on a skipped step. */
export type ClosedCompanyReason = ClosedCompanyStatus | 'proposed-strike-off';

// Register values are lower-case kebab-case; tolerating case and padding costs nothing and keeps a
// sloppy upstream value from letting a closed company through.
function canonical(value: string | null | undefined): string | null {
  return typeof value === 'string' ? value.trim().toLowerCase() : null;
}

function isClosedStatus(status: string | null): status is ClosedCompanyStatus {
  return status !== null && (CLOSED_COMPANY_STATUSES as readonly string[]).includes(status);
}

export function isDissolved(company: CompanyStatusFields): boolean {
  return canonical(company.status) === 'dissolved';
}

export function isProposedForStrikeOff(company: CompanyStatusFields): boolean {
  return (
    canonical(company.status) === 'active' && canonical(company.statusDetail) === STRIKE_OFF_STATUS_DETAIL
  );
}

/** The reason a company should not be enriched, or `null` when it may be. */
export function closedForEnrichmentReason(company: CompanyStatusFields): ClosedCompanyReason | null {
  const status = canonical(company.status);
  if (isClosedStatus(status)) {
    return status;
  }
  return isProposedForStrikeOff(company) ? 'proposed-strike-off' : null;
}

/** Dissolved, converted-closed, closed, removed, or proposed for strike-off. */
export function isClosedForEnrichment(company: CompanyStatusFields): boolean {
  return closedForEnrichmentReason(company) !== null;
}
