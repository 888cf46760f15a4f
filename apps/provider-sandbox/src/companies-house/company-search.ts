import { longDate } from '../world/dates';
import type { WorldAddress, WorldCompany } from '../world/world-types';
import { pageNumberOf, pageOf, type Paging, type PagingRules } from './paging';

export const SEARCH_PAGING: PagingRules = { defaultItemsPerPage: 20, maxItemsPerPage: 100 };

export interface CompanySearchItem {
  kind: 'searchresults#company';
  title: string;
  company_number: string;
  company_status: string;
  company_type: string;
  date_of_creation: string;
  date_of_cessation?: string;
  address: WorldAddress;
  address_snippet: string;
  description: string;
  description_identifier: string[];
  matches: { title: [number, number] };
  links: { self: string };
}

export interface CompanySearchResults {
  kind: 'search#companies';
  items_per_page: number;
  start_index: number;
  page_number: number;
  total_results: number;
  items: CompanySearchItem[];
}

/** `Shell Centre, York Road, London, United Kingdom, SE1 7NA`: the order recorded answers use. */
export function addressSnippetOf(address: WorldAddress): string {
  return [
    address.premises,
    address.address_line_1,
    address.address_line_2,
    address.locality,
    address.region,
    address.country,
    address.postal_code,
  ]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(', ');
}

function searchItem(company: WorldCompany, matchAt: number, matchLength: number): CompanySearchItem {
  const dissolved = company.date_of_cessation !== null;
  const event = dissolved
    ? `Dissolved on ${longDate(company.date_of_cessation ?? '')}`
    : `Incorporated on ${longDate(company.date_of_creation)}`;
  return {
    kind: 'searchresults#company',
    title: company.company_name,
    company_number: company.company_number,
    company_status: company.company_status,
    company_type: company.type,
    date_of_creation: company.date_of_creation,
    ...(company.date_of_cessation ? { date_of_cessation: company.date_of_cessation } : {}),
    address: company.registered_office_address,
    address_snippet: addressSnippetOf(company.registered_office_address),
    description: `${company.company_number} - ${event}`,
    description_identifier: [dissolved ? 'dissolved-on' : 'incorporated-on'],
    // One-based, inclusive character positions of the match in the title, as the API gives them.
    matches: { title: [matchAt + 1, matchAt + matchLength] },
    links: { self: `/company/${company.company_number}` },
  };
}

/**
 * Case-insensitive substring search over company names. Ranking (the real one is undocumented):
 * the exact name first, then names starting with the query, then the rest, each in world order.
 */
export function searchCompanies(
  companies: readonly WorldCompany[],
  query: string,
  paging: Paging,
): CompanySearchResults {
  const needle = query.trim().toUpperCase();
  const ranked: { company: WorldCompany; at: number; rank: number }[] = [];
  for (const company of companies) {
    const at = company.company_name.toUpperCase().indexOf(needle);
    if (at >= 0) {
      const rank = company.company_name.toUpperCase() === needle ? 0 : at === 0 ? 1 : 2;
      ranked.push({ company, at, rank });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank);
  return {
    kind: 'search#companies',
    items_per_page: paging.itemsPerPage,
    start_index: paging.startIndex,
    page_number: pageNumberOf(paging),
    total_results: ranked.length,
    items: pageOf(ranked, paging).map(({ company, at }) => searchItem(company, at, needle.length)),
  };
}
