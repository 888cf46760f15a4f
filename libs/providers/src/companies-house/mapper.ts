import {
  normalizeCompanyNumber,
  type Address,
  type Company,
  type CompanySearchHit,
} from '@sluice/enrichment';
import { isRecord } from '../json';
import type { CompaniesHouseCompanyProfile, CompaniesHouseSearchItem } from './types';

/** Stands in for a missing `company_status`, so an unknown state is never mistaken for `active`. */
export const UNKNOWN_COMPANY_STATUS = 'unknown';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// A bare building number ("10", "10A", "10-12") reads as part of the street line; a building name
// ("Shell Centre") is its own element and takes a comma.
const BUILDING_NUMBER = /^\d+[A-Z]?(?:\s*-\s*\d+[A-Z]?)?$/i;

// The payload is not ours: each value is checked, and blank strings count as absent.
function text(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

// Dates go into `date` columns; anything but an ISO date would fail there, far from the cause.
function isoDate(value: unknown): string | null {
  const candidate = text(value);
  return candidate !== null && ISO_DATE.test(candidate) ? candidate : null;
}

function canonicalNumber(value: string): string {
  const trimmed = value.trim().toUpperCase();
  return normalizeCompanyNumber(trimmed) ?? trimmed;
}

function firstLine(premises: string | null, addressLine1: string | null): string | null {
  if (premises === null || addressLine1 === null) {
    return premises ?? addressLine1;
  }
  if (addressLine1.toLowerCase().startsWith(premises.toLowerCase())) {
    return addressLine1;
  }
  return BUILDING_NUMBER.test(premises) ? `${premises} ${addressLine1}` : `${premises}, ${addressLine1}`;
}

/**
 * A Companies House address as a canonical one. `premises` joins the first line, because Sluice's
 * address has no separate building field and dropping it loses the building. `care_of` names a
 * person, not a place, and is left out. `null` when no part is given.
 */
export function mapAddress(raw: unknown): Address | null {
  if (!isRecord(raw)) {
    return null;
  }
  const address: Address = {
    line1: firstLine(text(raw.premises), text(raw.address_line_1)),
    line2: text(raw.address_line_2),
    locality: text(raw.locality),
    region: text(raw.region),
    postalCode: text(raw.postal_code),
    country: text(raw.country),
  };
  return Object.values(address).some((part) => part !== null) ? address : null;
}

/** A company profile (`GET /company/{company_number}`) as a canonical `Company`. */
export function mapCompanyProfile(raw: CompaniesHouseCompanyProfile): Company {
  return {
    companyNumber: canonicalNumber(raw.company_number),
    name: text(raw.company_name) ?? '',
    status: text(raw.company_status) ?? UNKNOWN_COMPANY_STATUS,
    statusDetail: text(raw.company_status_detail),
    type: text(raw.type),
    jurisdiction: text(raw.jurisdiction),
    incorporatedOn: isoDate(raw.date_of_creation),
    dissolvedOn: isoDate(raw.date_of_cessation),
    sicCodes: Array.isArray(raw.sic_codes)
      ? raw.sic_codes.map(text).filter((code): code is string => code !== null)
      : [],
    registeredAddress: mapAddress(raw.registered_office_address),
  };
}

/** A search result item as a canonical hit; `null` for an item without a company number. */
export function mapSearchItem(raw: CompaniesHouseSearchItem): CompanySearchHit | null {
  const companyNumber = text(raw.company_number);
  if (companyNumber === null) {
    return null;
  }
  return {
    companyNumber: canonicalNumber(companyNumber),
    name: text(raw.title) ?? '',
    status: text(raw.company_status),
    type: text(raw.company_type),
    incorporatedOn: isoDate(raw.date_of_creation),
    dissolvedOn: isoDate(raw.date_of_cessation),
    address: mapAddress(raw.address),
    addressSnippet: text(raw.address_snippet),
  };
}
