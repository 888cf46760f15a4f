import type { WorldAddress, WorldCompany, WorldOfficer } from '../world/world-types';
import { etagOf } from './company-profile';
import { pageOf, type Paging, type PagingRules } from './paging';

export const OFFICERS_PAGING: PagingRules = { defaultItemsPerPage: 35, maxItemsPerPage: 100 };

export interface OfficerItem {
  name: string;
  officer_role: string;
  appointed_on: string;
  resigned_on?: string;
  date_of_birth?: { month: number; year: number };
  nationality?: string;
  occupation?: string;
  country_of_residence?: string;
  address: WorldAddress;
  identification?: {
    identification_type: string;
    legal_authority: string;
    legal_form: string;
    place_registered: string;
    registration_number: string;
  };
  links: { self: string; officer: { appointments: string } };
}

export interface OfficerList {
  kind: 'officer-list';
  items_per_page: number;
  start_index: number;
  total_results: number;
  active_count: number;
  resigned_count: number;
  inactive_count: number;
  etag: string;
  links: { self: string };
  items: OfficerItem[];
}

/**
 * Serving order: officers in office first, then those who resigned, latest change first. (The API's
 * default order is not documented; this is the order the register's web pages show.)
 */
export function officersInServingOrder(officers: readonly WorldOfficer[]): WorldOfficer[] {
  return [...officers].sort((a, b) => {
    if ((a.resigned_on === null) !== (b.resigned_on === null)) {
      return a.resigned_on === null ? -1 : 1;
    }
    const aDate = a.resigned_on ?? a.appointed_on;
    const bDate = b.resigned_on ?? b.appointed_on;
    return aDate === bDate ? a.name.localeCompare(b.name) : bDate.localeCompare(aDate);
  });
}

export function renderOfficer(company: WorldCompany, officer: WorldOfficer): OfficerItem {
  return {
    name: officer.name,
    officer_role: officer.officer_role,
    appointed_on: officer.appointed_on,
    ...(officer.resigned_on ? { resigned_on: officer.resigned_on } : {}),
    ...(officer.date_of_birth ? { date_of_birth: { ...officer.date_of_birth } } : {}),
    ...(officer.nationality ? { nationality: officer.nationality } : {}),
    ...(officer.occupation ? { occupation: officer.occupation } : {}),
    ...(officer.country_of_residence ? { country_of_residence: officer.country_of_residence } : {}),
    address: officer.address,
    ...(officer.registration_number
      ? {
          identification: {
            identification_type: 'uk-limited-company',
            legal_authority: 'Companies Act 2006',
            legal_form: 'Limited Company',
            place_registered: 'Companies House',
            registration_number: officer.registration_number,
          },
        }
      : {}),
    links: {
      self: `/company/${company.company_number}/appointments/${officer.appointment_id}`,
      officer: { appointments: `/officers/${officer.officer_id}/appointments` },
    },
  };
}

export function renderOfficerList(company: WorldCompany, paging: Paging): OfficerList {
  const ordered = officersInServingOrder(company.officers);
  const activeCount = ordered.filter((officer) => officer.resigned_on === null).length;
  return {
    kind: 'officer-list',
    items_per_page: paging.itemsPerPage,
    start_index: paging.startIndex,
    total_results: ordered.length,
    active_count: activeCount,
    resigned_count: ordered.length - activeCount,
    // Counts appointments ended by a corporate officer's own dissolution; the world has none.
    inactive_count: 0,
    // The etag identifies the whole list, whichever page is asked for.
    etag: etagOf('officer-list', company.officers),
    links: { self: `/company/${company.company_number}/officers` },
    items: pageOf(ordered, paging).map((officer) => renderOfficer(company, officer)),
  };
}
