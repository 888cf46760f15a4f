/** A postal address as Sluice stores it; any part the source does not give is `null`. */
export interface Address {
  line1: string | null;
  line2: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/**
 * A company as Sluice knows it, whichever provider it came from. Status values keep the register's
 * own vocabulary (for Companies House: `active`, `dissolved`, `liquidation`, …), so nothing is lost in
 * translation and strike-off detection can look at `statusDetail`.
 */
export interface Company {
  /** The registry number in its canonical form, e.g. `07798925` or `SC571653`. */
  companyNumber: string;
  name: string;
  status: string;
  statusDetail: string | null;
  type: string | null;
  jurisdiction: string | null;
  /** ISO date (`YYYY-MM-DD`). */
  incorporatedOn: string | null;
  /** ISO date (`YYYY-MM-DD`). */
  dissolvedOn: string | null;
  sicCodes: string[];
  registeredAddress: Address | null;
}

/**
 * A company as a search lists it: enough to pick the right one, less than a profile (no status
 * detail, no SIC codes), so a hit is never cached as if it were a full `Company`.
 */
export interface CompanySearchHit {
  companyNumber: string;
  name: string;
  status: string | null;
  type: string | null;
  incorporatedOn: string | null;
  dissolvedOn: string | null;
  address: Address | null;
  /** The provider's one-line rendering of the address, when it gives one. */
  addressSnippet: string | null;
}
